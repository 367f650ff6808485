import type { JsonValue } from 'backstage-plugin-compliance-common';
import type { EvaluationFact } from './rules';

/** Where a predicted fact says it came from, in the evidence of a result. */
export const PREDICTED_SOURCE = 'predicted: what the template will apply';

/**
 * Predicted facts (for example from a GitHub baseline a template applies)
 * as evaluation facts: known, marked as predicted in their evidence. A fact
 * that was observed is never replaced by a prediction; `entity.*` facts come
 * from the entity only; the first prediction of an id wins. Pure.
 */
export function predictedEvaluationFacts(
  observed: ReadonlyArray<{ factId: string }>,
  predicted: ReadonlyArray<{ factId: string; value: JsonValue }>,
): EvaluationFact[] {
  const taken = new Set(observed.map(f => f.factId));
  const out: EvaluationFact[] = [];
  for (const p of predicted) {
    if (p.factId.startsWith('entity.') || taken.has(p.factId)) continue;
    taken.add(p.factId);
    out.push({
      factId: p.factId,
      known: true,
      value: p.value,
      message: 'Predicted from the settings the template will apply',
      evidence: { source: PREDICTED_SOURCE },
    });
  }
  return out;
}
