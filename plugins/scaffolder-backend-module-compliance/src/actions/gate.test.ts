import type { ComplianceStatus } from 'backstage-plugin-compliance-common';
import { preview, result } from '../__testUtils__/evaluation';
import { applyGate, describeFailure, type GateOptions } from './gate';

const levels = ['bronze', 'silver', 'gold'];
const options: GateOptions = { levels, failOnStatus: ['fail'] };

describe('applyGate', () => {
  describe('required controls', () => {
    it.each<[ComplianceStatus, boolean]>([
      ['pass', true],
      ['waived', true],
      ['not_applicable', true],
      ['warn', false],
      ['fail', false],
      ['unknown', false],
    ])('a required control that is %s passes: %s', (status, passed) => {
      const outcome = applyGate(preview([result('CAT-01', status)]), {
        ...options,
        requiredControls: ['CAT-01'],
      });
      expect(outcome.passed).toBe(passed);
      expect(outcome.blocking.map(b => b.status)).toEqual(
        passed ? [] : [status],
      );
    });

    it('blocks a required control the evaluation does not know', () => {
      const outcome = applyGate(preview([]), {
        ...options,
        requiredControls: ['GH-01'],
      });
      expect(outcome.blocking).toEqual([
        {
          controlId: 'GH-01',
          title: 'GH-01',
          status: 'missing',
          reason: 'The control is not part of the evaluation',
        },
      ]);
    });

    it('ignores failOnStatus when required controls are given', () => {
      const outcome = applyGate(
        preview([
          result('CAT-01', 'pass'),
          result('CAT-02', 'fail', { severity: 'critical' }),
        ]),
        { ...options, requiredControls: ['CAT-01'] },
      );
      expect(outcome.passed).toBe(true);
    });
  });

  describe('severe controls', () => {
    it('blocks critical and high controls whose status is in failOnStatus', () => {
      const results = [
        result('A', 'fail', { severity: 'critical' }),
        result('B', 'warn', { severity: 'high' }),
        result('C', 'fail', { severity: 'medium' }),
        result('D', 'fail', { severity: 'low' }),
        result('E', 'waived', { severity: 'critical' }),
      ];
      const ids = (failOnStatus: string[]) =>
        applyGate(preview(results), {
          ...options,
          failOnStatus,
        }).blocking.map(b => b.controlId);

      expect(ids(['fail'])).toEqual(['A']);
      expect(ids(['fail', 'warn'])).toEqual(['A', 'B']);
      expect(ids([])).toEqual([]);
    });
  });

  describe('minimum level', () => {
    const gate = (level: string | null, minimumLevel: string) =>
      applyGate(
        preview([], { level: level ? { id: level, title: level } : null }),
        { ...options, minimumLevel },
      );

    it.each([
      ['bronze', 'bronze'],
      ['silver', 'bronze'],
      ['gold', 'silver'],
    ])('level %s meets the minimum level %s', (level, minimumLevel) => {
      expect(gate(level, minimumLevel)).toEqual({
        passed: true,
        levelProblem: undefined,
        blocking: [],
      });
    });

    it('blocks on the controls the next level misses when the level is lower', () => {
      const outcome = gate('silver', 'gold');
      expect(outcome.passed).toBe(false);
      expect(outcome.levelProblem).toBe(
        'level silver is below the minimum level gold',
      );
      expect(outcome.blocking).toEqual([
        expect.objectContaining({
          controlId: 'CAT-05',
          status: 'missing',
          reason: 'Required for level gold',
        }),
      ]);
    });

    it('fails when the entity reaches no level', () => {
      expect(gate(null, 'bronze').levelProblem).toBe(
        'level none is below the minimum level bronze',
      );
    });

    it('follows the given order of the levels, not their names', () => {
      const outcome = applyGate(
        preview([], { level: { id: 'platinum', title: 'Platinum' } }),
        {
          ...options,
          levels: ['bronze', 'silver', 'gold', 'platinum'],
          minimumLevel: 'gold',
        },
      );
      expect(outcome.passed).toBe(true);
    });

    it('names the configured levels when the minimum level is not one of them', () => {
      expect(gate('gold', 'golden').levelProblem).toBe(
        'the minimum level golden is not a configured level (bronze, silver, gold)',
      );
      expect(
        applyGate(preview([], { level: null }), {
          ...options,
          levels: [],
          minimumLevel: 'gold',
        }).levelProblem,
      ).toBe(
        'the minimum level gold is not a configured level (none configured)',
      );
    });

    it('does not list a missing control twice', () => {
      const outcome = applyGate(preview([result('CAT-05', 'fail')]), {
        ...options,
        minimumLevel: 'gold',
        requiredControls: ['CAT-05'],
      });
      expect(outcome.blocking.map(b => b.controlId)).toEqual(['CAT-05']);
      expect(outcome.blocking[0].reason).toBe('CAT-05 is fail');
    });
  });
});

describe('describeFailure', () => {
  it('lists the level problem and every blocking control with its remediation', () => {
    expect(
      describeFailure('component:default/payments-api', {
        passed: false,
        levelProblem: 'level none is below the minimum level bronze',
        blocking: [
          {
            controlId: 'CAT-01',
            title: 'Owner set',
            status: 'fail',
            reason: 'No owner',
            remediation: 'Set spec.owner https://example.com/fix',
          },
          {
            controlId: 'CAT-02',
            title: 'Lifecycle',
            status: 'warn',
            reason: '',
          },
        ],
      }),
    ).toBe(
      [
        'Compliance gate failed for component:default/payments-api',
        '- level none is below the minimum level bronze',
        '- CAT-01 Owner set (fail): No owner. Remediation: Set spec.owner https://example.com/fix',
        '- CAT-02 Lifecycle (warn): no reason given.',
      ].join('\n'),
    );
  });
});
