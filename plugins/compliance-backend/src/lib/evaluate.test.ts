import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import { buildControls } from './controls';
import {
  entityFacts,
  evaluateControl,
  EntitySnapshot,
  isApplicable,
} from './evaluate';
import { EvaluationFact } from './rules';
import { approvalsControl, svcSnapshot } from '../__testUtils__/entities';

const entity: EntitySnapshot = {
  ...svcSnapshot,
  type: 'service',
  lifecycle: 'production',
  tags: ['pci'],
  annotations: { 'github.com/project-slug': 'org/svc' },
};

const def: ControlDefinition = {
  ...approvalsControl,
  rule: {
    ...approvalsControl.rule,
    warn: {
      fact: 'github.approvals',
      operator: 'greaterThanInclusive',
      value: 1,
    },
    notApplicable: { fact: 'github.archived', operator: 'equal', value: true },
  },
};
const [control] = buildControls({ builtin: [def], modules: [], config: [] });

function lookupOf(
  values: Record<string, unknown>,
  unknown: Record<string, string> = {},
) {
  const map = entityFacts(entity);
  for (const [k, v] of Object.entries(values))
    map.set(k, {
      factId: k,
      known: true,
      value: v as any,
      observedAt: '2026-01-01T00:00:00.000Z',
    });
  for (const [k, r] of Object.entries(unknown))
    map.set(k, {
      factId: k,
      known: false,
      value: null,
      unknownReason: r as any,
      message: 'Resource not accessible by integration',
    } as EvaluationFact);
  return (id: string) => map.get(id);
}

describe('evaluateControl', () => {
  it('passes, warns and fails by the rule', () => {
    expect(
      evaluateControl({
        control,
        entity,
        lookup: lookupOf({ 'github.approvals': 2, 'github.archived': false }),
      }).status,
    ).toBe('pass');
    expect(
      evaluateControl({
        control,
        entity,
        lookup: lookupOf({ 'github.approvals': 1, 'github.archived': false }),
      }).status,
    ).toBe('warn');
    const fail = evaluateControl({
      control,
      entity,
      lookup: lookupOf({ 'github.approvals': 0, 'github.archived': false }),
    });
    expect(fail.status).toBe('fail');
    expect(fail.reason).toBe(
      'Expected github.approvals to be at least 2, found 0',
    );
    expect(fail.evidence.map(e => e.factId)).toEqual([
      'github.approvals',
      'github.archived',
    ]);
  });

  it('is not applicable when the notApplicable rule holds', () => {
    expect(
      evaluateControl({
        control,
        entity,
        lookup: lookupOf({ 'github.archived': true }),
      }).status,
    ).toBe('not_applicable');
  });

  it('is unknown, never fail, when a needed fact could not be observed', () => {
    const r = evaluateControl({
      control,
      entity,
      lookup: lookupOf(
        { 'github.archived': false },
        { 'github.approvals': 'insufficient_permission' },
      ),
    });
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('insufficient_permission');
    expect(r.reason).toContain('Resource not accessible by integration');
  });

  it('applies an active waiver to a failing control only', () => {
    const waiver = {
      entityRef: entity.entityRef,
      controlId: 'BP-04',
      reason: 'migration',
      expiresAt: '2099-01-01T00:00:00.000Z',
    };
    expect(
      evaluateControl({
        control,
        entity,
        waiver,
        lookup: lookupOf({ 'github.approvals': 0, 'github.archived': false }),
      }).status,
    ).toBe('waived');
    expect(
      evaluateControl({
        control,
        entity,
        waiver,
        lookup: lookupOf({ 'github.approvals': 3, 'github.archived': false }),
      }).status,
    ).toBe('pass');
    const expired = { ...waiver, expiresAt: '2000-01-01T00:00:00.000Z' };
    expect(
      evaluateControl({
        control,
        entity,
        waiver: expired,
        lookup: lookupOf({ 'github.approvals': 0, 'github.archived': false }),
      }).status,
    ).toBe('fail');
  });

  it('uses the messages of the control when given', () => {
    const [withMessages] = buildControls({
      builtin: [{ ...def, messages: { fail: 'No approvals' } }],
      modules: [],
      config: [],
    });
    expect(
      evaluateControl({
        control: withMessages,
        entity,
        lookup: lookupOf({ 'github.approvals': 0, 'github.archived': false }),
      }).reason,
    ).toBe('No approvals');
  });

  it('reads entity pseudo-facts', () => {
    const [byTag] = buildControls({
      builtin: [
        {
          ...def,
          id: 'T',
          rule: {
            pass: { fact: 'entity.tags', operator: 'contains', value: 'pci' },
          },
        },
      ],
      modules: [],
      config: [],
    });
    expect(
      evaluateControl({ control: byTag, entity, lookup: lookupOf({}) }).status,
    ).toBe('pass');
  });
});

describe('isApplicable', () => {
  it.each([
    [{ kinds: ['Component'] }, true],
    [{ kinds: ['api'] }, false],
    [{ lifecycles: ['production'], types: ['service'] }, true],
    [{ lifecycles: ['experimental'] }, false],
    [{ tags: ['pci', 'sox'] }, true],
    [{ tags: ['sox'] }, false],
    [{ excludeTags: ['pci'] }, false],
    [{ annotations: ['github.com/project-slug'] }, true],
    [{ annotations: ['pagerduty.com/service-id'] }, false],
  ])('%j → %s', (applicability, expected) => {
    expect(isApplicable(applicability, entity)).toBe(expected);
  });
});
