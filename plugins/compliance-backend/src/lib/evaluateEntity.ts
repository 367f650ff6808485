import type {
  ComplianceLevel,
  Control,
  ControlResult,
  StatusChange,
} from 'backstage-plugin-compliance-common';
import {
  entityFacts,
  evaluateControl,
  EntitySnapshot,
  Waiver,
} from './evaluate';
import { hashOf } from './hash';
import { evidenceHashOf } from './waivers';
import type { EvaluationFact } from './rules';
import { summarizeEntity } from './scoring';

/** The control catalogue as evaluation needs it. */
export interface EvaluationCatalogue {
  controls: Control[];
  levels: ComplianceLevel[];
  /** Hash of the controls and levels: a change re-evaluates every entity. */
  hash: string;
}

/** Everything one entity's evaluation depends on. */
export interface EntityEvaluationInput {
  entity: EntitySnapshot;
  facts: EvaluationFact[];
  /** The stored results of the previous evaluation (empty for a new entity). */
  previous: ControlResult[];
  waivers: Waiver[];
  catalogue: EvaluationCatalogue;
  now: Date;
  /** {@link evaluationInputsHash} of these inputs, when already computed. */
  inputsHash?: string;
}

/** Score data of the entity, as stored beside its results. */
export interface EntityScore {
  score: number | null;
  coverage: number;
  level: string | null;
  counts: ReturnType<typeof summarizeEntity>['total']['counts'];
  summary: {
    knownWeight: number;
    applicableWeight: number;
    categories: ReturnType<typeof summarizeEntity>['categories'];
    frameworks: ReturnType<typeof summarizeEntity>['frameworks'];
    nextLevel?: { id: string; title: string; missingControls: string[] };
  };
}

/** One entity's evaluation: current results, what changed and why, the score. */
export interface EntityEvaluation {
  entityRef: string;
  /** Hash of every input; equal hashes mean an equal evaluation. */
  inputsHash: string;
  /** Every control's current result (unchanged ones keep their stored form). */
  results: ControlResult[];
  /** Results that are new or changed. */
  upsertResults: ControlResult[];
  /** Stored results of controls that no longer exist. */
  deleteResults: string[];
  /** Ledger entries, each with its cause. */
  changes: StatusChange[];
  score: EntityScore;
  summary: ReturnType<typeof summarizeEntity>;
  /**
   * Ids of stored waivers that no longer apply because the evidence they
   * were granted against changed: they are flagged for review.
   */
  waiversToReview: string[];
}

/** The waivers in force for an entity at `now`, by control id. */
export function activeWaivers(
  waivers: Waiver[],
  entityRef: string,
  now: Date,
): Map<string, Waiver> {
  return new Map(
    waivers
      .filter(w => w.entityRef === entityRef)
      .filter(w => !w.expiresAt || new Date(w.expiresAt) > now)
      .map(w => [w.controlId, w]),
  );
}

/**
 * The hash of an entity's evaluation inputs. Evaluation is skipped when it
 * equals the stored one.
 */
export function evaluationInputsHash(
  input: Omit<EntityEvaluationInput, 'previous' | 'inputsHash'>,
): string {
  const waivers = activeWaivers(
    input.waivers,
    input.entity.entityRef,
    input.now,
  );
  return hashOf({
    c: input.catalogue.hash,
    e: input.entity,
    // Everything results show as evidence: a fact state that changed only
    // in its source link or observation is still re-evaluated, so results
    // reference the current state rather than one retention may delete.
    f: input.facts.map(f => [
      f.factId,
      f.known,
      f.value,
      f.unknownReason ?? null,
      f.message ?? null,
      f.observedAt ?? null,
      f.evidence ?? null,
    ]),
    w: [...waivers.values()],
  });
}

/** Whether two results say the same thing (times aside). */
export function sameResult(a: ControlResult, b: ControlResult): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    (a.unknownReason ?? null) === (b.unknownReason ?? null) &&
    a.controlVersion === b.controlVersion &&
    hashOf(a.evidence) === hashOf(b.evidence)
  );
}

function ledgerCause(
  prev: ControlResult | undefined,
  result: ControlResult,
): StatusChange['cause'] {
  if (result.status === 'waived' || prev?.status === 'waived') return 'waiver';
  if (!prev || prev.controlVersion !== result.controlVersion) return 'rule';
  return 'data';
}

/**
 * Evaluates one entity: every control's result, the diff against the
 * previous results, the ledger entries with their causes, and the score.
 * Pure: the stored evaluation and the preview of a proposed entity both
 * call it.
 */
export function evaluateEntity(input: EntityEvaluationInput): EntityEvaluation {
  const { entity, previous, catalogue, now } = input;
  const waivers = activeWaivers(input.waivers, entity.entityRef, now);
  const lookupMap = entityFacts(entity);
  for (const f of input.facts) lookupMap.set(f.factId, f);
  const lookup = (id: string) => lookupMap.get(id);

  const prevById = new Map(previous.map(r => [r.controlId, r]));
  const nowIso = now.toISOString();
  const results: ControlResult[] = [];
  const upsertResults: ControlResult[] = [];
  const changes: StatusChange[] = [];
  const waiversToReview: string[] = [];
  for (const control of catalogue.controls) {
    const waiver = waivers.get(control.id);
    const evaluated = evaluateControl({
      control,
      entity,
      lookup,
      waiver,
      now,
    });
    if (
      waiver?.id &&
      waiver.evidenceHash &&
      evaluated.status !== 'waived' &&
      evaluated.status !== 'not_applicable' &&
      evidenceHashOf(evaluated.evidence) !== waiver.evidenceHash
    ) {
      waiversToReview.push(waiver.id);
    }
    const prev = prevById.get(control.id);
    const result: ControlResult = {
      entityRef: entity.entityRef,
      ...evaluated,
      evaluatedAt: nowIso,
      statusSince:
        prev && prev.status === evaluated.status ? prev.statusSince : nowIso,
    };
    const unchanged = prev !== undefined && sameResult(prev, result);
    results.push(unchanged ? prev : result);
    if (!unchanged) upsertResults.push(result);
    // The first evaluation of an entity records no ledger rows: nothing
    // changed yet. A control added later does get one (cause: rule).
    if (
      (!prev && previous.length > 0) ||
      (prev && prev.status !== result.status)
    ) {
      changes.push({
        entityRef: entity.entityRef,
        controlId: control.id,
        from: prev?.status ?? null,
        to: result.status,
        cause: ledgerCause(prev, result),
        reason: result.reason,
        controlVersion: result.controlVersion,
        changedAt: nowIso,
      });
    }
  }
  const known = new Set(catalogue.controls.map(c => c.id));
  const summary = summarizeEntity(
    results,
    catalogue.controls,
    catalogue.levels,
  );
  return {
    entityRef: entity.entityRef,
    inputsHash: input.inputsHash ?? evaluationInputsHash(input),
    results,
    upsertResults,
    deleteResults: previous
      .filter(r => !known.has(r.controlId))
      .map(r => r.controlId),
    changes,
    summary,
    waiversToReview,
    score: {
      score: summary.total.score,
      coverage: summary.total.coverage,
      level: summary.level?.id ?? null,
      counts: summary.total.counts,
      summary: {
        knownWeight: summary.total.knownWeight,
        applicableWeight: summary.total.applicableWeight,
        categories: summary.categories,
        frameworks: summary.frameworks,
        ...(summary.nextLevel ? { nextLevel: summary.nextLevel } : {}),
      },
    },
  };
}
