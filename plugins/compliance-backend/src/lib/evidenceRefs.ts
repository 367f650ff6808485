import type {
  EvidenceFact,
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { hashOf } from './hash';
import type { EvaluationFact } from './rules';

/**
 * One state of a stored fact, current or from the fact history, in the
 * shape evaluation reads it.
 */
export interface FactStateView {
  factId: string;
  value: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  observedAt: string;
  lastGoodObservedAt?: string;
  evidence?: FactEvidence;
  /** True when the value is usable for evaluation. */
  known: boolean;
  /** True when a transient failure kept the last good value. */
  stale: boolean;
}

/** A stored fact as the evaluator sees it: a kept last good value carries its own age. */
export function toEvaluationFact(f: FactStateView): EvaluationFact {
  return {
    factId: f.factId,
    known: f.known,
    value: f.value,
    ...(f.unknownReason ? { unknownReason: f.unknownReason } : {}),
    ...(f.message ? { message: f.message } : {}),
    observedAt:
      f.lastGoodObservedAt && f.stale ? f.lastGoodObservedAt : f.observedAt,
    ...(f.stale ? { stale: true } : {}),
    ...(f.evidence ? { evidence: f.evidence } : {}),
  };
}

/**
 * The evidence made of each fact, so that the controls using one fact share
 * one evidence object and its reference hash is computed once. Evidence is
 * never modified after it is made.
 */
const EVIDENCE_OF = new WeakMap<EvaluationFact, EvidenceFact>();
const REF_HASH_OF = new WeakMap<EvidenceFact, string>();

/** A fact as evidence of a result, as evaluation takes it. */
export function toEvidence(fact: EvaluationFact): EvidenceFact {
  let evidence = EVIDENCE_OF.get(fact);
  if (!evidence) {
    evidence = evidenceOf(fact);
    EVIDENCE_OF.set(fact, evidence);
  }
  return evidence;
}

function evidenceOf(fact: EvaluationFact): EvidenceFact {
  return {
    factId: fact.factId,
    value: fact.value,
    ...(fact.unknownReason ? { unknownReason: fact.unknownReason } : {}),
    ...(fact.message ? { message: fact.message } : {}),
    ...(fact.observedAt ? { observedAt: fact.observedAt } : {}),
    ...(fact.evidence ? { evidence: fact.evidence } : {}),
  };
}

/**
 * How a result stores one piece of its evidence: a reference (the fact id
 * and {@link evidenceRefHash} of the evidence as evaluated), or the
 * evidence itself when it could not be referenced (rows the migration
 * found no stored fact state for).
 */
export type StoredEvidence = [factId: string, hash: string] | EvidenceFact;

/** Hex digits of a reference's hash (64 bits). */
export const EVIDENCE_REF_HEX = 16;

/**
 * The short hash identifying one piece of evidence exactly: everything a
 * reader is shown (value, unknown reason, message, observation time, the
 * source link and payload hash), people aside (resolved when reading).
 */
export function evidenceRefHash(e: EvidenceFact): string {
  let hash = REF_HASH_OF.get(e);
  if (hash === undefined) {
    const { people: _people, ...shown } = e;
    hash = hashOf(shown).slice(0, EVIDENCE_REF_HEX);
    REF_HASH_OF.set(e, hash);
  }
  return hash;
}

/**
 * What a result row stores for its evidence: a reference for each piece
 * taken from a stored fact state (those always carry their observation
 * time), a copy of any other.
 */
export function toStoredEvidence(evidence: EvidenceFact[]): StoredEvidence[] {
  return evidence.map(e => (e.observedAt ? [e.factId, evidenceRefHash(e)] : e));
}

function isRef(e: unknown): e is [string, string] {
  return (
    Array.isArray(e) &&
    e.length === 2 &&
    typeof e[0] === 'string' &&
    typeof e[1] === 'string'
  );
}

/** The stored evidence of a result row (JSON text); bad entries dropped. */
export function parseStoredEvidence(text: string | null): StoredEvidence[] {
  let parsed: unknown;
  try {
    parsed = text === null ? [] : JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (e): e is StoredEvidence =>
      isRef(e) ||
      (typeof e === 'object' &&
        e !== null &&
        !Array.isArray(e) &&
        typeof (e as EvidenceFact).factId === 'string'),
  );
}

/** The references among stored evidence. */
export function refsOf(stored: StoredEvidence[]): Array<[string, string]> {
  return stored.filter(isRef);
}

/**
 * Shown for a reference that matches no stored fact state: the fact
 * history that held it was deleted by retention. Never the evidence of
 * another state, which could contradict the result's status.
 */
export function unresolvedEvidence(factId: string): EvidenceFact {
  return {
    factId,
    value: null,
    message:
      'The evidence this result was evaluated on is no longer stored (fact history retention); it is replaced at the next evaluation of the entity.',
  };
}

/** Candidate states of a fact, by reference hash. */
export type EvidenceCandidates = (
  factId: string,
  hash: string,
) => EvidenceFact | undefined;

/**
 * The evidence of a result from what it stores: references resolved
 * against the candidates (the current fact, then its history), copies as
 * they are; `missing` lists the references no candidate matched.
 */
export function resolveEvidence(
  stored: StoredEvidence[],
  candidates: EvidenceCandidates,
): { evidence: Array<EvidenceFact | undefined>; missing: string[] } {
  const missing: string[] = [];
  const evidence = stored.map(e => {
    if (!isRef(e)) return e;
    const found = candidates(e[0], e[1]);
    if (!found) missing.push(e[0]);
    return found;
  });
  return { evidence, missing };
}
