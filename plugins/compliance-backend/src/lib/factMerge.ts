import type {
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { hashOf } from './hash';

/** Unknown reasons that keep the last good value for evaluation. */
export const TRANSIENT_UNKNOWN_REASONS: ReadonlySet<UnknownReason> =
  new Set<UnknownReason>(['rate_limited', 'error']);

/** A point in time as it comes from a database driver or a collector. */
export type Instant = Date | string | number;

/**
 * The stored state of one fact. Values are JSON text, as persisted, so that
 * hashes stay comparable with the stored ones.
 */
export interface FactState {
  /** JSON of the value used for evaluation; null when none is usable. */
  value: string | null;
  valueHash: string;
  unknownReason: UnknownReason | null;
  message: string | null;
  /** JSON of the last value observed successfully. */
  lastGoodValue: string | null;
  lastGoodObservedAt: Instant | null;
  /** JSON of the evidence. */
  evidence: string | null;
  observedAt: Instant;
  changedAt: Instant;
}

/** One observation of a fact by a collector; `unknownReason` set when unknown. */
export interface FactObservation {
  value?: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  evidence?: FactEvidence;
  observedAt: Date;
}

/** The outcome of merging an observation into the stored state. */
export interface FactMerge {
  next: FactState;
  /** The evaluated value, the unknown reason or the evidence link changed. */
  changed: boolean;
  /** Only the message changed: the state is rewritten, nothing is re-evaluated. */
  messageChanged: boolean;
}

/**
 * Merges an observation into the previous state of a fact:
 *
 * - a known value replaces everything and becomes the last good value;
 * - a transient unknown (`error`, `rate_limited`) keeps the last good value
 *   for evaluation and notes the failure;
 * - any other unknown clears the value, but keeps the last good value for
 *   reference (and for a later transient failure).
 */
export function mergeFact(
  previous: FactState | undefined,
  incoming: FactObservation,
): FactMerge {
  const reason = incoming.unknownReason ?? null;
  let value: string | null;
  let lastGoodValue: string | null;
  let lastGoodObservedAt: Instant | null;
  if (reason === null) {
    value = JSON.stringify(incoming.value ?? null);
    lastGoodValue = value;
    lastGoodObservedAt = incoming.observedAt;
  } else {
    lastGoodValue = previous?.lastGoodValue ?? null;
    lastGoodObservedAt = previous?.lastGoodObservedAt ?? null;
    value =
      TRANSIENT_UNKNOWN_REASONS.has(reason) && lastGoodValue !== null
        ? lastGoodValue
        : null;
  }
  const valueHash = hashOf([
    value,
    reason,
    reason === null ? incoming.evidence?.url ?? null : null,
  ]);
  const message = incoming.message ?? null;
  const changed = !previous || previous.valueHash !== valueHash;
  const messageChanged = (previous?.message ?? null) !== message;
  return {
    next: {
      value,
      valueHash,
      unknownReason: reason,
      message,
      lastGoodValue,
      lastGoodObservedAt,
      evidence: incoming.evidence
        ? JSON.stringify(incoming.evidence)
        : previous?.evidence ?? null,
      observedAt: incoming.observedAt,
      changedAt:
        previous && !changed ? previous.changedAt : incoming.observedAt,
    },
    changed,
    messageChanged,
  };
}
