import type {
  EntityInsightResponse,
  InsightJob,
} from 'backstage-plugin-compliance-common';
import type { ComplianceStores } from '../database/ComplianceStore';
import type { InsightJobRecord } from '../database/InsightStore';
import { rulesInsight } from './fallback';
import { InsightInput, insightInputHash } from './input';

/** A job as the API shows it. */
export function jobView(r: InsightJobRecord, maxAttempts: number): InsightJob {
  return {
    state: r.state,
    attempts: r.attempts,
    maxAttempts,
    nextAttemptAt: r.state === 'retrying' ? r.nextAttemptAt : null,
    lastError: r.lastError,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * The insight the API shows for an entity: the model insight when it was
 * generated from the current inputs, the rules insight otherwise, with the
 * state of the job for the current inputs.
 */
export async function entityInsightAnswer(deps: {
  stores: Pick<ComplianceStores, 'insights' | 'evaluations'>;
  input: InsightInput;
  maxAttempts: number;
  providersConfigured: boolean;
  now: Date;
}): Promise<EntityInsightResponse> {
  const { input, providersConfigured } = deps;
  const { entityRef } = input;
  const hash = insightInputHash(input);
  const { insights, evaluations } = deps.stores;
  const [stored, jobs] = await Promise.all([
    insights.getInsights([entityRef]),
    insights.getJobs([entityRef]),
  ]);
  const current = stored.get(entityRef);
  const record = jobs.get(entityRef);
  const job =
    record && record.inputHash === hash
      ? jobView(record, deps.maxAttempts)
      : null;
  if (current && current.inputHash === hash) {
    return {
      entityRef,
      status: 'fresh',
      insight: current.insight,
      job,
      providersConfigured,
    };
  }
  const evaluatedAt = (await evaluations.getSummary(entityRef))?.evaluatedAt;
  return {
    entityRef,
    status: 'fallback',
    insight: rulesInsight(
      input,
      evaluatedAt ? new Date(evaluatedAt) : deps.now,
    ),
    job,
    providersConfigured,
  };
}
