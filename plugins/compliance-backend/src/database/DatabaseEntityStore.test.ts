import { describeOnEachDatabase } from '../__testUtils__/databases';
import {
  breakdown,
  countRows,
  evaluation,
  result,
  score,
  snapshot,
  withFrameworks,
} from './__testUtils__/fixtures';
import { updateScores } from './scoreUpdate';
import { dialectOf } from './util';

describeOnEachDatabase('DatabaseEntityStore', setup => {
  it('upserts entities and marks only changed ones dirty', async () => {
    const { stores, knex } = await setup();
    const { entities } = stores;
    const now = new Date('2026-11-20T10:00:00Z');
    expect(
      await entities.upsertEntities([snapshot('a'), snapshot('b')], now),
    ).toEqual(['component:default/a', 'component:default/b']);
    await stores.evaluations.saveEvaluations(
      [],
      ['component:default/a', 'component:default/b'],
      undefined,
      now,
    );
    expect(await entities.getDirtyEntityRefs(10)).toEqual([]);
    expect(
      await entities.upsertEntities(
        [snapshot('a'), snapshot('b', { lifecycle: 'production' })],
        now,
      ),
    ).toEqual(['component:default/b']);
    expect(await entities.getDirtyEntityRefs(10)).toEqual([
      'component:default/b',
    ]);
    const row = await knex('compliance_entities')
      .where('entity_ref', 'component:default/b')
      .first();
    expect(row.lifecycle).toBe('production');
  });

  it('serves snapshots, pages dirty refs and marks all dirty', async () => {
    const { stores } = await setup();
    const { entities } = stores;
    const now = new Date('2026-11-20T10:00:00Z');
    const all = ['a', 'b', 'c'].map(n => snapshot(n, { owner: `o-${n}` }));
    await entities.upsertEntities(all, now);
    const snapshots = await entities.getEntitySnapshots([
      'component:default/b',
      'component:default/missing',
    ]);
    expect([...snapshots.values()]).toEqual([all[1]]);

    expect(await entities.getDirtyEntityRefs(2)).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
    expect(await entities.getDirtyEntityRefs(2, 'component:default/b')).toEqual(
      ['component:default/c'],
    );

    await stores.evaluations.saveEvaluations(
      [],
      all.map(e => e.entityRef),
      undefined,
      now,
    );
    expect(await entities.getDirtyEntityRefs(10)).toEqual([]);
    await entities.markAllDirty();
    expect(await entities.getDirtyEntityRefs(10)).toHaveLength(3);
    expect(await entities.countEntities()).toBe(3);
  });

  it('removes entities that left the catalog together with their data', async () => {
    const { stores, knex } = await setup();
    const { entities } = stores;
    await entities.upsertEntities([snapshot('a'), snapshot('b')], new Date());
    await stores.facts.writeFacts('c', [
      {
        entityRef: 'component:default/b',
        factId: 'x',
        value: 1,
        observedAt: new Date(),
      },
    ]);
    expect(
      await entities.deleteEntitiesNotIn(new Set(['component:default/a'])),
    ).toBe(1);
    expect(await countRows(knex, 'compliance_facts')).toBe(0);
    expect(await entities.countEntities()).toBe(1);
  });

  it('removes the results and framework scores of entities that left', async () => {
    const { stores, knex } = await setup();
    const ref = 'component:default/b';
    await stores.entities.upsertEntities([snapshot('b')], new Date());
    await stores.evaluations.saveEvaluations(
      [
        evaluation(ref, {
          upsertResults: [result(ref, 'A', 'pass')],
          score: score(ref, {
            summary: withFrameworks({ soc2: breakdown(80) }),
          }),
        }),
      ],
      [ref],
      undefined,
      new Date(),
    );
    expect(await countRows(knex, 'compliance_framework_scores')).toBe(1);
    expect(await stores.entities.deleteEntitiesNotIn(new Set())).toBe(1);
    expect(await countRows(knex, 'compliance_results')).toBe(0);
    expect(await countRows(knex, 'compliance_framework_scores')).toBe(0);
    expect(await stores.entities.countEntities()).toBe(0);
  });

  it('deletes what an evaluation holding the entity writes before it commits', async () => {
    const { stores, knex } = await setup();
    const ref = 'component:default/a';
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    // An evaluation in another replica has updated the score row (and so
    // holds it) and is still writing.
    const tx = await knex.transaction();
    await updateScores(tx, dialectOf(knex), [score(ref)], new Date());
    const deleting = stores.entities.deleteEntitiesNotIn(new Set());
    await new Promise(resolve => setTimeout(resolve, 200));
    await tx('compliance_framework_scores').insert({
      entity_ref: ref,
      framework: 'soc2',
      score: 1,
      coverage: 1,
    });
    await tx.commit();
    expect(await deleting).toBe(1);
    expect(await countRows(knex, 'compliance_entities')).toBe(0);
    expect(await countRows(knex, 'compliance_framework_scores')).toBe(0);
  });
});
