export * from "./database.ts";
export * from "./migrator.ts";
export type * from "./schema.ts";
