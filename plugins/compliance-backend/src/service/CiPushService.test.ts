import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CI_PUSHED_FACTS as P } from 'backstage-plugin-compliance-common';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { component } from '../__testUtils__/entities';
import { CiPushService } from './CiPushService';

const DAY = 86_400_000;
const NOW = new Date('2026-12-01T12:00:00Z');

describeOnEachDatabase('pushed CI facts as the window slides', setup => {
  it('recomputes the facts when runs leave the window, without a new push', async () => {
    const { stores } = await setup();
    const service = new CiPushService({
      ciRuns: stores.ciRuns,
      facts: stores.facts,
      catalog: catalogServiceMock({
        entities: [component('payments'), component('billing')],
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      windowDays: 30,
    });
    const run = (id: string, daysAgo: number, status = 'success') => ({
      id,
      name: 'pipeline',
      status: status as 'success',
      sha: `${id}`.padStart(7, 'a'),
      startedAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString(),
      durationSeconds: 120,
    });
    // Old runs of payments, a recent run of billing.
    await service.push(
      {
        entityRef: 'component:default/payments',
        system: 'jenkins',
        runs: [run('1', 25), run('2', 20, 'failure'), run('3', 10)],
      },
      NOW,
    );
    await service.push(
      {
        entityRef: 'component:default/billing',
        system: 'jenkins',
        runs: [run('4', 1)],
      },
      NOW,
    );
    const runsOf = async (ref: string) =>
      (await stores.facts.getFacts([ref], P.runs))
        .get(ref)
        ?.find(f => f.factId === P.runs)?.value;
    expect(await runsOf('component:default/payments')).toBe(3);

    // 16 days later two of payments' runs left the 30-day window.
    const later = new Date(NOW.getTime() + 16 * DAY);
    expect(await service.slideWindow(later)).toBe(2);
    expect(await runsOf('component:default/payments')).toBe(1);
    expect(await runsOf('component:default/billing')).toBe(1);

    // 35 days later every run left the window: the counts drop to zero.
    const past = new Date(NOW.getTime() + 35 * DAY);
    expect(await service.slideWindow(past)).toBe(2);
    expect(await runsOf('component:default/payments')).toBe(0);
    expect(await runsOf('component:default/billing')).toBe(0);

    // Past two windows the stored runs are removed.
    const much = new Date(NOW.getTime() + 70 * DAY);
    expect(await service.slideWindow(much)).toBe(0);
    expect(await stores.ciRuns.getEntityRefsWithRuns(new Date(0))).toEqual([]);
  });
});
