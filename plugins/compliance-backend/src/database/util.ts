import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** A timestamp as the drivers return it (Date, ISO text or epoch ms). */
export type Timestamp = Date | string | number;

/** Keys per `where in` list. */
export const CHUNK = 400;

/** What the stores need to know about the database they run on. */
export interface Dialect {
  isSqlite: boolean;
  isPostgres: boolean;
  /**
   * Rows per multi-row INSERT. SQLite compiles long statements slowly, while
   * a network round trip dominates on PostgreSQL and MySQL.
   */
  writeChunk: number;
}

export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client ?? '');
  const isSqlite = client.includes('sqlite');
  return {
    isSqlite,
    isPostgres: client === 'pg' || client.includes('postgres'),
    writeChunk: isSqlite ? 50 : 500,
  };
}

const lastIso = { ms: Number.NaN, iso: '' };

export function toIso(value: Timestamp): string;
export function toIso(value: Timestamp | null | undefined): string | undefined;
export function toIso(value: Timestamp | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') {
    // Rows read together mostly share their times (a batch is written at
    // one instant): the last conversion is reused.
    if (value !== lastIso.ms) {
      lastIso.ms = value;
      lastIso.iso = new Date(value).toISOString();
    }
    return lastIso.iso;
  }
  const d = new Date(
    /^\d+$/.test(value) ? Number(value) : value.replace(' ', 'T'),
  );
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** Parses JSON text; the fallback for null or invalid text. */
export function parse<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** Runs `select` over the keys in chunks and concatenates the rows. */
export async function selectInChunks<K, R>(
  keys: K[],
  select: (part: K[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(keys)) out.push(...(await select(part)));
  return out;
}

/** Groups items into lists by key, keeping their order. */
export function groupBy<T>(
  items: T[],
  keyOf: (item: T) => string,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/** The single row of a `count({ n: '*' })` query as a number. */
export function countOf(row: { n?: number | string } | undefined): number {
  return Number(row?.n ?? 0);
}

/** A LIKE pattern matching values that start with `prefix` (escape `\\`). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** A LIKE pattern matching values that contain `term` (escape `\\`). */
export function likeContains(term: string): string {
  return `%${likePrefix(term)}`;
}

/**
 * The stored form of a collector state key: as given when short, otherwise
 * a hash (keys built from routes and parameters can exceed the column).
 */
export function stateKey(key: string): string {
  return key.length <= 200
    ? key
    : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * `<expression> like ?` with backslash as the escape character (MySQL's
 * default; the others are told).
 */
export function likeSql(expression: string, dialect: Dialect): string {
  return dialect.isSqlite || dialect.isPostgres
    ? `${expression} like ? escape '\\'`
    : `${expression} like ?`;
}

/**
 * Locks the rows of `compliance_entities` for these refs in ref order,
 * inside `tx`. Every transaction that writes several entity rows takes its
 * locks this way first, so two of them (two collectors, a collector and an
 * evaluation) can never wait on each other in a cycle. SQLite serializes
 * writers and needs none.
 */
export async function lockEntities(
  tx: Knex.Transaction,
  refs: Iterable<string>,
  dialect: Dialect,
): Promise<void> {
  if (dialect.isSqlite) return;
  // Byte order in JavaScript and in SQL alike, whatever the collation.
  const sorted = [...new Set(refs)].sort();
  const order = dialect.isPostgres
    ? 'entity_ref collate "C"'
    : 'cast(entity_ref as binary)';
  for (const part of chunks(sorted)) {
    await tx('compliance_entities')
      .whereIn('entity_ref', part)
      .orderByRaw(order)
      .forUpdate()
      .select('entity_ref');
  }
}

/** Whether a database error is a deadlock or serialization failure worth a retry. */
export function isRetryableConflict(error: unknown): boolean {
  const e = error as { code?: string; errno?: number };
  return (
    e?.code === '40P01' || // PostgreSQL deadlock_detected
    e?.code === '40001' || // serialization_failure
    e?.code === 'ER_LOCK_DEADLOCK' ||
    e?.errno === 1213
  );
}

/** Runs `work` again (a few times, with jitter) when the database reports a deadlock. */
export async function retryOnConflict<T>(
  work: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      await new Promise(r => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}
