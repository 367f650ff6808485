import { ControlCatalogue } from '../controls/ControlCatalogue';
import type { Waiver } from './evaluate';
import { evaluateEntity } from './evaluateEntity';
import {
  checkWaiverExpiry,
  configWaiverViews,
  DEFAULT_WAIVER_MAX_DAYS,
  evidenceHashOf,
  isWaiverInForce,
  waiverTransition,
} from './waivers';
import {
  approvalsControl as approvals,
  svcSnapshot as entity,
} from '../__testUtils__/entities';

const catalogue = ControlCatalogue.create({
  builtin: [approvals],
  modules: [],
  config: [],
  levels: [],
  frameworks: [],
  kinds: ['component'],
});
const now = new Date('2026-12-01T00:00:00Z');
const facts = (value: number) => [
  {
    factId: 'github.approvals',
    known: true,
    value,
    observedAt: '2026-11-30T00:00:00Z',
  },
];

describe('evidenceHashOf', () => {
  it('ignores observation times and order, but not values', () => {
    const a = evidenceHashOf([
      { factId: 'x', value: { b: 1, a: 2 }, observedAt: '2026-01-01' },
      { factId: 'y', value: 1 },
    ]);
    const b = evidenceHashOf([
      { factId: 'y', value: 1, observedAt: '2026-06-01' },
      { factId: 'x', value: { a: 2, b: 1 } },
    ]);
    expect(a).toBe(b);
    expect(
      evidenceHashOf([
        { factId: 'x', value: { a: 2, b: 1 } },
        { factId: 'y', value: 2 },
      ]),
    ).not.toBe(a);
  });
});

describe('checkWaiverExpiry', () => {
  const check = (days: number, severity: 'critical' | 'low') =>
    checkWaiverExpiry({
      expiresAt: new Date(now.getTime() + days * 86_400_000),
      severity,
      policy: DEFAULT_WAIVER_MAX_DAYS,
      now,
    });
  it('refuses the past and durations beyond the severity maximum', () => {
    expect(check(-1, 'low')).toMatch(/future/);
    expect(check(31, 'critical')).toMatch(/at most 30 days/);
    expect(check(30, 'critical')).toBeUndefined();
    expect(check(300, 'low')).toBeUndefined();
  });
});

describe('waiverTransition', () => {
  it('allows the workflow steps and refuses the others', () => {
    const requested = { status: 'requested' as const, reviewRequired: false };
    const approved = { status: 'approved' as const, reviewRequired: false };
    expect(waiverTransition(requested, 'approve')).toMatchObject({
      ok: true,
      to: 'approved',
    });
    expect(waiverTransition(approved, 'approve')).toMatchObject({ ok: false });
    expect(
      waiverTransition({ ...approved, reviewRequired: true }, 'approve'),
    ).toMatchObject({ ok: true, to: 'approved' });
    expect(waiverTransition(approved, 'revoke')).toMatchObject({
      ok: true,
      to: 'revoked',
    });
    expect(
      waiverTransition({ status: 'revoked', reviewRequired: false }, 'approve'),
    ).toMatchObject({
      ok: false,
      reason: 'A revoked waiver cannot be approved',
    });
    expect(
      waiverTransition({ status: 'expired', reviewRequired: false }, 'reject'),
    ).toMatchObject({ ok: false });
  });
});

describe('waivers in evaluation', () => {
  const granted = evidenceHashOf([{ factId: 'github.approvals', value: 1 }]);
  const waiver: Waiver = {
    id: 'w1',
    entityRef: entity.entityRef,
    controlId: 'BP-04',
    reason: 'legacy repository',
    expiresAt: '2026-12-20T00:00:00.000Z',
    approvedBy: 'user:default/admin',
    evidenceHash: granted,
  };
  const run = (value: number, w: Waiver[] = [waiver]) =>
    evaluateEntity({
      entity,
      facts: facts(value),
      previous: [],
      waivers: w,
      catalogue,
      now,
    });

  it('waives while the evidence is the one it was granted against', () => {
    const e = run(1);
    expect(e.results[0]).toMatchObject({
      status: 'waived',
      reason: expect.stringContaining('approved by user:default/admin'),
    });
    expect(e.waiversToReview).toEqual([]);
  });

  it('evaluates normally and flags the waiver when the evidence changed', () => {
    const e = run(0);
    expect(e.results[0].status).toBe('fail');
    expect(e.waiversToReview).toEqual(['w1']);
  });

  it('never flags config waivers (no id), which apply whatever the evidence', () => {
    const { id: _id, evidenceHash: _h, ...config } = waiver;
    const e = run(0, [config]);
    expect(e.results[0].status).toBe('waived');
    expect(e.waiversToReview).toEqual([]);
  });

  it('stops applying after expiry', () => {
    expect(
      run(1, [{ ...waiver, expiresAt: '2026-11-30T00:00:00Z' }]).results[0]
        .status,
    ).toBe('fail');
  });
});

describe('isWaiverInForce and configWaiverViews', () => {
  it('keeps flagged, requested and expired waivers out of force', () => {
    const base = {
      id: 'a',
      source: 'api' as const,
      entityRef: 'e',
      controlId: 'c',
      reason: 'r',
      expiresAt: '2026-12-10T00:00:00Z',
      reviewRequired: false,
    };
    expect(isWaiverInForce({ ...base, status: 'approved' }, now)).toBe(true);
    expect(
      isWaiverInForce(
        { ...base, status: 'approved', reviewRequired: true },
        now,
      ),
    ).toBe(false);
    expect(isWaiverInForce({ ...base, status: 'requested' }, now)).toBe(false);
    expect(
      isWaiverInForce(
        { ...base, status: 'approved', expiresAt: '2026-11-01T00:00:00Z' },
        now,
      ),
    ).toBe(false);
  });

  it('shows config waivers with source config and their expiry state', () => {
    const views = configWaiverViews(
      [
        { entityRef: 'e', controlId: 'c', reason: 'gitops' },
        {
          entityRef: 'e',
          controlId: 'd',
          reason: 'old',
          expiresAt: '2026-01-01T00:00:00Z',
        },
        { entityRef: 'other', controlId: 'c', reason: 'x' },
      ],
      'e',
      now,
    );
    expect(views.map(v => [v.id, v.source, v.status])).toEqual([
      ['config:0', 'config', 'approved'],
      ['config:1', 'config', 'expired'],
    ]);
  });
});
