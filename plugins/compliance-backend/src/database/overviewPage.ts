import type { Knex } from 'knex';
import type { OverviewFilter } from './ComplianceStore';
import { decodeCursor } from './overviewCursor';
import { countOf } from './util';

/**
 * Reads one overview page in the order
 * `<sort column> <order>, entity_ref <order>`, then the rows without a
 * value by `entity_ref asc`, with queries that an index on
 * `(<sort column>, entity_ref)` serves on SQLite and PostgreSQL alike.
 *
 * The ref breaks ties in the same direction as the sort column, so that a
 * descending page is that index read backwards. A tie-breaker the other
 * way sorts every tie, and a column with few values (coverage, counts)
 * is nearly all ties: the whole table was sorted for its first page.
 *
 * A `case when <column> is null` first sort term would give that order in
 * one query, but no index matches it, so every page (and every deep page)
 * sorted the whole filtered table. Instead the rows with a value are read
 * in index order (`where <column> is not null order by <column>`), and the
 * rows without one (`where <column> is null order by entity_ref`) follow
 * only when the first part runs out. Both databases read the index for the
 * sort column and sort only the ties by ref, and stop after the page.
 *
 * `base` returns the filtered query with the row columns selected, `keys`
 * the same with only `e.entity_ref`: an offset page skips rows through the
 * keys alone (an index-only scan where the database has one) and reads the
 * columns of the page's rows only. `plain`, when `base` and `keys` are
 * bound to the sort index, is `base` free to use any index: it reads the
 * rows of the page's keys and counts. The result holds up to
 * `pageSize + 1` rows (one more tells whether more follow).
 */
export async function readOverviewPage<
  Row extends { entity_ref: string },
>(options: {
  base: () => Knex.QueryBuilder;
  keys: () => Knex.QueryBuilder;
  plain?: () => Knex.QueryBuilder;
  sortColumn: string;
  filter: Pick<
    OverviewFilter,
    'sort' | 'order' | 'framework' | 'cursor' | 'page' | 'pageSize'
  >;
}): Promise<Row[]> {
  const { base, sortColumn: col, filter } = options;
  const plain = options.plain ?? base;
  const limit = filter.pageSize + 1;
  const valued = () =>
    base()
      .whereNotNull(col)
      .orderBy(col, filter.order)
      .orderBy('e.entity_ref', filter.order);
  const unvalued = () => base().whereNull(col).orderBy('e.entity_ref', 'asc');

  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor, filter);
    if (cursor.value === null) {
      return (await unvalued()
        .where('e.entity_ref', '>', cursor.ref)
        .limit(limit)) as Row[];
    }
    // A range on the sort column (the index bound) and the tie on the ref.
    const [op, strict] = filter.order === 'asc' ? ['>=', '>'] : ['<=', '<'];
    const head = (await valued()
      .where(col, op, cursor.value)
      .where(w =>
        w
          .where(col, strict, cursor.value!)
          .orWhere('e.entity_ref', strict, cursor.ref),
      )
      .limit(limit)) as Row[];
    if (head.length >= limit) return head;
    const tail = (await unvalued().limit(limit - head.length)) as Row[];
    return [...head, ...tail];
  }

  const offset = (filter.page - 1) * filter.pageSize;
  const head: Row[] =
    offset === 0
      ? ((await valued().limit(limit)) as Row[])
      : await rowsOf<Row>(
          plain,
          await options
            .keys()
            .whereNotNull(col)
            .orderBy(col, filter.order)
            .orderBy('e.entity_ref', filter.order)
            .offset(offset)
            .limit(limit),
        );
  if (head.length >= limit) return head;
  // The valued rows end on this page (then the unvalued ones start at 0)
  // or before it (then skip what the offset left over after them).
  let tailOffset = 0;
  if (head.length === 0 && offset > 0) {
    const valuedCount = await plain()
      .clearSelect()
      .whereNotNull(col)
      .count({ n: '*' })
      .first();
    tailOffset = Math.max(0, offset - countOf(valuedCount));
  }
  const tail = (await unvalued()
    .offset(tailOffset)
    .limit(limit - head.length)) as Row[];
  return [...head, ...tail];
}

/** The rows of these keys, in their order. */
async function rowsOf<Row extends { entity_ref: string }>(
  base: () => Knex.QueryBuilder,
  keys: Array<{ entity_ref: string }>,
): Promise<Row[]> {
  if (keys.length === 0) return [];
  const position = new Map(keys.map((k, i) => [k.entity_ref, i]));
  const rows = (await base().whereIn(
    'e.entity_ref',
    keys.map(k => k.entity_ref),
  )) as Row[];
  return rows.sort(
    (a, b) => position.get(a.entity_ref)! - position.get(b.entity_ref)!,
  );
}
