import { mockServices } from '@backstage/backend-test-utils';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { ControlCatalogue } from '../controls/ControlCatalogue';
import { snapshot } from '../database/__testUtils__/fixtures';
import type { Waiver } from '../lib/evaluate';
import { EvaluationRunner } from './EvaluationRunner';

const approvals: ControlDefinition = {
  id: 'BP-04',
  title: 'Approvals',
  description: '',
  category: 'branch-protection',
  severity: 'critical',
  rule: {
    pass: {
      fact: 'github.approvals',
      operator: 'greaterThanInclusive',
      value: 2,
    },
  },
};
const catalogue = ControlCatalogue.create({
  builtin: [approvals],
  modules: [],
  config: [],
  levels: [],
  frameworks: [],
  kinds: ['component'],
});
const ref = 'component:default/a';

describeOnEachDatabase('EvaluationRunner', setup => {
  async function world() {
    const { stores, knex } = await setup();
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    await stores.facts.writeFacts('github', [
      {
        entityRef: ref,
        factId: 'github.approvals',
        value: 0,
        observedAt: new Date(),
      },
    ]);
    let now = new Date('2026-11-20T10:00:00Z');
    const runner = (waivers: Waiver[]) =>
      new EvaluationRunner({
        ...stores,
        catalogue,
        waivers,
        logger: mockServices.logger.mock(),
        clock: () => now,
      });
    const status = async () =>
      (await stores.evaluations.getResults([ref])).get(ref)?.[0].status;
    return {
      stores,
      knex,
      runner,
      status,
      setNow: (d: string) => {
        now = new Date(d);
      },
    };
  }

  it('lets a waiver expire within one cycle although no fact changed', async () => {
    const w = await world();
    const waivers = [
      {
        entityRef: ref,
        controlId: 'BP-04',
        reason: 'migrating',
        expiresAt: '2026-11-21T00:00:00.000Z',
      },
    ];
    await w.runner(waivers).evaluateDirty();
    expect(await w.status()).toBe('waived');
    w.setNow('2026-11-21T00:05:00Z');
    const stats = await w.runner(waivers).evaluateDirty();
    expect(stats.entitiesEvaluated).toBe(1);
    expect(await w.status()).toBe('fail');
    const { changes } = await w.stores.evaluations.getHistory(
      ref,
      '2026-11-01',
    );
    expect(changes[0]).toMatchObject({
      from: 'waived',
      to: 'fail',
      cause: 'waiver',
    });
    // Nothing changes afterwards: no evaluation, no write.
    expect((await w.runner(waivers).evaluateDirty()).entitiesEvaluated).toBe(0);
  });

  it('applies a waiver added to or removed from config on the next cycle', async () => {
    const w = await world();
    await w.runner([]).evaluateDirty();
    expect(await w.status()).toBe('fail');
    const waiver = { entityRef: ref, controlId: 'BP-04', reason: 'accepted' };
    await w.runner([waiver]).evaluateDirty();
    expect(await w.status()).toBe('waived');
    await w.runner([]).evaluateDirty();
    expect(await w.status()).toBe('fail');
  });

  it('writes one ledger entry when a refresh races the scheduled cycle', async () => {
    const w = await world();
    await w.runner([]).evaluateDirty();
    await w.stores.facts.writeFacts('github', [
      {
        entityRef: ref,
        factId: 'github.approvals',
        value: 2,
        observedAt: new Date(),
      },
    ]);
    w.setNow('2026-11-20T11:00:00Z');
    await Promise.all([
      w.runner([]).evaluateDirty(),
      w.runner([]).evaluateEntities([ref]),
      w.runner([]).evaluateEntities([ref]),
    ]);
    expect(await w.status()).toBe('pass');
    const rows = await w.knex('compliance_status_changes').select();
    expect(rows).toHaveLength(1);
  });
});
