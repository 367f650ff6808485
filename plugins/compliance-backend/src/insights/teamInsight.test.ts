import {
  teamInsightResponseSchema,
  type ComplianceStatus,
  type Insight,
} from 'backstage-plugin-compliance-common';
import { buildTeamInsight, TeamControl, TeamEntity } from './teamInsight';

const CONTROLS: Record<string, TeamControl> = {
  'GH-SCM-01': {
    title: 'Default branch is protected',
    severity: 'critical',
    weight: 10,
  },
  'GH-SCM-05': {
    title: 'Secret scanning is enabled',
    severity: 'critical',
    weight: 10,
  },
  'CAT-01': {
    title: 'Has an owner that exists',
    severity: 'high',
    weight: 7.5,
  },
  'CAT-04': { title: 'Has a description', severity: 'low', weight: 2.5 },
  'CAT-06': { title: 'Has on-call routing', severity: 'medium', weight: 5 },
};
const controls = (id: string) => CONTROLS[id];
const results = (statuses: Record<string, ComplianceStatus>) =>
  Object.keys(CONTROLS).map(controlId => ({
    controlId,
    status: statuses[controlId] ?? ('pass' as const),
  }));

/** A model insight written when CAT-04 still failed. */
const staleModelInsight = {
  risks: [
    { text: 'Unprotected.', controlId: 'GH-SCM-01', cites: ['GH-SCM-01'] },
    { text: 'No description.', controlId: 'CAT-04', cites: ['CAT-04'] },
  ],
} as Insight;

const entities: TeamEntity[] = [
  {
    entityRef: 'component:default/a',
    score: 60,
    coverage: 1,
    nextLevel: { id: 'silver', missingControls: ['GH-SCM-01'] },
    results: results({ 'GH-SCM-01': 'fail' }),
    insight: staleModelInsight,
  },
  {
    entityRef: 'component:default/b',
    score: 40,
    coverage: 0.8,
    nextLevel: { id: 'bronze', missingControls: ['GH-SCM-01', 'CAT-01'] },
    results: results({
      'GH-SCM-01': 'fail',
      'CAT-01': 'warn',
      'GH-SCM-05': 'unknown',
    }),
  },
  {
    entityRef: 'component:default/c',
    score: null,
    coverage: 0.5,
    nextLevel: { id: 'bronze', missingControls: ['CAT-06'], minCoverage: 0.9 },
    results: results({ 'GH-SCM-05': 'waived', 'CAT-06': 'unknown' }),
  },
];

const build = (list: TeamEntity[]) =>
  buildTeamInsight({
    owner: 'group:default/platform',
    groupCount: 3,
    entities: list,
    truncated: false,
    controls,
    now: new Date('2026-12-01T10:00:00Z'),
  });

describe('buildTeamInsight', () => {
  const insight = build(entities);

  it('ranks risks from the entity insights, kept only while they still fail or warn', () => {
    expect(teamInsightResponseSchema.parse(insight)).toEqual(insight);
    expect(
      insight.risks.map(r => [r.controlId, r.entities, r.entityRefs]),
    ).toEqual([
      ['GH-SCM-01', 2, ['component:default/a', 'component:default/b']],
      ['CAT-01', 1, ['component:default/b']],
    ]);
    // Passing now (CAT-04), unknown (GH-SCM-05) and waived: never a risk.
    expect(insight.sources).toEqual({ model: 1, rules: 2 });
    expect(insight.averageScore).toBe(50);
  });

  it('computes the controls that lift entities to the next level', () => {
    expect(insight.lifts.map(l => [l.controlId, l.lifts, l.blocks])).toEqual([
      ['GH-SCM-01', 1, 2],
      // CAT-06 alone is missing for c, but c lacks the level's coverage.
      ['CAT-01', 0, 1],
      ['CAT-06', 0, 1],
    ]);
    expect(insight.lifts[0].text).toBe(
      'Passing Default branch is protected would move 1 entity to the next level; 2 need it.',
    );
  });

  it('grounds every claim: cites known controls or team figures, states only its figures', () => {
    const claims = [insight.summary, ...insight.risks, ...insight.lifts];
    const figures = new Set(
      [
        insight.entityCount,
        insight.groupCount - 1,
        insight.averageScore,
        ...insight.risks.map(r => r.entities),
        ...insight.lifts.flatMap(l => [l.lifts, l.blocks]),
      ].map(String),
    );
    for (const claim of claims) {
      for (const id of claim.cites) {
        expect(id in CONTROLS || id.startsWith('team.')).toBe(true);
      }
      const numbers =
        claim.text.match(/(?<![\w-])\d+(?:\.\d+)?(?![\w-])/g) ?? [];
      for (const n of numbers) expect(figures).toContain(n);
    }
    expect(insight.summary.text).toBe(
      '3 entities owned by group:default/platform and 2 subgroups, average score 50. The most common risk is Default branch is protected (2).',
    );
  });

  it('says so when the caller may read none of the entities', () => {
    const empty = build([]);
    expect(empty).toMatchObject({
      entityCount: 0,
      averageScore: null,
      risks: [],
      lifts: [],
      sources: { model: 0, rules: 0 },
    });
    expect(empty.summary.cites).toEqual(['team.entityCount']);
  });
});
