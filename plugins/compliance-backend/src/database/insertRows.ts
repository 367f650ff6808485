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

/** `on conflict …` for SQLite and PostgreSQL ('' without a conflict rule). */
function conflictClause(
  columns: string[],
  onConflict: OnConflict | undefined,
): string {
  if (!onConflict) return '';
  const key = onConflict.columns.map(quoted).join(', ');
  if (onConflict.ignore) return ` on conflict (${key}) do nothing`;
  const merged =
    onConflict.merge === true
      ? columns.filter(c => !onConflict.columns.includes(c))
      : onConflict.merge ?? [];
  return ` on conflict (${key}) do update set ${merged
    .map(c => `${quoted(c)} = excluded.${quoted(c)}`)
    .join(', ')}${
    onConflict.mergeWhere ? ` where ${onConflict.mergeWhere}` : ''
  }`;
}

/** PostgreSQL column types by table, read once per process. */
const COLUMN_TYPES = new Map<string, Promise<Map<string, string>>>();

function columnTypes(
  db: Knex | Knex.Transaction,
  table: string,
): Promise<Map<string, string>> {
  let types = COLUMN_TYPES.get(table);
  if (!types) {
    types = db
      .raw(
        `select column_name, udt_name from information_schema.columns
          where table_schema = current_schema() and table_name = ?`,
        [table],
      )
      .then(
        (r: { rows: Array<{ column_name: string; udt_name: string }> }) =>
          new Map(
            r.rows
              // Plain type names only (never anything to splice that isn't).
              .filter(c => /^[a-z0-9_]+$/.test(c.udt_name))
              .map(c => [c.column_name, c.udt_name]),
          ),
      );
    // A failed read is asked again next time.
    types.catch(() => COLUMN_TYPES.delete(table));
    COLUMN_TYPES.set(table, types);
  }
  return types;
}

/**
 * Inserts rows in as few statements as the database allows. On SQLite the
 * statement is a `values` list: knex writes multi-row inserts there as
 * `select … union all select …`, a compound select SQLite parses and plans
 * arm by arm (it was a third of the ingestion's time at 10,000 entities)
 * and caps at 500 rows. On PostgreSQL, `chunk` rows each, as one array per
 * column through `unnest` (a statement with a parameter per column, not
 * per value, parsed and planned in a fraction of the time). Elsewhere
 * knex's own insert, `chunk` rows each. Rows may leave columns out; they
 * are written as null.
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
  if (dialect.isPostgres) {
    const types = await columnTypes(db, table);
    const columns = [...new Set(rows.flatMap(r => Object.keys(r)))];
    if (columns.every(c => types.has(c))) {
      for (let i = 0; i < rows.length; i += options.chunk) {
        const part = rows.slice(i, i + options.chunk);
        // One array per column: the statement has as many parameters as
        // columns, not rows times columns, and PostgreSQL plans it once.
        await db.raw(
          `insert into ${quoted(table)} (${columns
            .map(quoted)
            .join(', ')}) select * from unnest(${columns
            .map(c => `?::${types.get(c)}[]`)
            .join(', ')})${conflictClause(columns, onConflict)}`,
          columns.map(c => part.map(r => r[c] ?? null)) as Knex.RawBinding[],
        );
      }
      return;
    }
    // A table read before a migration added a column: read it again.
    COLUMN_TYPES.delete(table);
  }
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
  const tail = conflictClause(columns, onConflict);
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
