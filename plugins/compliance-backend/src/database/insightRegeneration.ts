import type { Knex } from 'knex';
import type { RegenerationOutcome } from './InsightStore';
import { Timestamp, toIso } from './util';
import { USAGE } from './insightUsage';

const JOBS = 'compliance_insight_jobs';
/** Job states that still lead to a model request. */
const PENDING = ['queued', 'running', 'retrying'];

/**
 * Queues a forced job for an entity's current inputs, bounded: at most one
 * pending job per entity (the unique key on entity and input hash settles
 * two replicas racing), and none within `cooldownMs` of the entity's last
 * model request in the usage ledger, successful or not.
 */
export async function requestRegeneration(
  db: Knex,
  job: { entityRef: string; inputHash: string; input: unknown },
  options: { now: Date; cooldownMs: number },
): Promise<RegenerationOutcome> {
  const { now, cooldownMs } = options;
  return db.transaction(async tx => {
    const pending = await tx(JOBS)
      .where('entity_ref', job.entityRef)
      .whereIn('state', PENDING)
      .first('id');
    if (pending) return { outcome: 'pending' as const };
    const last = (await tx(USAGE)
      .where('entity_ref', job.entityRef)
      .max('created_at as last')
      .first()) as { last: Timestamp | null } | undefined;
    if (last?.last) {
      const lastMs = new Date(toIso(last.last)).getTime();
      if (lastMs + cooldownMs > now.getTime()) {
        return {
          outcome: 'cooldown' as const,
          retryAt: new Date(lastMs + cooldownMs).toISOString(),
        };
      }
    }
    // Only dead jobs are left: the new request replaces them.
    await tx(JOBS).where('entity_ref', job.entityRef).delete();
    await tx(JOBS)
      .insert({
        entity_ref: job.entityRef,
        input_hash: job.inputHash,
        input: JSON.stringify(job.input),
        state: 'queued',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict(['entity_ref', 'input_hash'])
      .ignore();
    return { outcome: 'queued' as const };
  });
}
