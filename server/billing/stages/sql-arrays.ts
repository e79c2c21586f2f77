import { sql } from "drizzle-orm";

// Array parameters for stage statements: one bound parameter per element, cast to the column type.

export const uuidArray = (ids: string[]) =>
  ids.length ? sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]` : sql`ARRAY[]::uuid[]`;

export const textArray = (values: string[]) =>
  values.length ? sql`ARRAY[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`ARRAY[]::text[]`;

