import type { Knex } from 'knex';
import type { InsightUsageEntry, InsightUsageTotals } from './InsightStore';

/*
 * The usage ledger of the insight store: tokens and estimated cost of every
 * provider request, billed answers that failed included.
 */

export const USAGE = 'compliance_insight_usage';

/** Ledger rows of provider requests. */
export function usageRows(usage: InsightUsageEntry[], now: Date) {
  return usage.map(u => ({
    entity_ref: u.entityRef,
    input_hash: u.inputHash,
    provider: u.provider.slice(0, 100),
    model: u.model.slice(0, 200),
    outcome: u.outcome.slice(0, 32),
    input_tokens: Math.max(0, Math.round(u.inputTokens)),
    output_tokens: Math.max(0, Math.round(u.outputTokens)),
    cost_usd: u.costUsd,
    created_at: now,
  }));
}

/** Ledger totals per provider and model since a time. */
export async function usageSince(
  db: Knex,
  since: Date,
): Promise<InsightUsageTotals[]> {
  const rows: Array<{
    provider: string;
    model: string;
    requests: number | string;
    input_tokens: number | string | null;
    output_tokens: number | string | null;
    cost_usd: number | string | null;
  }> = await db(USAGE)
    .where('created_at', '>=', since)
    .groupBy('provider', 'model')
    .select('provider', 'model')
    .count('* as requests')
    .sum('input_tokens as input_tokens')
    .sum('output_tokens as output_tokens')
    .sum('cost_usd as cost_usd');
  return rows.map(r => ({
    provider: r.provider,
    model: r.model,
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens ?? 0),
    outputTokens: Number(r.output_tokens ?? 0),
    costUsd: Number(r.cost_usd ?? 0),
  }));
}
