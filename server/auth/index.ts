import { getDb } from "@/db";
import { createAuth, type Auth } from "./auth";

const globalForAuth = globalThis as unknown as { billrunAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  globalForAuth.billrunAuth ??= getDb().then(createAuth);
  return globalForAuth.billrunAuth;
}
