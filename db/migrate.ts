import { env } from "@/server/env";
import { openDatabase } from "./client";

// npm run db:migrate — applies the committed SQL migrations to DATABASE_URL (or the embedded database).
const url = env.DATABASE_URL;
const database = await openDatabase({ url, migrate: true });
console.info(`migrations applied (${database.driver})`);
await database.close();
