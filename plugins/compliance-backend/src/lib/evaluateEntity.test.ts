import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import { ControlCatalogue } from '../controls/ControlCatalogue';
import { evaluateEntity, evaluationInputsHash } from './evaluateEntity';
import type { EvaluationFact } from './rules';
import {
  approvalsControl as approvals,
  svcSnapshot as entity,
} from '../__testUtils__/entities';

const owner: ControlDefinition = {
  id: 'CAT-01',
  title: 'Owner',
  description: '',
  category: 'ownership',
  severity: 'high',
  rule: { pass: { fact: 'entity.owner', operator: 'exists' } },
};

function catalogue(defs: ControlDefinition[]) {
  return ControlCatalogue.create({
    builtin: defs,
    modules: [],
    config: [],
    levels: [{ id: 'bronze', title: 'Bronze', requiredControls: ['BP-04'] }],
    frameworks: [],
    kinds: ['component'],
  });
}

const fact = (value: number): EvaluationFact => ({
  factId: 'github.approvals',
  known: true,
  value,
});
const t0 = new Date('2026-11-01T00:00:00Z');
const t1 = new Date('2026-11-02T00:00:00Z');

describe('evaluateEntity', () => {
  it('records no ledger entries on the first evaluation and scores it', () => {
    const e = evaluateEntity({
      entity,
      facts: [fact(2)],
      previous: [],
      waivers: [],
      catalogue: catalogue([approvals, owner]),
      now: t0,
    });
    expect(e.changes).toEqual([]);
    expect(e.upsertResults.map(r => [r.controlId, r.status])).toEqual([
      ['BP-04', 'pass'],
      ['CAT-01', 'fail'],
    ]);
    expect(e.score.level).toBe('bronze');
    // 10 of 17.5 applicable weight passes, rounded to one decimal.
    expect(e.score.score).toBe(57.1);
  });

  it('writes only changed results, keeps statusSince of unchanged ones and explains a data change', () => {
    const cat = catalogue([approvals, owner]);
    const first = evaluateEntity({
      entity,
      facts: [fact(2)],
      previous: [],
      waivers: [],
      catalogue: cat,
      now: t0,
    });
    const second = evaluateEntity({
      entity,
      facts: [fact(0)],
      previous: first.results,
      waivers: [],
      catalogue: cat,
      now: t1,
    });
    expect(second.upsertResults.map(r => r.controlId)).toEqual(['BP-04']);
    expect(second.changes).toEqual([
      expect.objectContaining({
        controlId: 'BP-04',
        from: 'pass',
        to: 'fail',
        cause: 'data',
      }),
    ]);
    const unchanged = second.results.find(r => r.controlId === 'CAT-01')!;
    expect(unchanged.statusSince).toBe(t0.toISOString());
    expect(second.score.level).toBeNull();
  });

  it('attributes a changed rule to "rule" and a new waiver to "waiver"', () => {
    const first = evaluateEntity({
      entity,
      facts: [fact(1)],
      previous: [],
      waivers: [],
      catalogue: catalogue([approvals]),
      now: t0,
    });
    const stricter = {
      ...approvals,
      rule: {
        pass: {
          fact: 'github.approvals',
          operator: 'greaterThanInclusive' as const,
          value: 1,
        },
      },
    };
    const ruled = evaluateEntity({
      entity,
      facts: [fact(1)],
      previous: first.results,
      waivers: [],
      catalogue: catalogue([stricter]),
      now: t1,
    });
    expect(ruled.changes.map(c => c.cause)).toEqual(['rule']);

    const waived = evaluateEntity({
      entity,
      facts: [fact(1)],
      previous: first.results,
      waivers: [
        {
          entityRef: entity.entityRef,
          controlId: 'BP-04',
          reason: 'migration',
        },
      ],
      catalogue: catalogue([approvals]),
      now: t1,
    });
    expect(waived.changes).toEqual([
      expect.objectContaining({ to: 'waived', cause: 'waiver' }),
    ]);
  });

  it('drops results of removed controls and ledgers a control added later', () => {
    const first = evaluateEntity({
      entity,
      facts: [fact(2)],
      previous: [],
      waivers: [],
      catalogue: catalogue([approvals]),
      now: t0,
    });
    const next = evaluateEntity({
      entity,
      facts: [fact(2)],
      previous: [
        ...first.results,
        { ...first.results[0], controlId: 'GONE-1' },
      ],
      waivers: [],
      catalogue: catalogue([approvals, owner]),
      now: t1,
    });
    expect(next.deleteResults).toEqual(['GONE-1']);
    expect(next.changes).toEqual([
      expect.objectContaining({
        controlId: 'CAT-01',
        from: null,
        cause: 'rule',
      }),
    ]);
  });

  it('changes the inputs hash when facts, waivers in force or controls change, and only then', () => {
    const base = {
      entity,
      facts: [fact(2)],
      waivers: [],
      catalogue: catalogue([approvals]),
      now: t0,
    };
    const h = evaluationInputsHash(base);
    expect(evaluationInputsHash({ ...base, now: t1 })).toBe(h);
    expect(evaluationInputsHash({ ...base, facts: [fact(3)] })).not.toBe(h);
    expect(
      evaluationInputsHash({
        ...base,
        catalogue: catalogue([approvals, owner]),
      }),
    ).not.toBe(h);
    const waiver = {
      entityRef: entity.entityRef,
      controlId: 'BP-04',
      reason: 'r',
      expiresAt: '2026-11-01T12:00:00Z',
    };
    const waived = evaluationInputsHash({ ...base, waivers: [waiver] });
    expect(waived).not.toBe(h);
    // Once the waiver expired the inputs are those without it.
    expect(evaluationInputsHash({ ...base, waivers: [waiver], now: t1 })).toBe(
      h,
    );
  });
});
