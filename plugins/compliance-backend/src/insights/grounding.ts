import type {
  InsightClaim,
  InsightDraft,
} from 'backstage-plugin-compliance-common';
import { insightDraftSchema } from 'backstage-plugin-compliance-common';
import { citableIds, InsightInput, isRiskStatus } from './input';

/** The outcome of validating a draft against its input. */
export type GroundingResult =
  | { ok: true; draft: InsightDraft }
  | { ok: false; problems: string[] };

/** Standalone numbers in a text (not parts of identifiers like GH-01 or p95). */
const NUMBER = /(?<![\w.:/-])\d+(?:\.\d+)?(?![\w-]|\.\d)/g;

function numbersIn(text: string): number[] {
  return [...text.matchAll(NUMBER)].map(m => Number(m[0]));
}

/** Phrases that claim health; contradicted while any control fails. */
const HEALTH_CLAIM =
  /\b(fully compliant|all controls (?:are )?pass(?:ing)?|no (?:open )?risks?|nothing (?:left )?to fix)\b/i;

/**
 * Validates a model's insight against the input it was generated from:
 *
 * - the shape (the shared zod schema);
 * - every cited id exists in the input;
 * - risks and remediation steps are about controls that are not passing
 *   (never a passing, waived or not-applicable control), and a risk's text
 *   names no such control;
 * - every number a claim states is a value of the facts or controls it
 *   cites (or appears in their trusted text);
 * - no claim calls the entity healthy while a control fails.
 *
 * Pure; the same check runs on the rules fallback in tests.
 */
export function validateGrounding(
  output: unknown,
  input: InsightInput,
): GroundingResult {
  const parsed = insightDraftSchema.safeParse(output);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        i => `schema: ${i.path.join('.') || 'answer'}: ${i.message}`,
      ),
    };
  }
  const draft = parsed.data;
  const problems: string[] = [];
  const known = citableIds(input);
  const controls = new Map(input.controls.map(c => [c.id, c]));
  const facts = new Map(input.facts.map(f => [f.id, f]));
  const failing = input.controls.some(c => c.status === 'fail');

  const allowedNumbers = (cites: string[]) => {
    const values: number[] = [];
    const texts: string[] = [];
    for (const id of cites) {
      const f = facts.get(id);
      if (f) {
        if (typeof f.value === 'number') values.push(f.value);
        if (typeof f.value === 'string') texts.push(f.value);
      }
      const c = controls.get(id);
      if (c) {
        values.push(c.weight, c.expectedScoreGain);
        texts.push(c.title, c.remediation ?? '');
      }
    }
    for (const t of texts) values.push(...numbersIn(t));
    return values;
  };

  const checkClaim = (where: string, claim: InsightClaim) => {
    for (const id of claim.cites) {
      if (!known.has(id)) problems.push(`${where} cites unknown id ${id}`);
    }
    const allowed = allowedNumbers(claim.cites);
    for (const n of numbersIn(claim.text)) {
      const supported = allowed.some(
        v => Math.abs(Math.abs(v) - n) <= Math.max(0.5, Math.abs(v) * 0.01),
      );
      if (!supported) {
        problems.push(
          `${where} states ${n}, which none of its cited facts holds`,
        );
      }
    }
    if (failing && HEALTH_CLAIM.test(claim.text)) {
      problems.push(`${where} calls the entity healthy while controls fail`);
    }
  };
  const checkRiskControl = (where: string, id: string) => {
    const c = controls.get(id);
    if (!c) {
      problems.push(`${where} is about unknown control ${id}`);
    } else if (!isRiskStatus(c.status)) {
      problems.push(`${where} names control ${id}, which is ${c.status}`);
    }
  };
  const namedControls = (text: string) =>
    input.controls.filter(c => text.includes(c.id)).map(c => c.id);

  checkClaim('summary', draft.summary);
  draft.risks.forEach((r, i) => {
    const where = `risks[${i}]`;
    checkClaim(where, r);
    checkRiskControl(where, r.controlId);
    for (const id of r.cites) {
      if (controls.has(id)) checkRiskControl(`${where} citation`, id);
    }
    for (const id of namedControls(r.text)) checkRiskControl(where, id);
  });
  draft.steps.forEach((s, i) => {
    const where = `steps[${i}]`;
    checkClaim(where, s);
    checkRiskControl(where, s.controlId);
  });
  const unique = (ids: string[], what: string) => {
    if (new Set(ids).size !== ids.length) problems.push(`${what} repeat`);
  };
  unique(
    draft.risks.map(r => r.controlId),
    'risks',
  );
  unique(
    draft.steps.map(s => s.controlId),
    'steps',
  );
  draft.ciCauses.forEach((c, i) => checkClaim(`ciCauses[${i}]`, c));
  checkClaim('trend', draft.trend);

  return problems.length ? { ok: false, problems } : { ok: true, draft };
}
