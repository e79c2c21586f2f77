import { openDatabase } from "./client";

// npm run db:migrate — applies the committed SQL migrations to DATABASE_URL (or the embedded database).
const url = process.env.DATABASE_URL || undefined;
const database = await openDatabase({ url, migrate: true });
console.info(`migrations applied (${database.driver})`);
await database.close();
