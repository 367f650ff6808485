import { describeOnEachDatabase } from '../__testUtils__/databases';
import { counts, score, snapshot } from './__testUtils__/fixtures';
import {
  updateScores,
  updateScoresFromValues,
  updateScoresRowByRow,
} from './scoreUpdate';
import { dialectOf } from './util';

describeOnEachDatabase('scoreUpdate', setup => {
  it.each([
    ['the dialect', 'auto'],
    ['UPDATE ... FROM VALUES', 'values'],
    ['one UPDATE per row', 'rows'],
  ] as const)(
    'updates the score columns of existing entities only, with %s',
    async (_, strategy) => {
      const { stores, knex } = await setup();
      if (strategy === 'values' && knex.client.config.client === 'mysql2') {
        return; // MySQL has no UPDATE ... FROM.
      }
      await stores.entities.upsertEntities(
        [snapshot('a'), snapshot('b')],
        new Date('2026-11-20T09:00:00Z'),
      );
      const now = new Date('2026-11-20T10:00:00Z');
      const scores = [
        score('component:default/a', {
          score: 42.5,
          level: 'bronze',
          counts: counts({ pass: 3, fail: 1, waived: 2 }),
          inputsHash: 'ha',
        }),
        score('component:default/missing'),
        score('component:default/b', { score: null, coverage: 0 }),
      ];
      const update = {
        auto: () =>
          knex.transaction(tx =>
            updateScores(tx, dialectOf(knex), scores, now),
          ),
        values: () =>
          knex.transaction(tx => updateScoresFromValues(tx, scores, now)),
        rows: () =>
          knex.transaction(tx => updateScoresRowByRow(tx, scores, now)),
      }[strategy];
      expect((await update()).sort()).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      expect(await stores.entities.countEntities()).toBe(2);
      expect(
        await stores.evaluations.getSummary('component:default/a'),
      ).toMatchObject({
        score: 42.5,
        coverage: 1,
        level: { id: 'bronze' },
        counts: counts({ pass: 3, fail: 1, waived: 2 }),
        knownWeight: 1,
        evaluatedAt: now.toISOString(),
      });
      expect(
        await stores.evaluations.getSummary('component:default/b'),
      ).toMatchObject({ score: null, coverage: 0 });
      expect(
        await stores.evaluations.getInputsHashes(['component:default/a']),
      ).toEqual(new Map([['component:default/a', 'ha']]));
    },
  );
});
