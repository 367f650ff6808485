import type { Knex } from 'knex';
import { SCORE_BUCKETS } from 'backstage-plugin-compliance-common';
import type {
  OverviewFigures,
  OverviewFilter,
  OverviewRow,
  OverviewStore,
} from './ComplianceStore';
import {
  BriefSummaryColumns,
  EntityRow,
  briefSummarySelect,
  summaryFromRow,
} from './rows';
import { Dialect, countOf } from './util';
import { normalizeSearchText, prefixRange } from '../lib/searchTerms';
import { encodeCursor } from './overviewCursor';
import { readOverviewPage } from './overviewPage';

type Count = { n: number | string };

type PageRow = Omit<EntityRow, 'summary_json'> &
  ({ summary_json: string | null } | BriefSummaryColumns) & {
    f_score?: number | null;
    f_coverage?: number;
    sort_value: unknown;
  };

/**
 * A SQL `case` expression that maps a score column to the id of its score
 * bucket, with its bindings. Buckets are tried from the highest lower bound
 * down; the lowest one takes every smaller score.
 */
export function scoreBucketSql(
  column: string,
  buckets: ReadonlyArray<{ id: string; min: number | null }> = SCORE_BUCKETS,
): { sql: string; bindings: Array<string | number> } {
  const ranged = buckets
    .filter((b): b is { id: string; min: number } => b.min !== null)
    .sort((a, b) => b.min - a.min);
  const none = buckets.find(b => b.min === null);
  const lowest = ranged.pop();
  if (!lowest || !none) throw new Error('Score buckets need a range and none');
  const parts = ['case when ?? is null then ?'];
  const bindings: Array<string | number> = [column, none.id];
  for (const b of ranged) {
    parts.push('when ?? >= ? then ?');
    bindings.push(column, b.min, b.id);
  }
  parts.push('else ? end');
  bindings.push(lowest.id);
  return { sql: parts.join(' '), bindings };
}

const SORT_COLUMNS: Record<
  OverviewFilter['sort'],
  (scores: { score: string; coverage: string }) => string
> = {
  score: c => c.score,
  coverage: c => c.coverage,
  name: () => 'e.name',
  owner: () => 'e.owner',
  level: () => 'e.level',
  evaluatedAt: () => 'e.evaluated_at',
  failing: () => 'e.fail_count',
};

/** The index of each sort column with the ref (migration 20261223). */
const SORT_INDEXES: Record<string, string> = {
  'e.score': 'compliance_entities_score_ref_idx',
  'e.coverage': 'compliance_entities_coverage_ref_idx',
  'e.name': 'compliance_entities_name_ref_idx',
  'e.level': 'compliance_entities_level_ref_idx',
  'e.fail_count': 'compliance_entities_fail_count_ref_idx',
  'e.evaluated_at': 'compliance_entities_evaluated_at_ref_idx',
  'e.owner': 'compliance_entities_owner_ref_idx',
};

/** The columns of `compliance_entities` an overview row is built from. */
const ROW_COLUMNS = [
  'entity_ref',
  'kind',
  'namespace',
  'name',
  'title',
  'owner',
  'system',
  'lifecycle',
  'type',
  'score',
  'coverage',
  'level',
  'pass_count',
  'warn_count',
  'fail_count',
  'unknown_count',
  'na_count',
  'waived_count',
  'evaluated_at',
];

function isUnfiltered(filter: OverviewFilter): boolean {
  return (
    !filter.owners &&
    !filter.system?.length &&
    !filter.kind?.length &&
    !filter.lifecycle?.length &&
    !filter.level?.length &&
    !filter.search &&
    !filter.allowedRefs &&
    !filter.framework &&
    !filter.failing
  );
}

/**
 * `<column> in <refs>` with ONE bound parameter however many refs a
 * conditional permission policy allows (70,000 refs overflow the bind
 * parameter limits of every driver as an IN list): an array on PostgreSQL,
 * a JSON array elsewhere.
 */
export function inRefSet(
  column: string,
  refs: string[],
  dialect: Dialect,
): [string, Knex.RawBinding[]] {
  if (refs.length === 0) return ['1 = 0', []];
  if (refs.length <= 100) {
    return [`${column} in (${refs.map(() => '?').join(', ')})`, refs];
  }
  if (dialect.isPostgres) return [`${column} = any(?::text[])`, [refs]];
  const json = JSON.stringify(refs);
  if (dialect.isSqlite) {
    return [`${column} in (select value from json_each(?))`, [json]];
  }
  return [
    `${column} in (select r from json_table(?, '$[*]' columns (r varchar(255) path '$')) as allowed_refs)`,
    [json],
  ];
}

/** The knex implementation of {@link OverviewStore}, over `compliance_entities as e`. */
export class DatabaseOverviewStore implements OverviewStore {
  constructor(private readonly db: Knex, private readonly dialect: Dialect) {}

  /**
   * The entities that pass the filter (joined with `f` for a framework).
   * `sortIndex` (SQLite): the rows are read through that index (`indexed
   * by`), in its order, each checked against the filter, instead of found
   * through the owner or system index and all sorted.
   */
  #entities(
    filter: OverviewFilter,
    options: { sortIndex?: string } = {},
  ): Knex.QueryBuilder {
    const db = this.db;
    const q: Knex.QueryBuilder = options.sortIndex
      ? db.from(
          db.raw('?? as ?? indexed by ??', [
            'compliance_entities',
            'e',
            options.sortIndex,
          ]),
        )
      : db('compliance_entities as e');
    if (filter.owners)
      q.whereIn('e.owner', filter.owners.length ? filter.owners : ['']);
    if (filter.system?.length) q.whereIn('e.system', filter.system);
    if (filter.kind?.length) {
      q.whereIn(
        'e.kind',
        filter.kind.map(k => k.toLocaleLowerCase('en-US')),
      );
    }
    if (filter.lifecycle?.length) q.whereIn('e.lifecycle', filter.lifecycle);
    if (filter.failing) {
      // Entities on which one control fails: the results' primary key.
      const controlId = filter.failing;
      q.whereExists(
        db('compliance_results as fr')
          .select(db.raw('1'))
          .whereRaw('fr.entity_ref = e.entity_ref')
          .where('fr.control_id', controlId)
          .where('fr.status', 'fail'),
      );
    }
    if (filter.level?.length) {
      const levels = filter.level.filter(l => l !== 'none');
      const withNone = filter.level.includes('none');
      q.where(w => {
        if (levels.length) w.whereIn('e.level', levels);
        if (withNone) w.orWhereNull('e.level');
      });
    }
    if (filter.search) {
      // A word of the name or title starts with the search text: an index
      // range over the search terms (see lib/searchTerms.ts).
      const { low, high } = prefixRange(normalizeSearchText(filter.search));
      const terms = db('compliance_search_terms as t')
        .select('t.entity_ref')
        .where('t.term', '>=', low);
      if (high !== undefined) terms.where('t.term', '<', high);
      q.whereIn('e.entity_ref', terms);
    }
    if (filter.allowedRefs) {
      const [sql, bindings] = inRefSet(
        'e.entity_ref',
        filter.allowedRefs,
        this.dialect,
      );
      q.whereRaw(sql, bindings);
    }
    if (filter.framework) {
      q.join('compliance_framework_scores as f', join =>
        join
          .on('f.entity_ref', '=', 'e.entity_ref')
          .andOn('f.framework', '=', db.raw('?', [filter.framework!])),
      );
    }
    return q;
  }

  /** Control ids by number of failing results among the filtered entities. */
  #topFailing(filter: OverviewFilter) {
    const db = this.db;
    // Unfiltered, the (status, control_id) index answers alone; filtered,
    // the entity filters pick the entities first.
    const failing: Knex.QueryBuilder = isUnfiltered(filter)
      ? db('compliance_results as r').where('r.status', 'fail')
      : this.#entities(filter)
          .join('compliance_results as r', 'r.entity_ref', 'e.entity_ref')
          // SQLite would otherwise walk every failing result through the
          // status index for each entity; "+" makes it use the primary key.
          .where(
            db.raw(
              this.dialect.isSqlite
                ? "+r.status = 'fail'"
                : "r.status = 'fail'",
            ),
          );
    return failing
      .groupBy('r.control_id')
      .select('r.control_id')
      .count({ n: '*' })
      .orderBy('n', 'desc')
      .orderBy('r.control_id')
      .limit(10) as unknown as Promise<Array<Count & { control_id: string }>>;
  }

  /** The rows of a page (one more was read to know whether more follow). */
  #page(
    rows: PageRow[],
    filter: OverviewFilter,
  ): { items: OverviewRow[]; nextCursor?: string } {
    const more = rows.length > filter.pageSize;
    const page = more ? rows.slice(0, filter.pageSize) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map((r): OverviewRow => {
        const s = summaryFromRow(r);
        if (filter.framework) {
          s.score =
            r.f_score === null || r.f_score === undefined
              ? null
              : Number(r.f_score);
          s.coverage = Number(r.f_coverage ?? 0);
        }
        if (!filter.categories) {
          s.categories = {};
          s.frameworks = {};
        }
        return s;
      }),
      ...(more && last
        ? { nextCursor: encodeCursor(filter, last.sort_value, last.entity_ref) }
        : {}),
    };
  }

  /**
   * The index an owner or system page is read along (SQLite), or none.
   * SQLite serves `owner in (…)` from the owner index and then sorts every
   * entity of the filter for each page: a department of 20,000 entities
   * cost 50 ms a page, and its planner, blind to the limit, may even sort
   * the whole table. Walking the sort column's index instead reads about
   * (offset + page) ÷ selectivity rows, cheaper while that is fewer than
   * the filter's entities. Only for a filter of at least a tenth of the
   * overview: when its entities cluster at the far end of the sort (a
   * system whose services all fail the most), the walk reads up to the
   * whole index, at most ten times what sorting the filter costs.
   * PostgreSQL's planner weighs the limit itself.
   */
  #sortIndex(
    filter: OverviewFilter,
    sortColumn: string,
    figures?: OverviewFigures,
  ): string | undefined {
    const index = SORT_INDEXES[sortColumn];
    if (!index || !this.dialect.isSqlite || filter.cursor) return undefined;
    if (!filter.owners?.length && !filter.system?.length) return undefined;
    const matched = figures?.totalCount ?? 0;
    const universe = figures?.universe ?? 0;
    if (matched <= 0 || universe <= 0 || matched * 10 < universe) {
      return undefined;
    }
    const rows = filter.page * filter.pageSize + 1;
    return (rows * universe) / matched < matched ? index : undefined;
  }

  async getOverview(filter: OverviewFilter, precomputed?: OverviewFigures) {
    const db = this.db;
    const columns = filter.framework
      ? { score: 'f.score', coverage: 'f.coverage' }
      : { score: 'e.score', coverage: 'e.coverage' };
    const sortCol = SORT_COLUMNS[filter.sort](columns);
    const read = {
      sortIndex: filter.framework
        ? undefined
        : this.#sortIndex(filter, sortCol, precomputed),
    };

    // The columns of a row: never the entity snapshot; the categories and
    // frameworks (summary_json) only when asked for.
    const withColumns = (q: Knex.QueryBuilder) => {
      q.select(ROW_COLUMNS.map(c => `e.${c}`))
        .select({ sort_value: db.raw(sortCol) })
        .select(
          filter.categories
            ? 'e.summary_json'
            : briefSummarySelect(db, this.dialect, 'e'),
        );
      if (filter.framework) {
        q.select({ f_score: 'f.score', f_coverage: 'f.coverage' });
      }
      return q;
    };
    const pageQuery = readOverviewPage<PageRow>({
      base: () => withColumns(this.#entities(filter, read)),
      keys: () => this.#entities(filter, read).select('e.entity_ref'),
      ...(read.sortIndex
        ? { plain: () => withColumns(this.#entities(filter)) }
        : {}),
      sortColumn: sortCol,
      filter,
    });
    const bucket = scoreBucketSql(columns.score);

    if (precomputed) {
      const { universe: _universe, ...figures } = precomputed;
      return {
        ...this.#page(await pageQuery, filter),
        ...figures,
      };
    }

    // Independent queries, run concurrently (PostgreSQL uses several
    // connections; SQLite runs them one after another).
    const [countRow, rows, dist, levelRows, topFailing] = await Promise.all([
      this.#entities(filter).count({ n: '*' }).first(),
      pageQuery,
      this.#entities(filter)
        .select(db.raw(`${bucket.sql} as bucket`, bucket.bindings))
        .count({ n: '*' })
        .groupBy('bucket') as unknown as Promise<
        Array<Count & { bucket: string }>
      >,
      this.#entities(filter)
        .select('e.level')
        .count({ n: '*' })
        .groupBy('e.level') as unknown as Promise<
        Array<Count & { level: string | null }>
      >,
      this.#topFailing(filter),
    ]);
    const distMap = new Map(dist.map(d => [d.bucket, Number(d.n)]));

    return {
      ...this.#page(rows, filter),
      totalCount: countOf(countRow as Count | undefined),
      distribution: SCORE_BUCKETS.map(b => ({
        bucket: b.id,
        count: distMap.get(b.id) ?? 0,
      })),
      topFailing: topFailing.map(t => ({
        controlId: t.control_id,
        count: Number(t.n),
      })),
      levels: Object.fromEntries(
        levelRows.map(l => [l.level ?? 'none', Number(l.n)]),
      ),
    };
  }
}
