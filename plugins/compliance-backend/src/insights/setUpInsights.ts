import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  InsightProvider,
  InsightProviderFactory,
} from 'backstage-plugin-compliance-node';
import type { ComplianceStores } from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { INSIGHTS_TASK_ID } from '../service/taskIds';
import { readInsightsConfig } from './config';
import { InsightRunner } from './InsightRunner';
import { createInsightProviders, InsightService } from './InsightService';
import { TeamInsightService } from './TeamInsightService';
import type { CatalogScope } from '../service/CatalogScope';

/**
 * Builds the insight providers, runner and service, and schedules the
 * insights cycle. Returns the service and a trigger for after evaluations.
 */
export async function setUpInsights(options: {
  settings: ReturnType<typeof readInsightsConfig>;
  stores: ComplianceStores;
  catalogue: ControlCatalogue;
  catalog: CatalogService;
  scheduler: SchedulerService;
  logger: LoggerService;
  factories: InsightProviderFactory[];
  extra: InsightProvider[];
  /** The read path of the overview, for the team insight. */
  scope: CatalogScope;
}) {
  const { settings, stores, catalogue, catalog, scheduler, logger } = options;
  const providers = createInsightProviders({
    settings,
    factories: options.factories,
    extra: options.extra,
    logger,
  });
  const runner = new InsightRunner({
    stores,
    catalogue,
    providers,
    settings,
    logger,
  });
  await scheduler.scheduleTask({
    id: INSIGHTS_TASK_ID,
    ...settings.schedule,
    fn: async signal => {
      await runner.runCycle(signal as AbortSignal);
    },
  });
  logger.info('AI insights ready', {
    providers: providers.map(p => p.provider.id).join(', ') || 'none (rules)',
  });
  const trigger = async () => {
    if (!runner.providersConfigured) return;
    try {
      await scheduler.triggerTask(INSIGHTS_TASK_ID);
    } catch (error) {
      // Already running; its next cycle picks the changes up.
      assertError(error);
      logger.debug('Insights not triggered', { reason: error.message });
    }
  };
  return {
    service: new InsightService({
      catalog,
      runner,
      onQueued: trigger,
      cooldownMs: settings.regenerateCooldownMs,
    }),
    teams: new TeamInsightService({
      scope: options.scope,
      stores,
      catalogue,
    }),
    trigger,
  };
}
