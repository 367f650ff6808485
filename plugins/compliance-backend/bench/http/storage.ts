/*
 * Storage figures and simulated history for the HTTP benchmark: bytes per
 * table of the suite, current state per entity and history per entity per
 * day after simulated days written through the store.
 */
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { ComplianceStores } from '../../src/database/ComplianceStore';
import {
  componentName,
  factEvidence,
  factValue,
  SYNTHETIC_CONTROLS,
} from './catalog';

/** The tables that grow with time rather than with the catalog. */
export const HISTORY_TABLES = [
  'compliance_history',
  'compliance_fact_history',
  'compliance_status_changes',
];

/** Bytes of each compliance table (with its indexes and TOAST). */
export async function tableBytes(knex: Knex): Promise<Record<string, number>> {
  const client = String(knex.client.config.client);
  if (client === 'pg') {
    const { rows } = await knex.raw(
      `select c.relname as name, pg_total_relation_size(c.oid) as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'
          and c.relname like 'compliance%'`,
    );
    return Object.fromEntries(
      (rows as Array<{ name: string; bytes: string }>).map(r => [
        r.name,
        Number(r.bytes),
      ]),
    );
  }
  // SQLite: the dbstat table when compiled in; pages of a table and of its
  // indexes summed under the table's name.
  try {
    const rows: Array<{ tbl: string; bytes: number }> = await knex.raw(
      `select m.tbl_name as tbl, sum(d.pgsize) as bytes
         from dbstat d join sqlite_master m on m.name = d.name
        where m.tbl_name like 'compliance%' group by m.tbl_name`,
    );
    return Object.fromEntries(rows.map(r => [r.tbl, Number(r.bytes)]));
  } catch {
    return {};
  }
}

/** Sums of the current state and of the history tables. */
export function split(bytes: Record<string, number>) {
  let current = 0;
  let history = 0;
  for (const [table, b] of Object.entries(bytes)) {
    if (HISTORY_TABLES.includes(table)) history += b;
    else current += b;
  }
  return { current, history };
}

/** PostgreSQL: space reclaimed and statistics taken, as autovacuum would. */
export async function compact(knex: Knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw('vacuum (full, analyze)');
  } else {
    await knex.raw('analyze');
  }
}

/**
 * Simulated days before today: each day a share (`churn`) of the
 * components sees one fact change (the collector writes it), the engine
 * evaluates what changed (the scheduler's evaluation task) and the daily
 * roll-up writes one history row per entity.
 */
export async function simulateDays(options: {
  stores: ComplianceStores;
  entities: number;
  days: number;
  churn: number;
  evaluate: () => Promise<void>;
}) {
  const { stores, entities, days, churn, evaluate } = options;
  const every = Math.max(1, Math.round(1 / churn));
  for (let d = days; d >= 1; d--) {
    const observedAt = DateTime.utc().minus({ days: d });
    const f = d % SYNTHETIC_CONTROLS;
    const changed = [];
    for (let i = d % every; i < entities; i += every) {
      const ref = `component:default/${componentName(i)}`;
      changed.push({
        entityRef: ref,
        factId: `bench.f${f}`,
        value: factValue(i, f, d),
        evidence: factEvidence(ref, f),
        observedAt: observedAt.toJSDate(),
      });
    }
    for (let i = 0; i < changed.length; i += 1000) {
      await stores.facts.writeFacts('bench', changed.slice(i, i + 1000));
    }
    await evaluate();
    await stores.evaluations.rollUp(observedAt.toISODate()!);
  }
}

/**
 * The plans of the overview's page queries (the statements with an
 * `order by` that are not aggregates), for the unfiltered list, sort by
 * failing and a deep page: one line per plan node.
 */
export async function overviewPlans(
  knex: Knex,
  stores: ComplianceStores,
  entities: number,
): Promise<Record<string, string[]>> {
  const isPg = knex.client.config.client === 'pg';
  const cases = {
    unfiltered: { sort: 'score', order: 'asc', page: 1 },
    failing: { sort: 'failing', order: 'desc', page: 1 },
    deep: {
      sort: 'score',
      order: 'asc',
      page: Math.max(1, Math.floor(entities / 50) - 1),
    },
  } as const;
  const out: Record<string, string[]> = {};
  for (const [name, c] of Object.entries(cases)) {
    const statements: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
    const listen = (q: { sql: string; bindings: Knex.RawBinding[] }) =>
      statements.push(q);
    knex.on('query', listen);
    try {
      await stores.overview.getOverview({ ...c, pageSize: 50 });
    } finally {
      knex.removeListener('query', listen);
    }
    out[name] = [];
    for (const s of statements.filter(
      q => /order by/i.test(q.sql) && !/group by/i.test(q.sql),
    )) {
      // Statements as logged (PostgreSQL's with $n placeholders), in order.
      const sql = isPg ? s.sql.replace(/\$\d+/g, '?') : s.sql;
      const raw = await knex.raw(
        `${isPg ? 'explain (costs off)' : 'explain query plan'} ${sql}`,
        s.bindings,
      );
      const lines: string[] = isPg
        ? raw.rows.map((r: Record<string, string>) => r['QUERY PLAN'])
        : raw.map((r: { detail: string }) => r.detail);
      out[name].push(lines.map(l => l.trim()).join(' | '));
    }
  }
  return out;
}

/** The tables whose bytes per row are broken down per column and index. */
export const COLUMN_TABLES = ['compliance_results', 'compliance_facts'];

/**
 * PostgreSQL: for each table in {@link COLUMN_TABLES}, its rows, the
 * average stored bytes per row of each column (`pg_column_size`, after
 * compression) and the bytes per row of the heap and of each index.
 * Undefined on SQLite (no per-column sizes).
 */
export async function columnBytes(
  knex: Knex,
): Promise<Record<string, Record<string, number>> | undefined> {
  if (knex.client.config.client !== 'pg') return undefined;
  const out: Record<string, Record<string, number>> = {};
  for (const table of COLUMN_TABLES) {
    const { rows: columns } = await knex.raw(
      `select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = ?
        order by ordinal_position`,
      [table],
    );
    const names: string[] = columns.map(
      (c: { column_name: string }) => c.column_name,
    );
    const averages = names.map((_, i) => `avg(pg_column_size(??)) as c${i}`);
    const { rows } = await knex.raw(
      `select ${['count(*) as n', ...averages].join(', ')} from ??`,
      [...names, table],
    );
    const n = Number(rows[0].n);
    const perRow: Record<string, number> = { rows: n };
    names.forEach((name, i) => {
      perRow[name] = Math.round(Number(rows[0][`c${i}`] ?? 0) * 10) / 10;
    });
    const { rows: relations } = await knex.raw(
      `select c.relname as name, pg_relation_size(c.oid) as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname = ?
       union all
       select i.relname, pg_relation_size(i.oid)
         from pg_index x join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = current_schema() and t.relname = ?`,
      [table, table],
    );
    for (const r of relations as Array<{ name: string; bytes: string }>) {
      const key = r.name === table ? 'heap' : `index ${r.name}`;
      perRow[key] = n ? Math.round(Number(r.bytes) / n) : 0;
    }
    out[table.replace(/^compliance_/, '')] = perRow;
  }
  return out;
}
