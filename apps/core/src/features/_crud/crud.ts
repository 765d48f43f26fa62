import type { DB } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";
import type { Deps } from "../../deps.ts";
import type { Pagination } from "../../http/envelope.ts";
import { AppError, type ErrorCode, validationError } from "../../http/errors.ts";
import { decodeCursor, finishPage } from "../../http/pagination.ts";
import { recordMutation } from "../../lib/audit.ts";
import type { Caller } from "../../security/caller.ts";

/**
 * Plumbing shared by the management entities (users, spaces, groups, members, bindings, roles,
 * grants, permissions): keyset lists, transactional audited writes, status transitions and
 * database-error mapping. Entity folders keep their own rules, DTOs and queries.
 */

export type Db = Kysely<DB> | Transaction<DB>;

/** Tables whose rows carry `status`, `updated_at` and `deleted_at`. */
export type StatusTable =
  | "users"
  | "spaces"
  | "groups"
  | "members"
  | "user_members"
  | "roles"
  | "member_roles"
  | "permissions"
  | "role_permissions"
  | "resources";

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/**
 * One keyset page ordered by `id` (stable and unique). `fetch` must return rows with
 * `id > afterId` in ascending id order, at most `take` of them.
 */
export async function keysetPage<T extends { id: string }>(
  list: string,
  query: { limit: number; cursor?: string },
  fetch: (afterId: string | null, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  const key = decodeCursor(list, query.cursor);
  if (key && typeof key[0] !== "string") {
    throw validationError("cursor", "is not a valid cursor for this list");
  }
  const rows = await fetch(key ? (key[0] as string) : null, query.limit + 1);
  return finishPage(list, rows, query.limit, (r) => [r.id]);
}

function pgErrorOf(err: unknown): { code?: string; detail?: string } {
  const e = err as { code?: unknown; detail?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return {};
  if (typeof e.code === "string") {
    return { code: e.code, detail: typeof e.detail === "string" ? e.detail : undefined };
  }
  return e.cause ? pgErrorOf(e.cause) : {};
}

/**
 * The offending column(s), from PostgreSQL's `Key (col)=(value) …` detail. Clients get the field
 * name the house rules promise, never the constraint's name (a schema internal).
 */
function fieldOf(detail: string | undefined): string | null {
  const m = detail ? /^Key \(([^)]+)\)=/.exec(detail) : null;
  return m ? m[1] : null;
}

/** Unique violations become `conflict` (409); FK/check violations a 400; anything else passes through. */
export function mapDbError(err: unknown, conflict: ErrorCode = "CONFLICT"): unknown {
  if (err instanceof AppError) return err;
  const { code, detail } = pgErrorOf(err);
  if (code === "23505") {
    return new AppError(conflict, "A record with the same id or unique key already exists.", {
      field: fieldOf(detail),
    });
  }
  if (code === "23503") {
    const field = fieldOf(detail) ?? "(body)";
    return validationError(
      field,
      "refers to a record that does not exist",
      "A referenced record does not exist.",
    );
  }
  if (code === "23514" || code === "22P02" || code === "22007" || code === "22008") {
    return validationError(
      "(body)",
      "has a value that is not acceptable",
      "A field value is not acceptable.",
    );
  }
  return err;
}

/** Runs `fn` in one transaction, mapping constraint violations to 4xx envelopes. */
export async function inTransaction<T>(
  deps: Deps,
  fn: (trx: Transaction<DB>) => Promise<T>,
  conflict: ErrorCode = "CONFLICT",
): Promise<T> {
  try {
    return await deps.db.transaction().execute(fn);
  } catch (err) {
    throw mapDbError(err, conflict);
  }
}

export interface MutationSpec<T extends { id: string }> {
  /** Audit resource type and action prefix, e.g. `user_member`. */
  entity: string;
  /** Past-tense verb: `created`, `updated`, `disabled`, `revoked`, … */
  verb: string;
  /** The row's DTO before the write; omitted for creates. */
  before?: (trx: Transaction<DB>) => Promise<T>;
  /** Performs the write. Returning `false` means "nothing changed": no audit row is written. */
  write: (trx: Transaction<DB>, before: T | undefined) => Promise<unknown>;
  /** The row's DTO after the write (loaded inside the transaction). */
  after: (trx: Transaction<DB>, before: T | undefined) => Promise<T>;
  /** The Space the audit row is filed under. */
  spaceOf: (dto: T) => string | null;
  conflict?: ErrorCode;
  /** Extra audit details (never secrets; `redact` runs anyway). */
  details?: Record<string, unknown>;
}

/** The one write path: before → write → after → audit row, all in one transaction. */
export async function mutate<T extends { id: string }>(
  deps: Deps,
  caller: Caller,
  spec: MutationSpec<T>,
): Promise<T> {
  return inTransaction(
    deps,
    async (trx) => {
      const before = spec.before ? await spec.before(trx) : undefined;
      const changed = await spec.write(trx, before);
      const after = await spec.after(trx, before);
      if (changed === false) return after;
      await recordMutation(trx, caller, {
        action: `${spec.entity}.${spec.verb}`,
        resource_type: spec.entity,
        resource_id: after.id,
        space_id: spec.spaceOf(after),
        before: (before as Record<string, unknown> | undefined) ?? null,
        after: after as unknown as Record<string, unknown>,
        details: spec.details,
      });
      return after;
    },
    spec.conflict,
  );
}

/** Sets columns of one row by id. The table is a closed union, so the loose cast stays local. */
export async function updateRow(
  trx: Db,
  table: StatusTable,
  id: string,
  values: Record<string, unknown>,
): Promise<void> {
  await (trx as unknown as Kysely<Record<string, { id: string }>>)
    .updateTable(table)
    .set(values as never)
    .where("id", "=", id)
    .execute();
}

export interface TransitionSpec<T extends { id: string; status: string; deleted_at?: Date | null }> {
  table: StatusTable;
  entity: string;
  verb: string;
  to: string;
  /** States the transition may start from. */
  from: readonly string[];
  load: (trx: Db) => Promise<T>;
  spaceOf: (dto: T) => string | null;
  /** Extra columns written with the status (revoked_at, deleted_at, …). */
  set?: Record<string, unknown>;
  /** Treats the row as already transitioned (e.g. a soft-deleted binding). */
  done?: (dto: T) => boolean;
  /** Extra invariant checked inside the transaction, before the write (may lock rows). */
  check?: (trx: Transaction<DB>, before: T) => Promise<void>;
  details?: Record<string, unknown>;
}

/**
 * A status workflow step. Repeating a transition already made returns the row unchanged (no audit
 * row); a state that does not allow it (or a soft-deleted row) is 409 INVALID_STATE_TRANSITION.
 */
export async function transition<T extends { id: string; status: string; deleted_at?: Date | null }>(
  deps: Deps,
  caller: Caller,
  spec: TransitionSpec<T>,
): Promise<T> {
  return mutate(deps, caller, {
    entity: spec.entity,
    verb: spec.verb,
    before: (trx) => spec.load(trx),
    write: async (trx, before) => {
      if (!before) return false;
      if (spec.done ? spec.done(before) : before.status === spec.to) return false;
      if (before.deleted_at || !spec.from.includes(before.status)) {
        throw new AppError(
          "INVALID_STATE_TRANSITION",
          `Cannot ${spec.verb.replace(/d$/, "")} a ${spec.entity} whose status is ${before.deleted_at ? "deleted" : before.status}.`,
          { status: before.status, target_status: spec.to },
        );
      }
      await spec.check?.(trx, before);
      await updateRow(trx, spec.table, before.id, { status: spec.to, updated_at: deps.now(), ...spec.set });
    },
    after: (trx) => spec.load(trx),
    spaceOf: spec.spaceOf,
    details: spec.details,
  });
}

/** The Space named by a nested route must exist (404 SPACE_NOT_FOUND otherwise). */
export async function requireSpace(db: Db, spaceId: string): Promise<void> {
  const row = await db.selectFrom("spaces").select("id").where("id", "=", spaceId).executeTakeFirst();
  if (!row) throw new AppError("SPACE_NOT_FOUND", undefined, { id: spaceId });
}

/** A referenced row of the route's Space: 404 when missing, 400 naming `field` when it lives elsewhere. */
export function sameSpace(
  row: { space_id: string } | undefined,
  spaceId: string,
  field: string,
  notFoundCode: ErrorCode,
  id: string,
): void {
  if (!row) throw new AppError(notFoundCode, undefined, { id, field });
  if (row.space_id !== spaceId) {
    throw validationError(
      field,
      `must belong to Space ${spaceId}`,
      `${field}: ${id} belongs to another Space`,
    );
  }
}

/** An optional `audit_space_id` must name an existing Space (400 naming the field otherwise). */
export async function auditSpace(db: Db, id: string | undefined): Promise<string | null> {
  if (!id) return null;
  const row = await db.selectFrom("spaces").select("id").where("id", "=", id).executeTakeFirst();
  if (!row) throw validationError("audit_space_id", "no such Space");
  return id;
}

/** A field that may not change after creation: same value is fine, a different one is a 400. */
export function immutable(field: string, current: unknown, requested: unknown): void {
  if (requested === undefined) return;
  if ((requested ?? null) !== (current ?? null)) {
    throw validationError(field, "is immutable after creation", `${field}: is immutable after creation`);
  }
}

/** Copies the defined keys of `patch` (undefined = not sent). jsonb values are stringified. */
export function definedValues(patch: Record<string, unknown>, jsonKeys: readonly string[] = ["metadata"]) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = jsonKeys.includes(k) ? JSON.stringify(v ?? {}) : v;
  }
  return out;
}

/**
 * A keyset page of one table without joins: equality filters (undefined = not filtered), ordered
 * by id. `columns` is the DTO's column list, so secret columns are never selected.
 */
export function simpleList<Dto extends { id: string }>(
  db: Db,
  list: string,
  table: StatusTable,
  columns: readonly string[],
  filters: Record<string, string | undefined>,
  q: { limit: number; cursor?: string },
): Promise<Page<Dto>> {
  return keysetPage<Dto>(list, q, (after, take) => {
    let query = (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
      .selectFrom(table)
      .select(columns as string[]);
    for (const [column, value] of Object.entries(filters)) {
      if (value !== undefined) query = query.where(column, "=", value);
    }
    if (after) query = query.where("id", ">", after);
    return query.orderBy("id").limit(take).execute() as Promise<Dto[]>;
  });
}

/** One row of a join-free table by id, selecting only the DTO columns. */
export function findById<Dto>(db: Db, table: StatusTable, columns: readonly string[], id: string) {
  return (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
    .selectFrom(table)
    .select(columns as string[])
    .where("id", "=", id)
    .executeTakeFirst() as Promise<Dto | undefined>;
}

/** Throws `code` (404) when the row is missing or, given `spaceId`, lives in another Space. */
export function found<Dto extends object>(
  row: Dto | undefined,
  code: ErrorCode,
  id: string,
  spaceId?: string | null,
): Dto {
  if (!row || (spaceId && (row as { space_id?: string }).space_id !== spaceId))
    throw new AppError(code, undefined, { id });
  return row;
}

export interface PatchSpec<T extends { id: string }> {
  table: StatusTable;
  entity: string;
  id: string;
  /** Loads the DTO; scoped to the route's Space for the `before` read. */
  load: (trx: Db, spaceId?: string | null) => Promise<T>;
  spaceId?: string | null;
  spaceOf: (dto: T) => string | null;
  /** Column values to set (undefined = not sent); jsonb keys are stringified. */
  values: Record<string, unknown>;
  /** Rules that need the current row (immutability, uniqueness, cross-Space refs); may add values. */
  check?: (trx: Transaction<DB>, before: T) => Promise<unknown>;
  conflict?: ErrorCode;
  details?: Record<string, unknown>;
}

/** PATCH: only sent fields change; an empty patch writes nothing and is not audited. */
export function patchEntity<T extends { id: string }>(
  deps: Deps,
  caller: Caller,
  spec: PatchSpec<T>,
): Promise<T> {
  return mutate(deps, caller, {
    entity: spec.entity,
    verb: "updated",
    conflict: spec.conflict,
    before: (trx) => spec.load(trx, spec.spaceId),
    write: async (trx, before) => {
      const extra = before && spec.check ? await spec.check(trx, before) : undefined;
      const values = definedValues({ ...spec.values, ...(extra as Record<string, unknown> | undefined) });
      if (!Object.keys(values).length) return false;
      await updateRow(trx, spec.table, spec.id, { ...values, updated_at: deps.now() });
    },
    after: (trx) => spec.load(trx),
    spaceOf: spec.spaceOf,
    details: spec.details,
  });
}
