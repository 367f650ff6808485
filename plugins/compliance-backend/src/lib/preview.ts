import type { Entity } from '@backstage/catalog-model';
import type {
  EvaluationPreview,
  JsonValue,
} from 'backstage-plugin-compliance-common';
import type { CollectedFact } from 'backstage-plugin-compliance-node';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { evaluateEntity } from './evaluateEntity';
import { predictedEvaluationFacts } from './predictedFacts';
import { toSnapshot } from './snapshot';

/**
 * The evaluation of a proposed entity that is stored nowhere: the facts
 * observed for it now, plus what a template will apply (say a GitHub
 * baseline), known and marked as predicted; observed facts win. Nothing is
 * waived and nothing came before. Pure.
 */
export function previewEvaluation(options: {
  entity: Entity;
  observed: ReadonlyArray<CollectedFact>;
  predictedFacts: ReadonlyArray<{ factId: string; value: JsonValue }>;
  catalogue: ControlCatalogue;
  now: Date;
}): EvaluationPreview {
  const { observed, predictedFacts, catalogue, now } = options;
  const snapshot = toSnapshot(options.entity);
  const evaluation = evaluateEntity({
    entity: snapshot,
    facts: [
      ...observed.map(f => ({
        factId: f.factId,
        known: !f.unknownReason,
        value: f.value ?? null,
        ...(f.unknownReason ? { unknownReason: f.unknownReason } : {}),
        ...(f.evidence ? { evidence: f.evidence } : {}),
        observedAt: now.toISOString(),
      })),
      ...predictedEvaluationFacts(observed, predictedFacts),
    ],
    previous: [],
    waivers: [],
    catalogue,
    now,
  });
  const { total, categories, frameworks, level, nextLevel } =
    evaluation.summary;
  return {
    entityRef: snapshot.entityRef,
    ...total,
    level,
    ...(nextLevel ? { nextLevel } : {}),
    categories,
    frameworks,
    results: evaluation.results.flatMap(r => {
      const control = catalogue.get(r.controlId);
      return control ? [{ ...r, control }] : [];
    }),
    ...(predictedFacts.length > 0
      ? { predictedFacts: predictedFacts.map(f => f.factId) }
      : {}),
  };
}
