import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import {
  createTestStores,
  describeOnEachDatabase,
} from '../__testUtils__/databases';
import type { OverviewFilter } from './ComplianceStore';
import {
  counts,
  evaluation,
  result,
  score,
  snapshot,
} from './__testUtils__/fixtures';

type Sort = OverviewFilter['sort'];

/** What the test wrote for one entity (null: the column has no value). */
interface Written {
  name: string;
  ref: string;
  score: number | null;
  coverage: number;
  owner: string | null;
  level: string | null;
  failing: number;
  evaluatedAt: number | null;
}

const FIRST = new Date('2026-11-20T10:00:00Z');
const SECOND = new Date('2026-11-21T10:00:00Z');

/** 23 entities with ties and missing values in every sort column. */
function corpus(): Written[] {
  return Array.from({ length: 23 }, (_, i) => {
    // Names out of ref order relative to every sort column.
    const name = `e${String((i * 7) % 23).padStart(2, '0')}`;
    const evaluated = i % 8 !== 7;
    return {
      name,
      ref: `component:default/${name}`,
      score: evaluated && i % 5 !== 4 ? [40, 70, 70, 10][i % 4] : null,
      coverage: evaluated ? [1, 0.5, 0.5][i % 3] : 0,
      owner: i % 6 === 5 ? null : `group:default/t${i % 3}`,
      level: evaluated && i % 3 !== 2 ? ['gold', 'bronze'][i % 2] : null,
      failing: evaluated ? i % 3 : 0,
      evaluatedAt: evaluated ? (i % 2 ? SECOND : FIRST).getTime() : null,
    };
  });
}

const VALUE: Record<Sort, (w: Written) => string | number | null> = {
  score: w => w.score,
  coverage: w => w.coverage,
  name: w => w.name,
  owner: w => w.owner,
  level: w => w.level,
  evaluatedAt: w => w.evaluatedAt,
  failing: w => w.failing,
};

/**
 * The documented order: the sort value, then the ref, both in the asked
 * direction; the rows without a value last, by ref.
 */
function expectedOrder(rows: Written[], sort: Sort, order: 'asc' | 'desc') {
  const cmp = (a: string | number, b: string | number) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  return [...rows]
    .sort((a, b) => {
      const va = VALUE[sort](a);
      const vb = VALUE[sort](b);
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
        return cmp(a.ref, b.ref);
      }
      if (va !== vb) return order === 'asc' ? cmp(va, vb) : cmp(vb, va);
      return order === 'asc' ? cmp(a.ref, b.ref) : cmp(b.ref, a.ref);
    })
    .map(w => w.name);
}

async function write(
  stores: Awaited<ReturnType<typeof createTestStores>>['stores'],
  rows: Written[],
) {
  await stores.entities.upsertEntities(
    rows.map(w => snapshot(w.name, w.owner ? { owner: w.owner } : {})),
    FIRST,
  );
  for (const at of [FIRST, SECOND]) {
    const batch = rows.filter(w => w.evaluatedAt === at.getTime());
    await stores.evaluations.saveEvaluations(
      batch.map(w =>
        evaluation(w.ref, {
          upsertResults: Array.from({ length: w.failing }, (_, k) =>
            result(w.ref, `C${k}`, 'fail'),
          ),
          score: score(w.ref, {
            score: w.score,
            coverage: w.coverage,
            level: w.level,
            counts: counts({ fail: w.failing }),
          }),
        }),
      ),
      [],
      undefined,
      at,
    );
  }
}

const SORTS: Sort[] = [
  'score',
  'coverage',
  'name',
  'owner',
  'level',
  'evaluatedAt',
  'failing',
];

describeOnEachDatabase('overview order', setup => {
  it('pages every sort in both orders, missing values last, ties by ref, the same by offset and by cursor', async () => {
    const { stores } = await setup();
    const rows = corpus();
    await write(stores, rows);
    for (const sort of SORTS) {
      for (const order of ['asc', 'desc'] as const) {
        const expected = expectedOrder(rows, sort, order);
        const filter = { sort, order, page: 1, pageSize: 4 };

        const byOffset: string[] = [];
        for (let page = 1; page <= 7; page++) {
          const res = await stores.overview.getOverview({ ...filter, page });
          byOffset.push(...res.items.map(i => i.name));
        }
        expect({ sort, order, names: byOffset }).toEqual({
          sort,
          order,
          names: expected,
        });

        const byCursor: string[] = [];
        let cursor: string | undefined;
        do {
          const res = await stores.overview.getOverview({ ...filter, cursor });
          byCursor.push(...res.items.map(i => i.name));
          cursor = res.nextCursor;
        } while (cursor);
        expect({ sort, order, names: byCursor }).toEqual({
          sort,
          order,
          names: expected,
        });
      }
    }
  });

  it('keeps the filters while paging past the missing values', async () => {
    const { stores } = await setup();
    const rows = corpus();
    await write(stores, rows);
    const owners = ['group:default/t1', 'group:default/t2'];
    const mine = rows.filter(w => w.owner && owners.includes(w.owner));
    const expected = expectedOrder(mine, 'score', 'asc');
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await stores.overview.getOverview({
        owners,
        sort: 'score',
        order: 'asc',
        page: 1,
        pageSize: 3,
        cursor,
      });
      names.push(...res.items.map(i => i.name));
      cursor = res.nextCursor;
    } while (cursor);
    expect(names).toEqual(expected);
    const last = await stores.overview.getOverview({
      owners,
      sort: 'score',
      order: 'asc',
      page: Math.ceil(mine.length / 3),
      pageSize: 3,
    });
    expect(last.items.map(i => i.name)).toEqual(
      expected.slice((Math.ceil(mine.length / 3) - 1) * 3),
    );
  });
});

type Statement = { sql: string; bindings: Knex.RawBinding[] };

/**
 * An in-memory SQLite store holding the corpus, with the statements it
 * runs recorded; closed after `fn`.
 */
async function withSqlite(
  fn: (context: {
    stores: Awaited<ReturnType<typeof DatabaseComplianceStore.create>>;
    rows: Written[];
    statements: Statement[];
    planOf: (statement: Statement) => Promise<string>;
  }) => Promise<void>,
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const stores = await DatabaseComplianceStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const rows = corpus();
    await write(stores, rows);
    const statements: Statement[] = [];
    knex.on('query', q => statements.push(q));
    const planOf = async ({ sql, bindings }: Statement) =>
      (
        (await knex.raw(`explain query plan ${sql}`, bindings)) as Array<{
          detail: string;
        }>
      )
        .map(r => r.detail)
        .join('; ');
    await fn({ stores, rows, statements, planOf });
  } finally {
    await knex.destroy();
  }
}

describe('overview order on SQLite', () => {
  it('pages from the sort column index instead of sorting the whole table', async () => {
    await withSqlite(async ({ stores, statements, planOf }) => {
      for (const sort of SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          statements.length = 0;
          // The last page: the rows with a value, then those without one.
          await stores.overview.getOverview({
            sort,
            order,
            page: 6,
            pageSize: 4,
          });
          const pages = statements.filter(
            q => /order by/i.test(q.sql) && !/group by/i.test(q.sql),
          );
          expect(pages.length).toBeGreaterThan(0);
          for (const page of pages) {
            const plan = await planOf(page);
            // An index gives the whole order, both directions: nothing is
            // sorted, not even the ties (with few values, nearly all rows).
            expect({ sort, order, plan }).toEqual({
              sort,
              order,
              plan: expect.stringMatching(/USING (COVERING )?INDEX/),
            });
            expect({ sort, order, plan }).not.toEqual({
              sort,
              order,
              plan: expect.stringMatching(/TEMP B-TREE/),
            });
          }
        }
      }
    });
  });

  it('reads an owner page along the sort index when the filter is broad, in the same order', async () => {
    await withSqlite(async ({ stores, rows, statements, planOf }) => {
      const owners = ['group:default/t1', 'group:default/t2'];
      const mine = rows.filter(w => w.owner && owners.includes(w.owner));
      // The figures the read model hands over for a common filter.
      const figures = {
        totalCount: mine.length,
        universe: rows.length,
        distribution: [],
        topFailing: [],
        levels: {},
      };
      for (const sort of ['score', 'coverage', 'failing'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const names: string[] = [];
          for (let page = 1; page <= 4; page++) {
            statements.length = 0;
            const res = await stores.overview.getOverview(
              { owners, sort, order, page, pageSize: 4 },
              figures,
            );
            names.push(...res.items.map(i => i.name));
            if (page > 1) continue;
            // The first page of a broad filter: along the sort index,
            // nothing sorted.
            const plan = await planOf(
              statements.find(q => /order by/i.test(q.sql))!,
            );
            expect({ sort, order, plan }).toEqual({
              sort,
              order,
              plan: expect.stringMatching(
                /USING (COVERING )?INDEX compliance_entities_(score|coverage|fail_count)_ref_idx/,
              ),
            });
            expect(plan).not.toMatch(/TEMP B-TREE/);
          }
          // Later pages go back to the owner index; every page agrees.
          expect({ sort, order, names }).toEqual({
            sort,
            order,
            names: expectedOrder(mine, sort, order),
          });
        }
      }
    });
  });

  it("reads one owner's page by score or by failing from the owner's indexes in order, both directions", async () => {
    await withSqlite(async ({ stores, rows, statements, planOf }) => {
      const owners = ['group:default/t1'];
      const mine = rows.filter(w => w.owner === owners[0]);
      const INDEX = {
        score: 'compliance_entities_owner_score_ref_idx',
        failing: 'compliance_entities_owner_failing_ref_idx',
      };
      for (const sort of ['score', 'failing'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          statements.length = 0;
          const res = await stores.overview.getOverview({
            owners,
            sort,
            order,
            page: 1,
            pageSize: 50,
          });
          expect(res.items.map(i => i.name)).toEqual(
            expectedOrder(mine, sort, order),
          );
          const plan = await planOf(
            statements.find(q => /order by/i.test(q.sql))!,
          );
          expect({ sort, order, plan }).toEqual({
            sort,
            order,
            plan: expect.stringContaining(`INDEX ${INDEX[sort]}`),
          });
          expect(plan).not.toMatch(/TEMP B-TREE/);
        }
      }
    });
  });
});
