import { ConfigReader } from '@backstage/config';
import type {
  ComplianceLevel,
  Control,
  ControlDefinition,
  JsonValue,
} from 'backstage-plugin-compliance-common';
// The property test runs the backend's real rule evaluation over the
// predicted facts (a dev dependency; the module never imports it at runtime).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import {
  entityFacts,
  evaluateControl,
  type EntitySnapshot,
} from 'backstage-plugin-compliance-backend/src/lib/evaluate';
import { GITHUB_COMPLIANCE_DEFAULTS } from '../config';
import { createGithubControls } from '../controls';
import { readGithubBaselineConfig } from './config';
import { deriveGithubBaseline, isGithubControl } from './deriveBaseline';
import { predictGithubFacts } from './predictFacts';
import type { GithubBaseline, GithubBaselineConfig } from './types';

const controls = createGithubControls({
  ...GITHUB_COMPLIANCE_DEFAULTS.thresholds,
});
const ids = controls.map(c => c.id);

/** The example app's levels: every GitHub control required somewhere. */
const LEVELS: ComplianceLevel[] = [
  {
    id: 'bronze',
    title: 'Bronze',
    requiredControls: ['GH-SCM-01', 'GH-BP-01', 'GH-BP-02', 'GH-BP-03'],
  },
  {
    id: 'silver',
    title: 'Silver',
    requiredControls: [
      'GH-BP-04',
      'GH-BP-07',
      'GH-SCM-05',
      'GH-SCM-06',
      'GH-SEC-01',
      'GH-SEC-02',
      'GH-SEC-04',
      'GH-SEC-09',
    ],
  },
  {
    id: 'gold',
    title: 'Gold',
    requiredControls: ids.filter(
      id =>
        ![
          'GH-SCM-01',
          'GH-BP-01',
          'GH-BP-02',
          'GH-BP-03',
          'GH-BP-04',
          'GH-BP-07',
          'GH-SCM-05',
          'GH-SCM-06',
          'GH-SEC-01',
          'GH-SEC-02',
          'GH-SEC-04',
          'GH-SEC-09',
        ].includes(id),
    ),
  },
];

const CONFIG: GithubBaselineConfig = {
  rulesetName: 'compliance-baseline',
  requiredStatusChecks: ['build'],
  levels: {},
};

const entity: EntitySnapshot = {
  entityRef: 'component:default/payments',
  kind: 'Component',
  namespace: 'default',
  name: 'payments',
  type: 'service',
  lifecycle: 'production',
  owner: 'group:default/team-a',
  tags: [],
  annotations: {},
};

function asControl(c: ControlDefinition): Control {
  return { ...c, weight: 1, version: 'v1', source: 'module', facts: [] };
}

/** The real evaluation of each control over the predicted facts. */
function evaluate(
  defs: ControlDefinition[],
  predicted: Map<string, JsonValue>,
): Map<string, string> {
  const facts = entityFacts(entity);
  for (const [factId, value] of predicted) {
    facts.set(factId, { factId, known: true, value });
  }
  const lookup = (id: string) => facts.get(id);
  return new Map(
    defs.map(c => [
      c.id,
      evaluateControl({ control: asControl(c), entity, lookup }).status,
    ]),
  );
}

/** Covered ⇔ the real evaluation passes (or does not apply). */
function expectHonest(
  baseline: GithubBaseline,
  defs: ControlDefinition[],
  repository = { isNew: true, visibility: 'private' as const },
) {
  const statuses = evaluate(defs, predictGithubFacts(baseline, repository));
  for (const c of baseline.controls) {
    const status = statuses.get(c.controlId);
    const met = status === 'pass' || status === 'not_applicable';
    if (met !== c.covered) {
      throw new Error(
        `${baseline.level}: ${c.controlId} covered=${c.covered} but evaluates ${status} (${c.reason})`,
      );
    }
    if (!c.covered) expect(c.reason).toEqual(expect.any(String));
  }
}

/** A small deterministic generator (no random seeds in CI). */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('deriveGithubBaseline', () => {
  it('derives each level from the controls the level and those below require', () => {
    const bronze = deriveGithubBaseline({
      controls,
      levels: LEVELS,
      level: 'bronze',
      config: CONFIG,
      repository: { isNew: true },
    });
    expect(bronze.levels).toEqual(['bronze']);
    expect(bronze.ruleset).toMatchObject({
      blockForcePushes: true,
      blockDeletions: true,
      requirePullRequest: false,
    });
    expect(bronze.security.secretScanning).toBe(false);
    expect(bronze.controls.every(c => c.covered)).toBe(true);

    const gold = deriveGithubBaseline({
      controls,
      levels: LEVELS,
      level: 'gold',
      config: CONFIG,
      repository: { isNew: true, visibility: 'private' },
    });
    expect(gold.levels).toEqual(['bronze', 'silver', 'gold']);
    expect(gold.ruleset).toEqual({
      name: 'compliance-baseline',
      requirePullRequest: true,
      requiredApprovals: 2,
      requireCodeOwnerReview: true,
      dismissStaleReviews: true,
      requiredStatusChecks: ['build'],
      strictStatusChecks: true,
      blockForcePushes: true,
      blockDeletions: true,
      requireSignatures: true,
      bypassActors: [],
    });
    expect(gold.security).toEqual({
      secretScanning: true,
      pushProtection: true,
      dependabotAlerts: true,
      dependabotSecurityUpdates: true,
      codeScanningDefaultSetup: true,
    });
    expect(gold.workflowPermissions).toEqual({
      defaultWorkflowPermissions: 'read',
      canApprovePullRequestReviews: false,
    });
    expect(gold.files).toEqual({
      codeowners: true,
      securityPolicy: true,
      dependabotConfig: true,
    });
    // Gold needs every GitHub control; CI and a public license are not
    // settings.
    expect(gold.controls).toHaveLength(35);
    expect(gold.controls.filter(c => !c.covered).map(c => c.controlId)).toEqual(
      ['GH-CI-01', 'GH-CI-02', 'GH-CI-06', 'GH-CI-07'],
    );
    expect(gold.controls.find(c => c.controlId === 'GH-CI-01')?.reason).toMatch(
      /workflow runs/,
    );
  });

  it('follows a changed threshold', () => {
    const stricter = controls.map(c =>
      c.id === 'GH-BP-05'
        ? {
            ...c,
            rule: {
              pass: {
                fact: 'github.defaultBranch.requiredApprovals',
                operator: 'greaterThanInclusive' as const,
                value: 3,
              },
            },
          }
        : c,
    );
    const gold = deriveGithubBaseline({
      controls: stricter,
      levels: LEVELS,
      level: 'gold',
      config: CONFIG,
    });
    expect(gold.ruleset?.requiredApprovals).toBe(3);
  });

  it('names what it cannot satisfy and why', () => {
    const gold = deriveGithubBaseline({
      controls,
      levels: LEVELS,
      level: 'gold',
      config: { ...CONFIG, requiredStatusChecks: [] },
      repository: { isNew: false },
    });
    const open = Object.fromEntries(
      gold.controls.filter(c => !c.covered).map(c => [c.controlId, c.reason]),
    );
    expect(open['GH-BP-08']).toMatch(/requiredStatusChecks/);
    expect(open['GH-SCM-02']).toMatch(/visibility/);
    // An existing repository's alerts and history are not predicted.
    expect(open['GH-SEC-03']).toMatch(/open alerts/);
    expect(open['GH-CR-01']).toMatch(/pull requests/);
  });

  it('applies per-level overrides from app-config, and reports what they undo', () => {
    const config = readGithubBaselineConfig(
      new ConfigReader({
        compliance: {
          github: {
            baseline: {
              requiredStatusChecks: ['build', 'test'],
              levels: {
                gold: {
                  requiredApprovals: 1,
                  bypassActors: [{ actorId: 5, actorType: 'Team' }],
                  dependabotSecurityUpdates: false,
                },
              },
            },
          },
        },
      }),
    );
    const gold = deriveGithubBaseline({
      controls,
      levels: LEVELS,
      level: 'gold',
      config,
      repository: { isNew: true, visibility: 'private' },
    });
    expect(gold.ruleset?.requiredStatusChecks).toEqual(['build', 'test']);
    expect(gold.ruleset?.bypassActors).toEqual([
      { actorId: 5, actorType: 'Team', bypassMode: 'always' },
    ]);
    expect(gold.security.dependabotSecurityUpdates).toBe(false);
    const open = gold.controls.filter(c => !c.covered);
    expect(open.map(c => c.controlId)).toEqual([
      'GH-BP-05',
      'GH-BP-09',
      'GH-CI-01',
      'GH-CI-02',
      'GH-CI-06',
      'GH-CI-07',
    ]);
    expect(open[0].reason).toMatch(/overridden.*requiredApprovals/);
    expectHonest(gold, controls);
  });

  it('rejects bad overrides with the config key', () => {
    const read = (levels: unknown) =>
      readGithubBaselineConfig(
        new ConfigReader({
          compliance: { github: { baseline: { levels } } },
        } as any),
      );
    expect(() => read({ gold: { requiredApprovals: 11 } })).toThrow(
      /compliance\.github\.baseline\.levels\.gold\.requiredApprovals/,
    );
    expect(() =>
      read({ gold: { bypassActors: [{ actorType: 'Everyone' }] } }),
    ).toThrow(/bypassActors\[0\]\.actorType/);
    expect(() =>
      read({ gold: { requiredStatusChecks: ['ok', 'bad\nname'] } }),
    ).toThrow(/invalid status check name/);
    expect(() =>
      deriveGithubBaseline({ controls, levels: LEVELS, level: 'platinum' }),
    ).toThrow(
      /Unknown level "platinum"; configured levels: bronze, silver, gold/,
    );
  });

  it('property: for every level of any level configuration, the baseline makes exactly the controls it claims pass, through the real rule evaluation', () => {
    const github = controls.filter(c => isGithubControl(c));
    const next = prng(14);
    for (let run = 0; run < 200; run++) {
      // Random levels over the catalogue, random thresholds and check lists.
      const approvals = 1 + Math.floor(next() * 6);
      const checks = Math.floor(next() * 3);
      const defs = github.map(c =>
        c.id === 'GH-BP-05'
          ? {
              ...c,
              rule: {
                ...c.rule,
                pass: {
                  fact: 'github.defaultBranch.requiredApprovals',
                  operator: 'greaterThanInclusive' as const,
                  value: approvals,
                },
              },
            }
          : c,
      );
      const levelCount = 1 + Math.floor(next() * 4);
      const levels: ComplianceLevel[] = Array.from(
        { length: levelCount },
        (_, i) => ({
          id: `l${i}`,
          title: `L${i}`,
          requiredControls: defs.filter(() => next() < 0.3).map(c => c.id),
        }),
      );
      const config: GithubBaselineConfig = {
        rulesetName: 'compliance-baseline',
        requiredStatusChecks: ['build', 'test', 'lint'].slice(0, checks),
        levels:
          next() < 0.3
            ? { [levels[levelCount - 1].id]: { requiredApprovals: 1 } }
            : {},
      };
      const isNew = next() < 0.7;
      for (const level of levels) {
        const baseline = deriveGithubBaseline({
          controls: defs,
          levels,
          level: level.id,
          config,
          repository: { isNew, visibility: 'private' },
        });
        expectHonest(baseline, defs, { isNew, visibility: 'private' });
        // Every required GitHub control of the level and below is listed.
        const wanted = new Set(
          levels
            .slice(0, levels.indexOf(level) + 1)
            .flatMap(l => l.requiredControls),
        );
        expect(new Set(baseline.controls.map(c => c.controlId))).toEqual(
          wanted,
        );
      }
    }
  });

  it('for the example levels, an empty new repository with the baseline passes every control the baseline covers', () => {
    for (const level of LEVELS) {
      const baseline = deriveGithubBaseline({
        controls,
        levels: LEVELS,
        level: level.id,
        config: CONFIG,
        repository: { isNew: true, visibility: 'private' },
      });
      expectHonest(baseline, controls);
      expect(baseline.controls.length).toBeGreaterThan(0);
    }
  });
});
