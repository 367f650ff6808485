import {
  insightDraftSchema,
  type Insight,
  type InsightDraft,
} from 'backstage-plugin-compliance-common';
import { validateGrounding } from './grounding';
import type { InsightInput } from './input';
import { extractJson } from './prompt';

/*
 * How good an insight is, for `yarn bench:insights`: whether a model answer
 * is valid JSON of the schema and grounded in its input, and whether an
 * insight covers the key findings of a fixture without presenting forbidden
 * controls as risks. Pure.
 */

/** The verdict on one model answer. */
export interface AnswerScore {
  /** Parsed as JSON and matched the insight draft schema. */
  schemaValid: boolean;
  /** Passed every grounding check (ids exist, statuses, numbers). */
  grounded: boolean;
  problems: string[];
}

/** Scores a raw model answer against the input it was generated from. */
export function scoreAnswer(text: string, input: InsightInput): AnswerScore {
  const json = extractJson(text);
  if (json === undefined) {
    return { schemaValid: false, grounded: false, problems: ['not JSON'] };
  }
  const schema = insightDraftSchema.safeParse(json);
  if (!schema.success) {
    return {
      schemaValid: false,
      grounded: false,
      problems: schema.error.issues.map(i => `schema: ${i.path.join('.')}`),
    };
  }
  const grounding = validateGrounding(json, input);
  return {
    schemaValid: true,
    grounded: grounding.ok,
    problems: grounding.ok ? [] : grounding.problems,
  };
}

/** The key findings of a fixture an insight covers. */
export interface FindingsScore {
  /** Share of the must-cite ids cited somewhere (1 when none are expected). */
  recall: number;
  missing: string[];
  /** Controls presented as risks or steps although they must not be. */
  forbidden: string[];
}

/** Scores an insight (or draft) against a fixture's expected findings. */
export function scoreFindings(
  insight: Pick<
    InsightDraft,
    'summary' | 'risks' | 'steps' | 'ciCauses' | 'trend'
  >,
  expected: { mustCite: string[]; mustNotRisk: string[] },
): FindingsScore {
  const claims = [
    insight.summary,
    insight.trend,
    ...insight.risks,
    ...insight.steps,
    ...insight.ciCauses,
  ];
  const cited = new Set(claims.flatMap(c => c.cites));
  const missing = expected.mustCite.filter(id => !cited.has(id));
  const forbidden = [
    ...new Set(
      [...insight.risks, ...insight.steps]
        .map(r => r.controlId)
        .filter(id => expected.mustNotRisk.includes(id)),
    ),
  ];
  const total = expected.mustCite.length;
  return {
    recall: total === 0 ? 1 : (total - missing.length) / total,
    missing,
    forbidden,
  };
}

/** The draft part of a stored insight (what a model would have returned). */
export function draftOf(insight: Insight): InsightDraft {
  return {
    summary: insight.summary,
    risks: insight.risks,
    steps: insight.steps.map(({ expectedScoreGain: _gain, ...step }) => step),
    ciCauses: insight.ciCauses,
    trend: insight.trend,
  };
}
