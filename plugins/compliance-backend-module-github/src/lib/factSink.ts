import { createHash } from 'crypto';
import {
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { CollectedFact } from 'backstage-plugin-compliance-node';

/** One fact of a repository: a value, or why it is unknown. */
export type FactEntry =
  | { value: JsonValue; evidence?: FactEvidence }
  | { unknownReason: UnknownReason; message: string; evidence?: FactEvidence };

/**
 * Collects the facts of one repository before they are copied to every
 * entity that points at it. The first answer for a fact wins.
 */
export class FactSink {
  readonly #entries = new Map<string, FactEntry>();

  set(factId: string, value: JsonValue, evidence?: FactEvidence) {
    if (!this.#entries.has(factId)) {
      this.#entries.set(factId, { value, evidence });
    }
  }

  unknown(
    factId: string,
    reason: UnknownReason,
    message: string,
    evidence?: FactEvidence,
  ) {
    if (!this.#entries.has(factId)) {
      this.#entries.set(factId, { unknownReason: reason, message, evidence });
    }
  }

  /** Marks every listed fact not yet set as unknown. */
  unknownAll(
    factIds: readonly string[],
    reason: UnknownReason,
    message: string,
  ) {
    for (const id of factIds) {
      this.unknown(id, reason, message);
    }
  }

  /** Adds the facts of another sink that this one does not have yet. */
  merge(other: FactSink) {
    for (const [factId, entry] of other.#entries) {
      if (!this.#entries.has(factId)) {
        this.#entries.set(factId, entry);
      }
    }
  }

  has(factId: string) {
    return this.#entries.has(factId);
  }

  get(factId: string): FactEntry | undefined {
    return this.#entries.get(factId);
  }

  toFacts(entityRef: string, observedAt: string): CollectedFact[] {
    return [...this.#entries.entries()].map(([factId, entry]) =>
      'unknownReason' in entry
        ? {
            entityRef,
            factId,
            unknownReason: entry.unknownReason,
            message: entry.message,
            evidence: entry.evidence,
            observedAt,
          }
        : {
            entityRef,
            factId,
            value: entry.value,
            evidence: entry.evidence,
            observedAt,
          },
    );
  }
}

/** sha256 of a JSON payload, for fact evidence. */
export function sha256Of(payload: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(payload ?? null))
    .digest('hex');
}
