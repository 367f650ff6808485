import type { Knex } from 'knex';
import type { Dialect } from './util';

/** What a multi-row insert does with a row whose key is already stored. */
export interface OnConflict {
  /** The unique key's columns. */
  columns: string[];
  /** Keep the stored row. */
  ignore?: boolean;
  /** Replace these columns (every inserted column when `true`). */
  merge?: string[] | true;
  /**
   * Replace only where this holds: SQL over the stored row (by its table
   * name) and `excluded` (SQLite and PostgreSQL; ignored elsewhere).
   */
  mergeWhere?: string;
}

/** Rows per statement on SQLite: a few thousand bound values at most. */
const SQLITE_MAX_VALUES = 4_000;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Inserts rows in as few statements as the database allows. On SQLite the
 * statement is a `values` list: knex writes multi-row inserts there as
 * `select … union all select …`, a compound select SQLite parses and plans
 * arm by arm (it was a third of the ingestion's time at 10,000 entities)
 * and caps at 500 rows. Elsewhere knex's own insert, `chunk` rows each.
 * Rows may leave columns out; they are written as null.
 */
export async function insertRows(
  db: Knex | Knex.Transaction,
  dialect: Dialect,
  table: string,
  rowObjects: ReadonlyArray<object>,
  options: { chunk: number; onConflict?: OnConflict },
): Promise<void> {
  const rows = rowObjects as Array<Record<string, unknown>>;
  if (rows.length === 0) return;
  const { onConflict } = options;
  if (!dialect.isSqlite) {
    for (let i = 0; i < rows.length; i += options.chunk) {
      const part = rows.slice(i, i + options.chunk);
      const insert = db(table).insert(part);
      if (!onConflict) {
        await insert;
      } else if (onConflict.ignore) {
        await insert.onConflict(onConflict.columns).ignore();
      } else {
        const merged = insert
          .onConflict(onConflict.columns)
          .merge(onConflict.merge === true ? undefined : onConflict.merge);
        await (onConflict.mergeWhere && dialect.isPostgres
          ? merged.whereRaw(onConflict.mergeWhere)
          : merged);
      }
    }
    return;
  }

  const columns = [...new Set(rows.flatMap(r => Object.keys(r)))];
  const tuple = `(${columns.map(() => '?').join(',')})`;
  let tail = '';
  if (onConflict) {
    const key = onConflict.columns.map(quoted).join(', ');
    if (onConflict.ignore) {
      tail = ` on conflict (${key}) do nothing`;
    } else {
      const merged =
        onConflict.merge === true
          ? columns.filter(c => !onConflict.columns.includes(c))
          : onConflict.merge ?? [];
      tail = ` on conflict (${key}) do update set ${merged
        .map(c => `${quoted(c)} = excluded.${quoted(c)}`)
        .join(', ')}${
        onConflict.mergeWhere ? ` where ${onConflict.mergeWhere}` : ''
      }`;
    }
  }
  const head = `insert into ${quoted(table)} (${columns
    .map(quoted)
    .join(', ')}) values `;
  const perStatement = Math.max(
    1,
    Math.floor(SQLITE_MAX_VALUES / columns.length),
  );
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const bindings: unknown[] = [];
    for (const row of part) {
      for (const c of columns) bindings.push(row[c] ?? null);
    }
    await db.raw(
      `${head}${new Array(part.length).fill(tuple).join(',')}${tail}`,
      bindings as Knex.RawBinding[],
    );
  }
}
