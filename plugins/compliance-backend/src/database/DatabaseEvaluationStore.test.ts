import { describeOnEachDatabase } from '../__testUtils__/databases';
import {
  breakdown,
  countRows,
  counts,
  evaluation,
  result,
  score,
  snapshot,
  withFrameworks,
} from './__testUtils__/fixtures';

describeOnEachDatabase('DatabaseEvaluationStore', setup => {
  it('saves evaluations, clears dirty only for entities unchanged since the start, and serves summaries and history', async () => {
    const { stores } = await setup();
    const { evaluations } = stores;
    const ref = 'component:default/a';
    await stores.entities.upsertEntities(
      [snapshot('a', { owner: 'group:default/team' })],
      new Date('2026-11-20T09:00:00Z'),
    );
    const now = new Date('2026-11-20T10:00:00Z');
    await evaluations.saveEvaluations(
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
      undefined,
      now,
    );
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([]);
    const summary = await evaluations.getSummary(ref);
    expect(summary).toMatchObject({
      score: 50,
      coverage: 1,
      level: { id: 'bronze' },
      counts: { pass: 1, fail: 1 },
      owner: 'group:default/team',
      knownWeight: 10,
      evaluatedAt: now.toISOString(),
      collectedAt: {},
    });
    expect(summary!.frameworks.soc2.score).toBe(50);
    expect(
      (await evaluations.getResults([ref])).get(ref)!.map(r => r.status),
    ).toEqual(['pass', 'fail']);
    expect(await evaluations.getInputsHashes([ref])).toEqual(
      new Map([[ref, 'h1']]),
    );

    const history = await evaluations.getHistory(ref, '2026-11-01');
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

    // An entity marked dirty again after the evaluation read its version
    // stays dirty, whatever the clocks of the replicas say.
    await stores.entities.markDirty([ref]);
    const read = await stores.entities.getDirtyVersions([ref]);
    await stores.facts.writeFacts('c', [
      { entityRef: ref, factId: 'late', value: 1, observedAt: now },
    ]);
    await evaluations.saveEvaluations([], [ref], read, now);
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([ref]);
    // Evaluated at the current version, it is clean.
    await evaluations.saveEvaluations(
      [],
      [ref],
      await stores.entities.getDirtyVersions([ref]),
      now,
    );
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([]);
  });

  it('updates results, deletes removed ones and replaces framework scores', async () => {
    const { stores, knex } = await setup();
    const { evaluations } = stores;
    const ref = 'component:default/a';
    const now = new Date('2026-11-20T10:00:00Z');
    await stores.entities.upsertEntities([snapshot('a')], now);
    await evaluations.saveEvaluations(
      [
        evaluation(ref, {
          upsertResults: [result(ref, 'A', 'pass'), result(ref, 'B', 'pass')],
          score: score(ref, {
            summary: withFrameworks({
              soc2: breakdown(100),
              iso27001: breakdown(100),
            }),
          }),
        }),
      ],
      [ref],
      undefined,
      now,
    );
    const saved = await evaluations.saveEvaluations(
      [
        evaluation(ref, {
          upsertResults: [result(ref, 'A', 'fail')],
          deleteResults: ['B'],
          score: score(ref, {
            score: 0,
            summary: withFrameworks({ soc2: breakdown(0) }),
            inputsHash: 'h2',
          }),
        }),
      ],
      [ref],
      undefined,
      now,
    );
    // 1 result, 1 deleted result, the score row, the history row, 1 framework score.
    expect(saved.rowsWritten).toBe(5);
    expect(
      (await evaluations.getResults([ref])).get(ref)!.map(r => r.status),
    ).toEqual(['fail']);
    expect(
      await knex('compliance_framework_scores').select('framework', 'score'),
    ).toEqual([{ framework: 'soc2', score: 0 }]);
    expect(await evaluations.getInputsHashes([ref])).toEqual(
      new Map([[ref, 'h2']]),
    );
    expect((await evaluations.getHistory(ref, '2026-11-20')).points).toEqual([
      expect.objectContaining({ score: 0 }),
    ]);
  });

  it('does not re-create an entity deleted between reading and saving its evaluation', async () => {
    const { stores, knex } = await setup();
    const { evaluations } = stores;
    const now = new Date('2026-11-20T10:00:00Z');
    await stores.entities.upsertEntities(
      [snapshot('kept'), snapshot('gone'), snapshot('gone-unscored')],
      now,
    );
    const kept = 'component:default/kept';
    const gone = 'component:default/gone';
    const goneUnscored = 'component:default/gone-unscored';
    // The evaluation read the three entities; another replica then removed two.
    expect(await stores.entities.deleteEntitiesNotIn(new Set([kept]))).toBe(2);
    const write = (ref: string, withScore: boolean) =>
      evaluation(ref, {
        upsertResults: [result(ref, 'A', 'fail')],
        changes: [
          {
            entityRef: ref,
            controlId: 'A',
            from: null,
            to: 'fail',
            cause: 'data',
            reason: 'no',
            controlVersion: 'v1',
            changedAt: now.toISOString(),
          },
        ],
        ...(withScore
          ? {
              score: score(ref, {
                summary: withFrameworks({ soc2: breakdown(0) }),
              }),
            }
          : {}),
      });
    await evaluations.saveEvaluations(
      [write(kept, true), write(gone, true), write(goneUnscored, false)],
      [kept, gone, goneUnscored],
      undefined,
      now,
    );
    expect(await stores.entities.countEntities()).toBe(1);
    expect(await evaluations.getSummary(gone)).toBeUndefined();
    expect((await stores.entities.getEntitySnapshots([kept, gone])).size).toBe(
      1,
    );
    for (const table of [
      'compliance_results',
      'compliance_framework_scores',
      'compliance_history',
      'compliance_status_changes',
    ]) {
      const refs = await knex(table).distinct('entity_ref');
      expect({ table, refs: refs.map(r => r.entity_ref) }).toEqual({
        table,
        refs: [kept],
      });
    }
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([]);
  });

  it('rolls up one history row per entity and day, and applies retention', async () => {
    const { stores, knex } = await setup();
    const { evaluations } = stores;
    const ref = 'component:default/a';
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    await evaluations.saveEvaluations(
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
      undefined,
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(await evaluations.rollUp('2026-01-02')).toBe(1);
    expect(await evaluations.rollUp('2026-01-02')).toBe(0);
    const deleted = await evaluations.deleteBefore({
      history: '2026-01-02',
      ledger: new Date('2026-01-02T00:00:00Z'),
    });
    expect(deleted.history).toBe(1);
    const rows = await knex('compliance_history').select('day');
    expect(rows.map(r => r.day)).toEqual(['2026-01-02']);
    expect((await evaluations.getHistory(ref, '2026-01-01')).points).toEqual([
      {
        day: '2026-01-02',
        score: 80,
        coverage: 0.5,
        level: null,
        counts: counts({}),
      },
    ]);
  });

  it('deletes ledger rows changed before the cut-off', async () => {
    const { stores, knex } = await setup();
    const ref = 'component:default/a';
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    const change = (changedAt: string) => ({
      entityRef: ref,
      controlId: 'A',
      from: null,
      to: 'pass' as const,
      cause: 'data' as const,
      reason: 'ok',
      controlVersion: 'v1',
      changedAt,
    });
    await stores.evaluations.saveEvaluations(
      [
        evaluation(ref, {
          changes: [
            change('2026-01-01T00:00:00.000Z'),
            change('2026-03-01T00:00:00.000Z'),
          ],
        }),
      ],
      [ref],
      undefined,
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(
      await stores.evaluations.deleteBefore({
        history: '2026-01-01',
        ledger: new Date('2026-02-01T00:00:00Z'),
      }),
    ).toEqual({ history: 0, ledger: 1 });
    expect(await countRows(knex, 'compliance_status_changes')).toBe(1);
    const { changes } = await stores.evaluations.getHistory(ref, '2026-01-01');
    expect(changes.map(c => c.changedAt)).toEqual(['2026-03-01T00:00:00.000Z']);
  });
});
