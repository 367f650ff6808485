import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import type { Knex } from 'knex';

/** The table the default scheduler keeps its global tasks in. */
const TASKS_TABLE = 'backstage_backend_tasks__tasks';
/** A no-op task that makes the scheduler poll the database every 100 ms. */
const POLL_TASK_ID = 'compliance-test:poll';

/**
 * The real scheduler (database-backed, the one a production backend uses),
 * with every task of the plugin switched to manual triggers so a test
 * decides when cycles run. Locks, claims, triggers and polling are the
 * default implementation's; only the cadence is changed, plus a no-op task
 * every 100 ms so the shared poller notices triggers in well under its
 * default 5 seconds.
 */
export function manualSchedulerFactory(options: {
  /** Receives each scheduler created (one per plugin). */
  onCreate?: (scheduler: SchedulerService) => void;
  /** Wraps the function of a task, e.g. to gate or observe it. */
  wrap?: (
    taskId: string,
    fn: SchedulerServiceTaskFunction,
  ) => SchedulerServiceTaskFunction;
}) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {
      database: coreServices.database,
      logger: coreServices.logger,
      rootLifecycle: coreServices.rootLifecycle,
      httpRouter: coreServices.httpRouter,
      pluginMetadata: coreServices.pluginMetadata,
      metrics: metricsServiceRef,
    },
    async factory(deps) {
      const inner = DefaultSchedulerService.create(deps);
      await inner.scheduleTask({
        id: POLL_TASK_ID,
        frequency: { milliseconds: 100 },
        timeout: { seconds: 30 },
        fn: async () => {},
      });
      const scheduler: SchedulerService = {
        triggerTask: id => inner.triggerTask(id),
        cancelTask: id => inner.cancelTask(id),
        getScheduledTasks: () => inner.getScheduledTasks(),
        createScheduledTaskRunner: schedule => ({
          run: task => scheduler.scheduleTask({ ...schedule, ...task }),
        }),
        scheduleTask: async task => {
          const { initialDelay: _delay, ...rest } = task;
          await inner.scheduleTask({
            ...rest,
            frequency: { trigger: 'manual' },
            fn: options.wrap ? options.wrap(task.id, task.fn) : task.fn,
          });
        },
      };
      options.onCreate?.(scheduler);
      return scheduler;
    },
  });
}

/**
 * Waits until none of the tasks is running or due (manual tasks are due
 * from a trigger until their run ends).
 */
export async function waitForTasksIdle(
  knex: Knex,
  taskIds: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await knex(TASKS_TABLE)
      .whereIn('id', taskIds)
      .where(q =>
        q
          .whereNotNull('current_run_ticket')
          .orWhereNotNull('next_run_start_at'),
      )
      .select('id');
    if (busy.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Tasks still busy after ${timeoutMs} ms: ${busy
          .map(b => b.id)
          .join(', ')}`,
      );
    }
    await new Promise(r => setTimeout(r, 50));
  }
}
