import type {
  ControlResult,
  StatusChange,
} from 'backstage-plugin-compliance-common';
import { canonicalValue, factPayloadHash, statusesAsOf } from './evidence';

describe('factPayloadHash', () => {
  it('is stable for the same payload whatever the key order, and differs otherwise', () => {
    const a = factPayloadHash({ b: [1, { y: 2, x: 1 }], a: 'v' }, null);
    const b = factPayloadHash({ a: 'v', b: [1, { x: 1, y: 2 }] }, undefined);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(factPayloadHash({ a: 'v', b: [{ x: 1, y: 2 }, 1] }, null)).not.toBe(
      a,
    );
    expect(factPayloadHash(null, 'error')).not.toBe(
      factPayloadHash(null, null),
    );
    expect(JSON.stringify(canonicalValue({ b: 1, a: { d: 1, c: 2 } }))).toBe(
      '{"a":{"c":2,"d":1},"b":1}',
    );
  });
});

describe('statusesAsOf', () => {
  const result = (
    controlId: string,
    status: ControlResult['status'],
    statusSince: string,
  ): ControlResult => ({
    entityRef: 'component:default/a',
    controlId,
    status,
    reason: '',
    evidence: [],
    controlVersion: 'v',
    evaluatedAt: statusSince,
    statusSince,
  });
  const change = (
    controlId: string,
    from: StatusChange['from'],
    to: StatusChange['to'],
    changedAt: string,
  ): StatusChange => ({
    entityRef: 'component:default/a',
    controlId,
    from,
    to,
    cause: 'data',
    reason: '',
    controlVersion: 'v',
    changedAt,
  });
  const current = [
    result('A', 'pass', '2026-11-20T00:00:00.000Z'),
    result('B', 'fail', '2026-11-01T00:00:00.000Z'),
    result('C', 'warn', '2026-11-25T00:00:00.000Z'),
    result('D', 'pass', '2026-11-25T00:00:00.000Z'),
  ];
  const changes = [
    change('A', 'fail', 'warn', '2026-11-10T00:00:00.000Z'),
    change('A', 'warn', 'pass', '2026-11-20T00:00:00.000Z'),
    change('C', null, 'warn', '2026-11-25T00:00:00.000Z'),
  ];

  it('returns what was true then: the status before the first later change, or the current one', () => {
    expect(
      statusesAsOf(current, changes, new Date('2026-11-15T00:00:00Z')),
    ).toEqual([
      { controlId: 'A', status: 'warn' },
      {
        controlId: 'B',
        status: 'fail',
        since: '2026-11-01T00:00:00.000Z',
      },
      // Added later (ledger from null): no status then.
      { controlId: 'C', status: null },
      // First evaluated after the date, no ledger row: no status then.
      { controlId: 'D', status: null },
    ]);
    expect(
      statusesAsOf(current, changes, new Date('2026-11-05T00:00:00Z'))[0],
    ).toEqual({ controlId: 'A', status: 'fail' });
    expect(
      statusesAsOf(current, changes, new Date('2026-11-30T00:00:00Z')).map(
        s => s.status,
      ),
    ).toEqual(['pass', 'fail', 'warn', 'pass']);
  });
});
