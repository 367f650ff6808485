import { mockServices } from '@backstage/backend-test-utils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { ControlCatalogue } from '../controls/ControlCatalogue';
import { snapshot } from '../database/__testUtils__/fixtures';
import { readNotificationsConfig } from '../governanceConfig';
import { ConfigReader } from '@backstage/config';
import { ComplianceNotifier } from './ComplianceNotifier';
import { EvaluationRunner } from './EvaluationRunner';

const control = (
  id: string,
  fact: string,
  severity: ControlDefinition['severity'],
): ControlDefinition => ({
  id,
  title: `Control ${id}`,
  description: '',
  category: 'branch-protection',
  severity,
  rule: { pass: { fact, operator: 'greaterThanInclusive', value: 1 } },
});
const catalogue = ControlCatalogue.create({
  builtin: [
    control('BP-04', 'github.approvals', 'critical'),
    control('SEC-01', 'github.scanning', 'high'),
    control('DOC-01', 'docs.pages', 'low'),
  ],
  modules: [],
  config: [],
  levels: [{ id: 'bronze', title: 'Bronze', requiredControls: ['BP-04'] }],
  frameworks: [],
  kinds: ['component'],
});
const REF = 'component:default/payments';
const OWNER = 'group:default/team-a';

/** A notification service that records what it is asked to send. */
class FakeNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  failNext = 0;
  async send(options: NotificationSendOptions) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('notifications backend unavailable');
    }
    this.sent.push(options);
  }
}

describeOnEachDatabase('ComplianceNotifier', setup => {
  async function world() {
    const { stores } = await setup();
    let now = new Date('2026-12-20T08:00:00Z');
    const clock = () => now;
    await stores.entities.upsertEntities(
      [snapshot('payments', { owner: OWNER, title: 'Payments' })],
      now,
    );
    const evaluation = new EvaluationRunner({
      ...stores,
      catalogue,
      waivers: [],
      logger: mockServices.logger.mock(),
      clock,
    });
    const observe = async (facts: Record<string, number>) => {
      await stores.facts.writeFacts(
        'github',
        Object.entries(facts).map(([factId, value]) => ({
          entityRef: REF,
          factId,
          value,
          observedAt: now,
        })),
      );
      await evaluation.evaluateDirty();
    };
    const settings = readNotificationsConfig(
      new ConfigReader({
        compliance: {
          notifications: {
            waiverApprovers: ['group:default/security'],
            admins: ['group:default/platform'],
          },
        },
      }),
    );
    const fake = new FakeNotifications();
    const notifier = () =>
      new ComplianceNotifier({
        ...stores,
        catalogue,
        notificationService: fake,
        settings,
        logger: mockServices.logger.mock(),
        clock,
      });
    return {
      stores,
      fake,
      notifier,
      observe,
      setNow: (iso: string) => {
        now = new Date(iso);
      },
    };
  }

  it('sends one notification per entity per day on regressions, none on first evaluation or improvements', async () => {
    const w = await world();
    await w.observe({ 'github.approvals': 2, 'github.scanning': 1 });
    await w.notifier().run();
    await w.observe({ 'github.approvals': 3 });
    await w.notifier().run();
    expect(w.fake.sent).toEqual([]);

    // BP-04 fails: the level drops. One notification to the owner.
    w.setNow('2026-12-20T09:00:00Z');
    await w.observe({ 'github.approvals': 0 });
    await w.notifier().run();
    expect(w.fake.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: [OWNER] },
        payload: expect.objectContaining({
          title: 'Compliance regression on Payments',
          description:
            'Level dropped from Bronze to no level. Newly failing: BP-04 Control BP-04 (critical).',
          link: '/catalog/default/component/payments/compliance',
          topic: 'compliance',
        }),
      },
    ]);

    // Another control fails later the same day: grouped, nothing more.
    w.setNow('2026-12-20T15:00:00Z');
    await w.observe({ 'github.scanning': 0 });
    await w.notifier().run();
    expect(w.fake.sent).toHaveLength(1);

    // Improvements send nothing.
    w.setNow('2026-12-21T08:00:00Z');
    await w.observe({ 'github.approvals': 5, 'github.scanning': 1 });
    await w.notifier().run();
    expect(w.fake.sent).toHaveLength(1);

    // A low-severity regression stays below the default threshold.
    await w.observe({ 'docs.pages': 1 });
    await w.observe({ 'docs.pages': 0 });
    await w.notifier().run();
    expect(w.fake.sent).toHaveLength(1);
  });

  it('sends exactly once when several replicas run at the same time, and retries a failed send', async () => {
    const w = await world();
    await w.observe({ 'github.approvals': 2, 'github.scanning': 1 });
    await w.notifier().run();
    await w.observe({ 'github.scanning': 0 });

    w.fake.failNext = 1;
    const failed = await w.notifier().run();
    expect(failed).toMatchObject({ sent: 0, failed: 1 });

    const results = await Promise.all([1, 2, 3].map(() => w.notifier().run()));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(w.fake.sent).toHaveLength(1);
    expect(w.fake.sent[0].payload.description).toBe(
      'Newly failing: SEC-01 Control SEC-01 (high).',
    );
  });

  it('says nothing about an entity evaluated for the first time after the notifier started', async () => {
    const w = await world();
    await w.notifier().run();
    await w.observe({ 'github.approvals': 0 });
    await w.stores.entities.upsertEntities(
      [snapshot('new', { owner: OWNER })],
      new Date(),
    );
    await w.observe({ 'github.approvals': 0 });
    await w.notifier().run();
    expect(w.fake.sent).toEqual([]);
  });

  it('notifies approvers of a request and owners of an approved waiver about to expire, once', async () => {
    const w = await world();
    await w.observe({ 'github.approvals': 0 });
    const waiver = await w.stores.waiverRecords.createRequest({
      entityRef: REF,
      controlId: 'BP-04',
      reason: 'Migrating to rulesets',
      expiresAt: new Date('2026-12-24T00:00:00Z'),
      requestedBy: 'user:default/owner',
      now: new Date('2026-12-20T08:00:00Z'),
    });
    await w.notifier().waiverRequested(waiver);
    await w.notifier().waiverRequested(waiver);
    expect(w.fake.sent).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: ['group:default/security'] },
      }),
    ]);

    await w.stores.waiverRecords.transition({
      id: waiver.id,
      from: ['requested'],
      to: 'approved',
      action: 'approved',
      actor: 'user:default/admin',
      now: new Date('2026-12-20T08:10:00Z'),
    });
    await w.notifier().notifyExpiringWaivers();
    await w.notifier().notifyExpiringWaivers();
    expect(w.fake.sent).toHaveLength(2);
    expect(w.fake.sent[1]).toMatchObject({
      recipients: { type: 'entity', entityRef: [OWNER] },
      payload: { title: 'Waiver of BP-04 on Payments expires 2026-12-24' },
    });
  });

  it('tells the admins of a collector whose last runs all failed, once a day', async () => {
    const w = await world();
    const run = async (status: 'failed' | 'succeeded') => {
      const id = await w.stores.runs.startRun('github', new Date());
      await w.stores.runs.finishRun(
        id,
        {
          status,
          entitiesProcessed: 0,
          factsWritten: 0,
          errors: status === 'failed' ? 1 : 0,
          message: status === 'failed' ? 'GitHub answered 401' : undefined,
        },
        new Date(),
      );
    };
    await run('succeeded');
    await run('failed');
    await run('failed');
    await w.notifier().notifyFailingCollectors();
    expect(w.fake.sent).toEqual([]);
    await run('failed');
    await w.notifier().notifyFailingCollectors();
    await w.notifier().notifyFailingCollectors();
    expect(w.fake.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: ['group:default/platform'] },
        payload: expect.objectContaining({
          title: 'Compliance collector github keeps failing',
          severity: 'high',
        }),
      },
    ]);
    expect(w.fake.sent[0].payload.description).toContain('GitHub answered 401');
  });
});
