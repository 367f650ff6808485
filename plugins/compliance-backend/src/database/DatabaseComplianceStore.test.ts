import { createTestDatabases } from '../__testUtils__/databases';
import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import type { ControlResult } from 'backstage-plugin-compliance-common';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import type { EntitySnapshot } from '../lib/evaluate';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function snapshot(
  name: string,
  extra: Partial<EntitySnapshot> = {},
): EntitySnapshot {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    tags: [],
    annotations: {},
    ...extra,
  };
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabaseComplianceStore.create({ database });
  return { knex, store };
}

function result(
  entityRef: string,
  controlId: string,
  status: ControlResult['status'],
): ControlResult {
  return {
    entityRef,
    controlId,
    status,
    reason: status,
    evidence: [{ factId: 'f', value: 1 }],
    controlVersion: 'v1',
    evaluatedAt: '2026-11-20T10:00:00.000Z',
    statusSince: '2026-11-20T10:00:00.000Z',
  };
}

const counts = (n: Partial<Record<ControlResult['status'], number>>) => ({
  pass: 0,
  warn: 0,
  fail: 0,
  unknown: 0,
  not_applicable: 0,
  waived: 0,
  ...n,
});

describe.each(databases.eachSupportedId())(
  'DatabaseComplianceStore on %s',
  databaseId => {
    it('upserts entities and marks only changed ones dirty', async () => {
      const { store, knex } = await createStore(databaseId);
      const now = new Date('2026-11-20T10:00:00Z');
      expect(
        await store.upsertEntities([snapshot('a'), snapshot('b')], now),
      ).toEqual(['component:default/a', 'component:default/b']);
      await store.saveEvaluations(
        [],
        ['component:default/a', 'component:default/b'],
        new Date(),
        now,
      );
      expect(await store.getDirtyEntityRefs(10)).toEqual([]);
      expect(
        await store.upsertEntities(
          [snapshot('a'), snapshot('b', { lifecycle: 'production' })],
          now,
        ),
      ).toEqual(['component:default/b']);
      expect(await store.getDirtyEntityRefs(10)).toEqual([
        'component:default/b',
      ]);
      const row = await knex('compliance_entities')
        .where('entity_ref', 'component:default/b')
        .first();
      expect(row.lifecycle).toBe('production');
    });

    it('writes only changed facts and records their history', async () => {
      const { store, knex } = await createStore(databaseId);
      await store.upsertEntities([snapshot('a')], new Date());
      const observedAt = new Date('2026-11-20T10:00:00Z');
      const first = await store.writeFacts('c', [
        {
          entityRef: 'component:default/a',
          factId: 'x',
          value: { n: 1 },
          observedAt,
        },
        {
          entityRef: 'component:default/a',
          factId: 'y',
          value: true,
          observedAt,
        },
      ]);
      expect(first.written).toBe(4);
      const again = await store.writeFacts('c', [
        {
          entityRef: 'component:default/a',
          factId: 'x',
          value: { n: 1 },
          observedAt: new Date(),
        },
        {
          entityRef: 'component:default/a',
          factId: 'y',
          value: true,
          observedAt: new Date(),
        },
      ]);
      expect(again.written).toBe(0);
      await store.writeFacts('c', [
        {
          entityRef: 'component:default/a',
          factId: 'y',
          value: false,
          observedAt: new Date(),
        },
      ]);
      const history = await knex('compliance_fact_history').where({
        fact_id: 'y',
      });
      expect(history).toHaveLength(2);
      const facts = (await store.getFacts(['component:default/a'])).get(
        'component:default/a',
      )!;
      expect(facts.map(f => [f.factId, f.value, f.known])).toEqual([
        ['x', { n: 1 }, true],
        ['y', false, true],
      ]);
    });

    it('keeps the last good value on a transient failure, and drops it on a permission error', async () => {
      const { store } = await createStore(databaseId);
      await store.upsertEntities([snapshot('a')], new Date());
      const ref = 'component:default/a';
      const goodAt = new Date('2026-11-01T00:00:00Z');
      await store.writeFacts('gh', [
        { entityRef: ref, factId: 'p', value: 2, observedAt: goodAt },
      ]);

      await store.writeFacts('gh', [
        {
          entityRef: ref,
          factId: 'p',
          unknownReason: 'error',
          message: 'HTTP 502',
          observedAt: new Date(),
        },
      ]);
      let [fact] = (await store.getFacts([ref])).get(ref)!;
      expect(fact).toMatchObject({
        value: 2,
        known: true,
        stale: true,
        unknownReason: 'error',
        message: 'HTTP 502',
      });
      expect(fact.lastGoodObservedAt).toBe(goodAt.toISOString());

      await store.writeFacts('gh', [
        {
          entityRef: ref,
          factId: 'p',
          unknownReason: 'insufficient_permission',
          observedAt: new Date(),
        },
      ]);
      [fact] = (await store.getFacts([ref])).get(ref)!;
      expect(fact).toMatchObject({
        value: null,
        known: false,
        unknownReason: 'insufficient_permission',
      });

      // The good value is still there for the next transient failure.
      await store.writeFacts('gh', [
        {
          entityRef: ref,
          factId: 'p',
          unknownReason: 'rate_limited',
          observedAt: new Date(),
        },
      ]);
      [fact] = (await store.getFacts([ref])).get(ref)!;
      expect(fact).toMatchObject({ value: 2, known: true, stale: true });
    });

    it('saves evaluations, clears dirty only for entities unchanged since the start, and serves summaries and history', async () => {
      const { store, knex } = await createStore(databaseId);
      const ref = 'component:default/a';
      await store.upsertEntities(
        [snapshot('a', { owner: 'group:default/team' })],
        new Date('2026-11-20T09:00:00Z'),
      );
      const startedAt = new Date('2026-11-20T09:30:00Z');
      const now = new Date('2026-11-20T10:00:00Z');
      await store.saveEvaluations(
        [
          {
            entityRef: ref,
            upsertResults: [result(ref, 'A', 'pass'), result(ref, 'B', 'fail')],
            deleteResults: [],
            changes: [
              {
                entityRef: ref,
                controlId: 'A',
                from: null,
                to: 'pass',
                cause: 'data',
                reason: 'ok',
                controlVersion: 'v1',
                changedAt: now.toISOString(),
              },
            ],
            score: {
              entityRef: ref,
              score: 50,
              coverage: 1,
              level: 'bronze',
              counts: counts({ pass: 1, fail: 1 }),
              summary: {
                knownWeight: 10,
                applicableWeight: 10,
                categories: {},
                frameworks: {
                  soc2: {
                    score: 50,
                    coverage: 1,
                    knownWeight: 10,
                    applicableWeight: 10,
                    counts: counts({ pass: 1, fail: 1 }),
                  },
                },
              },
              inputsHash: 'h1',
            },
          },
        ],
        [ref],
        startedAt,
        now,
      );
      expect(await store.getDirtyEntityRefs(10)).toEqual([]);
      const summary = await store.getSummary(ref);
      expect(summary).toMatchObject({
        score: 50,
        coverage: 1,
        level: { id: 'bronze' },
        counts: { pass: 1, fail: 1 },
        owner: 'group:default/team',
      });
      expect(summary!.frameworks.soc2.score).toBe(50);
      expect(
        (await store.getResults([ref])).get(ref)!.map(r => r.status),
      ).toEqual(['pass', 'fail']);
      expect(await store.getInputsHashes([ref])).toEqual(
        new Map([[ref, 'h1']]),
      );

      const history = await store.getHistory(ref, '2026-11-01');
      expect(history.points).toEqual([
        {
          day: '2026-11-20',
          score: 50,
          coverage: 1,
          level: 'bronze',
          counts: counts({ pass: 1, fail: 1 }),
        },
      ]);
      expect(history.changes).toHaveLength(1);
      expect(history.changes[0]).toMatchObject({
        controlId: 'A',
        from: null,
        to: 'pass',
        cause: 'data',
      });

      // An entity whose facts changed after the evaluation started stays dirty.
      await knex('compliance_entities')
        .where('entity_ref', ref)
        .update({
          dirty: true,
          facts_changed_at: new Date('2026-11-20T09:45:00Z'),
        });
      await store.saveEvaluations([], [ref], startedAt, now);
      expect(await store.getDirtyEntityRefs(10)).toEqual([ref]);
    });

    it('filters, sorts and pages the overview, with distribution and top failing controls', async () => {
      const { store } = await createStore(databaseId);
      const now = new Date('2026-11-20T10:00:00Z');
      const entities = Array.from({ length: 12 }, (_, i) =>
        snapshot(`svc-${String(i).padStart(2, '0')}`, {
          owner: i % 2 ? 'group:default/odd' : 'group:default/even',
          system: 'system:default/s',
        }),
      );
      await store.upsertEntities(entities, now);
      await store.saveEvaluations(
        entities.map((e, i) => ({
          entityRef: e.entityRef,
          upsertResults: [
            result(e.entityRef, 'A', i < 4 ? 'fail' : 'pass'),
            result(e.entityRef, 'B', i < 2 ? 'fail' : 'pass'),
          ],
          deleteResults: [],
          changes: [],
          score: {
            entityRef: e.entityRef,
            score: i === 11 ? null : i * 9,
            coverage: 1,
            level: i > 8 ? 'gold' : null,
            counts: counts({ fail: i < 4 ? 1 : 0 }),
            summary: {
              knownWeight: 1,
              applicableWeight: 1,
              categories: {},
              frameworks: {},
            },
            inputsHash: 'h',
          },
        })),
        entities.map(e => e.entityRef),
        now,
        now,
      );
      const base = {
        sort: 'score' as const,
        order: 'asc' as const,
        page: 1,
        pageSize: 5,
      };
      const page1 = await store.getOverview(base);
      expect(page1.totalCount).toBe(12);
      expect(page1.items.map(i => i.score)).toEqual([0, 9, 18, 27, 36]);
      const last = await store.getOverview({ ...base, page: 3 });
      expect(last.items.map(i => i.name)).toEqual(['svc-10', 'svc-11']); // null scores sort last
      const odd = await store.getOverview({
        ...base,
        owners: ['group:default/odd'],
        order: 'desc',
      });
      expect(odd.totalCount).toBe(6);
      expect(odd.items[0].name).toBe('svc-09');
      expect(odd.topFailing).toEqual([
        { controlId: 'A', count: 2 },
        { controlId: 'B', count: 1 },
      ]);
      const gold = await store.getOverview({ ...base, level: ['gold'] });
      expect(gold.totalCount).toBe(3);
      const none = await store.getOverview({ ...base, level: ['none'] });
      expect(none.totalCount).toBe(9);
      const allowed = await store.getOverview({
        ...base,
        allowedRefs: ['component:default/svc-03'],
      });
      expect(allowed.items.map(i => i.name)).toEqual(['svc-03']);
      const nothing = await store.getOverview({ ...base, allowedRefs: [] });
      expect(nothing.totalCount).toBe(0);
      const search = await store.getOverview({ ...base, search: 'SVC-1' });
      expect(search.totalCount).toBe(2);
      expect(page1.distribution.find(d => d.bucket === '90-100')!.count).toBe(
        1,
      );
      expect(page1.distribution.find(d => d.bucket === 'none')!.count).toBe(1);
      expect(page1.distribution.find(d => d.bucket === '0-9')!.count).toBe(2);
      expect(page1.levels).toEqual({ gold: 3, none: 9 });
    });

    it('rolls up one history row per entity and day, and applies retention', async () => {
      const { store, knex } = await createStore(databaseId);
      const ref = 'component:default/a';
      await store.upsertEntities([snapshot('a')], new Date());
      await store.saveEvaluations(
        [
          {
            entityRef: ref,
            upsertResults: [],
            deleteResults: [],
            changes: [],
            score: {
              entityRef: ref,
              score: 80,
              coverage: 0.5,
              level: null,
              counts: counts({}),
              summary: {
                knownWeight: 1,
                applicableWeight: 2,
                categories: {},
                frameworks: {},
              },
              inputsHash: 'h',
            },
          },
        ],
        [ref],
        new Date('2026-01-01T00:00:00Z'),
        new Date('2026-01-01T00:00:00Z'),
      );
      expect(await store.rollUp('2026-01-02')).toBe(1);
      expect(await store.rollUp('2026-01-02')).toBe(0);
      const deleted = await store.applyRetention({
        history: '2026-01-02',
        ledger: new Date('2026-01-02T00:00:00Z'),
        factHistory: new Date('2026-01-02T00:00:00Z'),
        runs: new Date('2026-01-02T00:00:00Z'),
      });
      expect(deleted.history).toBe(1);
      const rows = await knex('compliance_history').select('day');
      expect(rows.map(r => r.day)).toEqual(['2026-01-02']);
    });

    it('removes entities that left the catalog together with their data', async () => {
      const { store, knex } = await createStore(databaseId);
      await store.upsertEntities([snapshot('a'), snapshot('b')], new Date());
      await store.writeFacts('c', [
        {
          entityRef: 'component:default/b',
          factId: 'x',
          value: 1,
          observedAt: new Date(),
        },
      ]);
      expect(
        await store.deleteEntitiesNotIn(new Set(['component:default/a'])),
      ).toBe(1);
      expect(
        await knex('compliance_facts')
          .count({ n: '*' })
          .first()
          .then(r => Number(r!.n)),
      ).toBe(0);
      expect(await store.countEntities()).toBe(1);
    });

    it('records collector runs and state', async () => {
      const { store } = await createStore(databaseId);
      const id = await store.startRun(
        'catalog',
        new Date('2026-11-20T10:00:00Z'),
      );
      expect((await store.getLatestRuns()).get('catalog')).toMatchObject({
        status: 'running',
      });
      await store.finishRun(
        id,
        {
          status: 'succeeded',
          entitiesProcessed: 5,
          factsWritten: 3,
          errors: 0,
        },
        new Date('2026-11-20T10:00:02Z'),
      );
      expect((await store.getLatestRuns()).get('catalog')).toMatchObject({
        status: 'succeeded',
        durationMs: 2000,
        entitiesProcessed: 5,
      });
      await store.setState(
        'gh',
        [{ key: 'etag:/repos/a/b', value: 'W/"1"' }],
        new Date(),
      );
      await store.setState(
        'gh',
        [{ key: 'etag:/repos/a/b', value: 'W/"2"' }],
        new Date(),
      );
      expect(
        await store.getState('gh', ['etag:/repos/a/b', 'missing']),
      ).toEqual(new Map([['etag:/repos/a/b', 'W/"2"']]));
      await store.deleteState('gh', ['etag:/repos/a/b']);
      expect((await store.getState('gh', ['etag:/repos/a/b'])).size).toBe(0);
    });
  },
);
