import type {
  ComplianceStatus,
  Insight,
  TeamInsightResponse,
} from 'backstage-plugin-compliance-common';

/** One entity of a team, as the team insight reads it. */
export interface TeamEntity {
  entityRef: string;
  score: number | null;
  coverage: number;
  /** The engine's next level and the controls it still needs. */
  nextLevel?: { id: string; missingControls: string[]; minCoverage?: number };
  /** The entity's current results. */
  results: Array<{ controlId: string; status: ComplianceStatus }>;
  /** The entity's stored model insight, when one was generated. */
  insight?: Insight;
}

/** What the team insight needs to know about a control. */
export interface TeamControl {
  title: string;
  severity: string;
  weight: number;
}

/** Risks an entity contributes, at most (as an entity insight lists). */
const RISKS_PER_ENTITY = 5;
const TOP = 5;
const REFS = 10;
/** Statuses that make a control a team risk: real findings, not gaps. */
const RISK_STATUSES: ComplianceStatus[] = ['fail', 'warn'];

/**
 * The controls an entity's insight presents as risks, kept only while they
 * still fail or warn: the model insight's risks when there is one, else the
 * rules insight's choice (the heaviest fails and warns).
 */
function entityRisks(
  e: TeamEntity,
  controls: (id: string) => TeamControl | undefined,
): string[] {
  const status = new Map(e.results.map(r => [r.controlId, r.status]));
  const risky = (id: string) =>
    RISK_STATUSES.includes(status.get(id)!) && controls(id) !== undefined;
  if (e.insight) {
    return [...new Set(e.insight.risks.map(r => r.controlId))].filter(risky);
  }
  return e.results
    .filter(r => risky(r.controlId))
    .sort(
      (a, b) =>
        controls(b.controlId)!.weight - controls(a.controlId)!.weight ||
        a.controlId.localeCompare(b.controlId),
    )
    .slice(0, RISKS_PER_ENTITY)
    .map(r => r.controlId);
}

const entitiesText = (n: number) => `${n} ${n === 1 ? 'entity' : 'entities'}`;
const groupsText = (n: number) => `${n} ${n === 1 ? 'subgroup' : 'subgroups'}`;

/**
 * Builds the short insight of an owner group from its entities' insights
 * and the engine's figures. Pure and deterministic:
 *
 * - top risks: controls the entity insights present as risks (still
 *   failing or warning today), ranked by the severity weight summed over
 *   the entities, then by how many entities;
 * - lifts: controls whose passing would move entities to their next level,
 *   computed from each entity's missing controls (an entity is lifted when
 *   the control is the only one missing and its coverage meets the level's
 *   minimum), ranked by entities lifted, then by entities that need it.
 *
 * Every claim cites the control ids or `team.*` figures it rests on; every
 * number it states is a figure of the answer.
 */
export function buildTeamInsight(options: {
  owner: string;
  groupCount: number;
  entities: TeamEntity[];
  truncated: boolean;
  controls: (id: string) => TeamControl | undefined;
  now: Date;
}): TeamInsightResponse {
  const { owner, entities, controls } = options;
  const total = entities.length;

  const risks = new Map<string, { weight: number; refs: string[] }>();
  let model = 0;
  for (const e of entities) {
    if (e.insight) model += 1;
    for (const id of entityRisks(e, controls)) {
      const r = risks.get(id) ?? { weight: 0, refs: [] };
      r.weight += controls(id)!.weight;
      r.refs.push(e.entityRef);
      risks.set(id, r);
    }
  }
  const topRisks = [...risks]
    .sort(
      ([a, x], [b, y]) =>
        y.weight - x.weight ||
        y.refs.length - x.refs.length ||
        a.localeCompare(b),
    )
    .slice(0, TOP)
    .map(([controlId, r]) => {
      const c = controls(controlId)!;
      return {
        controlId,
        title: c.title,
        text: `${c.title} (${c.severity}) is a risk for ${
          r.refs.length
        } of ${entitiesText(total)}.`,
        cites: [controlId, 'team.entityCount'],
        entities: r.refs.length,
        entityRefs: r.refs.slice(0, REFS),
      };
    });

  const lifts = new Map<string, { lifted: string[]; blocked: string[] }>();
  for (const e of entities) {
    const missing = [...new Set(e.nextLevel?.missingControls ?? [])];
    const coverageOk =
      e.nextLevel?.minCoverage === undefined ||
      e.coverage >= e.nextLevel.minCoverage;
    for (const id of missing) {
      if (!controls(id)) continue;
      const l = lifts.get(id) ?? { lifted: [], blocked: [] };
      l.blocked.push(e.entityRef);
      if (missing.length === 1 && coverageOk) l.lifted.push(e.entityRef);
      lifts.set(id, l);
    }
  }
  const topLifts = [...lifts]
    .sort(
      ([a, x], [b, y]) =>
        y.lifted.length - x.lifted.length ||
        y.blocked.length - x.blocked.length ||
        a.localeCompare(b),
    )
    .slice(0, TOP)
    .map(([controlId, l]) => {
      const c = controls(controlId)!;
      const text =
        l.lifted.length > 0
          ? `Passing ${c.title} would move ${entitiesText(
              l.lifted.length,
            )} to the next level; ${l.blocked.length} need it.`
          : `${c.title} is needed for the next level by ${entitiesText(
              l.blocked.length,
            )}, along with other controls.`;
      return {
        controlId,
        title: c.title,
        text,
        cites: [controlId],
        lifts: l.lifted.length,
        blocks: l.blocked.length,
        entityRefs: (l.lifted.length ? l.lifted : l.blocked).slice(0, REFS),
      };
    });

  const scored = entities.filter(e => e.score !== null);
  const averageScore = scored.length
    ? Math.round(
        (scored.reduce((sum, e) => sum + (e.score ?? 0), 0) / scored.length) *
          10,
      ) / 10
    : null;
  const summary =
    total === 0
      ? {
          text: `No evaluated entities you may read are owned by ${owner} or the groups below it.`,
          cites: ['team.entityCount'],
        }
      : {
          text: `${entitiesText(total)} owned by ${owner} and ${groupsText(
            Math.max(0, options.groupCount - 1),
          )}${averageScore === null ? '' : `, average score ${averageScore}`}.${
            topRisks[0]
              ? ` The most common risk is ${topRisks[0].title} (${topRisks[0].entities}).`
              : ' No control fails or warns.'
          }`,
          cites: [
            'team.entityCount',
            'team.groupCount',
            'team.averageScore',
            ...(topRisks[0] ? [topRisks[0].controlId] : []),
          ],
        };

  return {
    owner,
    groupCount: options.groupCount,
    entityCount: total,
    truncated: options.truncated,
    averageScore,
    summary,
    risks: topRisks,
    lifts: topLifts,
    sources: { model, rules: total - model },
    generatedAt: options.now.toISOString(),
  };
}
