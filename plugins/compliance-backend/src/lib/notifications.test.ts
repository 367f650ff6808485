import type { ComplianceWaiver } from 'backstage-plugin-compliance-common';
import {
  boundedText,
  complianceTabLink,
  isRegression,
  LedgerChange,
  levelDropOf,
  planExpiringWaivers,
  planFailingCollectors,
  planRegressions,
  planWaiverRequested,
} from './notifications';

const controls: Record<string, { title: string; severity: any }> = {
  'BP-01': { title: 'Branch protection', severity: 'critical' },
  'CAT-05': { title: 'Description', severity: 'low' },
  'SEC-02': { title: 'Secret scanning', severity: 'high' },
  'DOC-01': { title: 'TechDocs', severity: 'medium' },
};
const levels = [
  { id: 'bronze', title: 'Bronze' },
  { id: 'silver', title: 'Silver' },
  { id: 'gold', title: 'Gold' },
];
const entities: Record<string, { owner?: string; title?: string }> = {
  'component:default/payments': {
    owner: 'group:default/team-a',
    title: 'Payments',
  },
  'component:default/orphan': {},
};

const change = (over: Partial<LedgerChange>): LedgerChange => ({
  entityRef: 'component:default/payments',
  controlId: 'BP-01',
  from: 'pass',
  to: 'fail',
  changedAt: '2026-12-20T10:00:00.000Z',
  ...over,
});

const plan = (
  changes: LedgerChange[],
  extra: Partial<Parameters<typeof planRegressions>[0]> = {},
) =>
  planRegressions({
    changes,
    levelChanges: [],
    today: '2026-12-20',
    levels,
    controls: id => controls[id],
    entities: ref => entities[ref],
    minSeverity: 'medium',
    ...extra,
  });

describe('isRegression', () => {
  it('is a control that passed, warned or was waived and now fails', () => {
    for (const from of ['pass', 'warn', 'waived']) {
      expect(isRegression(change({ from }))).toBe(true);
    }
  });

  it('is not a first result, an improvement, or a fail after unknown data', () => {
    expect(isRegression(change({ from: null }))).toBe(false);
    expect(isRegression(change({ from: 'fail', to: 'pass' }))).toBe(false);
    expect(isRegression(change({ from: 'pass', to: 'warn' }))).toBe(false);
    expect(isRegression(change({ from: 'unknown' }))).toBe(false);
    expect(isRegression(change({ from: 'not_applicable' }))).toBe(false);
  });
});

describe('levelDropOf', () => {
  const ids = levels.map(l => l.id);
  it('finds a drop to a lower level or to none', () => {
    expect(
      levelDropOf(
        { entityRef: 'x', previous: { level: 'gold' }, level: 'bronze' },
        ids,
      ),
    ).toEqual({ from: 'gold', to: 'bronze' });
    expect(
      levelDropOf(
        { entityRef: 'x', previous: { level: 'silver' }, level: null },
        ids,
      ),
    ).toEqual({ from: 'silver', to: null });
  });

  it('ignores a first sighting, a rise and levels no longer configured', () => {
    expect(levelDropOf({ entityRef: 'x', level: 'bronze' }, ids)).toBe(
      undefined,
    );
    expect(
      levelDropOf(
        { entityRef: 'x', previous: { level: null }, level: 'gold' },
        ids,
      ),
    ).toBe(undefined);
    expect(
      levelDropOf(
        { entityRef: 'x', previous: { level: 'bronze' }, level: 'gold' },
        ids,
      ),
    ).toBe(undefined);
    expect(
      levelDropOf(
        { entityRef: 'x', previous: { level: 'platinum' }, level: 'gold' },
        ids,
      ),
    ).toBe(undefined);
  });
});

describe('planRegressions', () => {
  it('groups one entity-day into one notification to its owner, worst first', () => {
    const { plans } = plan(
      [
        change({ controlId: 'DOC-01', from: 'warn' }),
        change({ controlId: 'BP-01', changedAt: '2026-12-20T18:00:00Z' }),
      ],
      {
        levelChanges: [
          {
            entityRef: 'component:default/payments',
            previous: { level: 'gold' },
            level: 'silver',
          },
        ],
      },
    );
    expect(plans).toHaveLength(1);
    expect(plans[0]).toEqual({
      key: {
        kind: 'regression',
        subject: 'component:default/payments',
        window: '2026-12-20',
      },
      recipients: ['group:default/team-a'],
      message: {
        title: 'Compliance regression on Payments',
        description:
          'Level dropped from Gold to Silver. Newly failing: BP-01 Branch protection (critical); DOC-01 TechDocs (medium).',
        link: '/catalog/default/component/payments/compliance',
        severity: 'high',
        topic: 'compliance',
        scope: 'compliance:regression:component:default/payments:2026-12-20',
      },
    });
  });

  it('keeps separate days apart', () => {
    const { plans } = plan([
      change({ changedAt: '2026-12-19T23:59:00Z' }),
      change({ changedAt: '2026-12-20T00:01:00Z' }),
    ]);
    expect(plans.map(p => p.key.window)).toEqual(['2026-12-19', '2026-12-20']);
  });

  it('leaves out controls below the threshold and improvements', () => {
    expect(
      plan([
        change({ controlId: 'CAT-05' }),
        change({ controlId: 'SEC-02', from: 'fail', to: 'pass' }),
      ]).plans,
    ).toEqual([]);
    const low = plan([change({ controlId: 'CAT-05' })], {
      minSeverity: 'low',
    }).plans;
    expect(low).toHaveLength(1);
    expect(low[0].message.severity).toBe('normal');
  });

  it('ignores unknown controls and reports entities without an owner', () => {
    const result = plan([
      change({ controlId: 'GONE-1' }),
      change({ entityRef: 'component:default/orphan' }),
    ]);
    expect(result.plans).toEqual([]);
    expect(result.unowned).toEqual(['component:default/orphan']);
  });

  it('bounds hostile titles to one short line and lists at most five controls', () => {
    const hostile = `Ignore previous instructions\n\u0007${'x'.repeat(500)}`;
    const many = ['BP-01', 'SEC-02', 'DOC-01'].flatMap(id =>
      [0, 1].map(i =>
        change({ controlId: id, entityRef: `component:default/e${i}` }),
      ),
    );
    const result = planRegressions({
      changes: [
        ...many,
        ...Array.from({ length: 7 }, (_, i) =>
          change({ controlId: `X-${i}`, entityRef: 'component:default/h' }),
        ),
      ],
      levelChanges: [],
      today: '2026-12-20',
      levels,
      controls: id => controls[id] ?? { title: 'Extra', severity: 'high' },
      entities: () => ({ owner: 'group:default/t', title: hostile }),
      minSeverity: 'medium',
    });
    const h = result.plans.find(p => p.key.subject === 'component:default/h')!;
    expect(h.message.title.length).toBeLessThanOrEqual(130);
    expect(h.message.title).not.toContain('\n');
    expect(h.message.title).not.toContain('\u0007');
    expect(h.message.description).toMatch(/and 2 more\.$/);
  });
});

describe('complianceTabLink and boundedText', () => {
  it('links to the Compliance tab with each part encoded', () => {
    expect(complianceTabLink('Component:Prod/My-Svc')).toBe(
      '/catalog/prod/component/my-svc/compliance',
    );
    expect(complianceTabLink('component:default/a%2F..')).toBe(
      '/catalog/default/component/a%252f../compliance',
    );
  });

  it('keeps short text as it is', () => {
    expect(boundedText('Payments')).toBe('Payments');
    expect(boundedText('abcdef', 4)).toBe('abc…');
  });
});

const waiver = (over: Partial<ComplianceWaiver> = {}): ComplianceWaiver => ({
  id: 'w-1',
  source: 'api',
  entityRef: 'component:default/payments',
  controlId: 'BP-01',
  status: 'approved',
  reason: 'Migrating to rulesets',
  expiresAt: '2026-12-25T00:00:00.000Z',
  requestedBy: 'user:default/owner',
  requestedAt: '2026-12-01T00:00:00.000Z',
  decidedBy: 'user:default/admin',
  reviewRequired: false,
  ...over,
});

describe('planWaiverRequested', () => {
  it('tells the approvers who asks what until when', () => {
    const p = planWaiverRequested({
      waiver: waiver({ status: 'requested' }),
      approvers: ['group:default/security'],
      control: controls['BP-01'],
      entity: entities['component:default/payments'],
    });
    expect(p).toMatchObject({
      key: { kind: 'waiver_requested', subject: 'w-1' },
      recipients: ['group:default/security'],
      message: {
        title: 'Waiver requested for BP-01 Branch protection on Payments',
        description:
          'user:default/owner asks to waive BP-01 until 2026-12-25: Migrating to rulesets',
        link: '/catalog/default/component/payments/compliance',
      },
    });
  });

  it('sends nothing without configured approvers', () => {
    expect(planWaiverRequested({ waiver: waiver(), approvers: [] })).toBe(
      undefined,
    );
  });
});

describe('planExpiringWaivers', () => {
  const now = new Date('2026-12-20T00:00:00Z');
  const run = (ws: ComplianceWaiver[]) =>
    planExpiringWaivers({
      waivers: ws,
      now,
      days: 7,
      entities: ref => entities[ref],
      controls: id => controls[id],
    });

  it('tells the owner of approved waivers expiring within the window', () => {
    const plans = run([
      waiver(),
      waiver({ id: 'later', expiresAt: '2027-01-30T00:00:00Z' }),
      waiver({ id: 'past', expiresAt: '2026-12-19T00:00:00Z' }),
      waiver({ id: 'asked', status: 'requested' }),
      waiver({ id: 'orphan', entityRef: 'component:default/orphan' }),
    ]);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      key: { kind: 'waiver_expiring', subject: 'w-1', window: '2026-12-25' },
      recipients: ['group:default/team-a'],
      message: {
        title: 'Waiver of BP-01 on Payments expires 2026-12-25',
      },
    });
    expect(plans[0].message.description).toContain(
      'approved by user:default/admin',
    );
  });
});

describe('planFailingCollectors', () => {
  const run = (statuses: string[], admins = ['group:default/admins']) =>
    planFailingCollectors({
      runs: [{ runKey: 'github', statuses, lastMessage: 'HTTP 401' }],
      threshold: 3,
      admins,
      today: '2026-12-20',
    });

  it('reports a collector whose last runs all failed, once a day', () => {
    const plans = run(['failed', 'failed', 'failed']);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      key: {
        kind: 'collector_failing',
        subject: 'github',
        window: '2026-12-20',
      },
      recipients: ['group:default/admins'],
      message: { severity: 'high' },
    });
    expect(plans[0].message.description).toContain('HTTP 401');
  });

  it('does not report a streak shorter than the threshold or without admins', () => {
    expect(run(['failed', 'failed', 'succeeded'])).toEqual([]);
    expect(run(['failed', 'failed'])).toEqual([]);
    expect(run(['failed', 'failed', 'failed'], [])).toEqual([]);
  });
});
