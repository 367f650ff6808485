import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { DateTime } from 'luxon';
import type { ComplianceConfig } from '../config';
import type { ComplianceStores } from '../database/ComplianceStore';
import type { CollectionRunner } from './CollectionRunner';
import type { EvaluationRunner } from './EvaluationRunner';
import type { GroupCollector } from './GroupCollector';
import type { CiPushService } from './CiPushService';
import type { UserLoginCollector } from './UserLoginCollector';
import type { ReadModel } from './ReadModel';
import { collectionsInProgress } from './collectionRound';
import {
  collectorRunKey,
  collectTaskId,
  EVALUATE_TASK_ID,
  RETENTION_TASK_ID,
  CI_PUSHED_WINDOW_TASK_ID,
  ROLLUP_TASK_ID,
  shardsOf,
} from './taskIds';

const DEFAULT_COLLECTOR_SCHEDULE = {
  frequency: { minutes: 30 },
  timeout: { minutes: 15 },
};

/** Schedules one task per collector shard, the evaluation, roll-up and retention. */
export async function scheduleTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  settings: ComplianceConfig;
  stores: ComplianceStores;
  collection: CollectionRunner;
  evaluation: EvaluationRunner;
  groups?: GroupCollector;
  /** The GitHub logins of catalog users, collected with the catalog. */
  people?: UserLoginCollector;
  readModel?: ReadModel;
  /** Pushed CI runs: their facts are recomputed hourly as the window slides. */
  ciPushes?: Pick<CiPushService, 'slideWindow'>;
  /** Runs after each evaluation cycle (queues AI insights). */
  afterEvaluation?: () => Promise<void>;
}) {
  const { scheduler, logger, settings, stores, collection, evaluation } =
    options;
  const triggerEvaluation = async () => {
    try {
      await scheduler.triggerTask(EVALUATE_TASK_ID);
    } catch (error) {
      // Already running (its loop picks the new work up) or not yet scheduled.
      assertError(error);
      logger.debug('Evaluation not triggered', { reason: error.message });
    }
  };

  const enabled = collection.collectors.filter(c => {
    if (!settings.collectors[c.id]?.disabled) return true;
    logger.info('Collector disabled by config', { collectorId: c.id });
    return false;
  });
  const runKeys = enabled.flatMap(c =>
    shardsOf(settings.collectors[c.id]?.shards ?? 1).map(shard =>
      collectorRunKey(c.id, shard),
    ),
  );
  // One evaluation per collection round: a collection that finishes while
  // another is running (or has never run) leaves the evaluation to it, as
  // that one dirties the same entities again. The evaluation's own schedule
  // bounds the wait.
  const triggerAfterCollection = async (runKey: string) => {
    const waitingFor = collectionsInProgress(
      await stores.runs.getLatestRuns(),
      runKeys.filter(k => k !== runKey),
      new Date(),
    );
    if (waitingFor.length > 0) {
      logger.debug('Evaluation left to the collections in progress', {
        collections: waitingFor.join(', '),
      });
      return;
    }
    await triggerEvaluation();
  };

  for (const collector of enabled) {
    const s = settings.collectors[collector.id];
    const schedule =
      s?.schedule ?? collector.defaultSchedule ?? DEFAULT_COLLECTOR_SCHEDULE;
    for (const shard of shardsOf(s?.shards ?? 1)) {
      await scheduler.scheduleTask({
        id: collectTaskId(collector.id, shard),
        ...schedule,
        fn: async signal => {
          try {
            await collection.collect(collector.id, {
              shard,
              signal: signal as AbortSignal,
            });
            if (collector.id === 'catalog' && shard.index === 0) {
              // The group hierarchy, for owner filters, with the catalog.
              await options.groups?.collect(signal as AbortSignal);
              await options.people?.collect(signal as AbortSignal);
            }
          } finally {
            // Reads answer anew: a summary shows when each collector last
            // finished, and its ETag rests on the version alone.
            await options.readModel?.changed();
          }
          await triggerAfterCollection(collectorRunKey(collector.id, shard));
        },
      });
    }
  }

  await scheduler.scheduleTask({
    id: EVALUATE_TASK_ID,
    ...settings.schedules.evaluate,
    fn: async signal => {
      await evaluation.evaluateDirty(signal as AbortSignal);
      await options.afterEvaluation?.();
    },
  });

  await scheduler.scheduleTask({
    id: ROLLUP_TASK_ID,
    ...settings.schedules.rollup,
    fn: async () => {
      const day = DateTime.utc().toISODate()!;
      const removed = await collection.pruneEntities();
      if (removed) {
        logger.info('Removed entities no longer in the catalog', { removed });
      }
      const written = await stores.evaluations.rollUp(day);
      if (written) logger.info('Rolled up daily history', { day, written });
      if (removed || written) await options.readModel?.cycleEvaluated();
    },
  });

  const ciPushes = options.ciPushes;
  if (ciPushes) {
    await scheduler.scheduleTask({
      id: CI_PUSHED_WINDOW_TASK_ID,
      frequency: { hours: 1 },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        if (await ciPushes.slideWindow()) await triggerEvaluation();
      },
    });
  }

  await scheduler.scheduleTask({
    id: RETENTION_TASK_ID,
    ...settings.schedules.retention,
    fn: async () => {
      const now = DateTime.utc();
      const r = settings.retention;
      const days = (n: number) => now.minus({ days: n });
      const { history, ledger } = await stores.evaluations.deleteBefore({
        history: days(r.historyDays).toISODate()!,
        ledger: days(r.ledgerDays).toJSDate(),
      });
      const factHistory = await stores.facts.deleteHistoryBefore(
        days(r.factHistoryDays).toJSDate(),
      );
      const runs = await stores.runs.deleteBefore(days(r.runDays).toJSDate());
      const state = await stores.facts.deleteStateBefore(
        days(r.stateDays).toJSDate(),
      );
      logger.info('Applied retention', {
        history,
        ledger,
        factHistory,
        runs,
        state,
      });
    },
  });
}
