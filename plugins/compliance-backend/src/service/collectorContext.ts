import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonValue } from 'backstage-plugin-compliance-common';
import type {
  CollectedFact,
  ComplianceCollector,
  CollectorStateStore,
} from 'backstage-plugin-compliance-node';
import type { FactStore, FactWrite } from '../database/ComplianceStore';
import { normalizeRef } from '../lib/snapshot';

/**
 * A collector's durable state, scoped to it. State is a cache (ETags,
 * watermarks): a failed write is logged, never allowed to discard the facts
 * the collector has already gathered with its requests.
 */
export function collectorState(
  facts: FactStore,
  collectorId: string,
  logger: LoggerService,
): CollectorStateStore {
  const contained = async (what: string, write: () => Promise<void>) => {
    try {
      await write();
    } catch (error) {
      logger.warn('Collector state not written; it is rebuilt next cycle', {
        collectorId,
        operation: what,
        error: (error as Error).name,
      });
    }
  };
  return {
    async get<T extends JsonValue>(key: string) {
      return (await facts.getState(collectorId, [key])).get(key) as
        | T
        | undefined;
    },
    async getMany<T extends JsonValue>(keys: string[]) {
      return (await facts.getState(collectorId, keys)) as Map<string, T>;
    },
    set: entries =>
      contained('set', () => facts.setState(collectorId, entries, new Date())),
    delete: keys =>
      contained('delete', () => facts.deleteState(collectorId, keys)),
  };
}

/** The declared facts of a collector's answer, as store writes. */
export function toFactWrites(
  collector: ComplianceCollector,
  collected: CollectedFact[],
  now: Date,
  logger?: LoggerService,
): FactWrite[] {
  const declared = new Set(collector.facts.map(f => f.id));
  return collected
    .filter(f => {
      if (declared.has(f.factId)) return true;
      logger?.debug('Ignoring undeclared fact', { factId: f.factId });
      return false;
    })
    .map(f => ({
      entityRef: normalizeRef(f.entityRef),
      factId: f.factId,
      ...(f.unknownReason
        ? { unknownReason: f.unknownReason }
        : { value: f.value ?? null }),
      ...(f.message ? { message: f.message } : {}),
      ...(f.evidence ? { evidence: f.evidence } : {}),
      observedAt: f.observedAt ? new Date(f.observedAt) : now,
    }));
}
