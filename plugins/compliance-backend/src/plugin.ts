import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  ControlDefinition,
  compliancePermissions,
} from 'backstage-plugin-compliance-common';
import {
  ComplianceCollector,
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import { DateTime } from 'luxon';
import { readComplianceConfig } from './config';
import { createCatalogCollector } from './collectors/catalogCollector';
import { catalogControls, defaultLevels } from './controls/catalogControls';
import { DatabaseComplianceStore } from './database/DatabaseComplianceStore';
import { buildControls } from './lib/controls';
import { ComplianceEngine } from './service/ComplianceEngine';
import { createRouter } from './service/router';
import { createComplianceActions } from './actions/createComplianceActions';

/** The id of the evaluation task, triggered after each collection. */
export const EVALUATE_TASK_ID = 'compliance:evaluate';

/**
 * The compliance backend plugin: collects facts on the scheduler, evaluates
 * controls, scores entities and serves `/api/compliance`.
 *
 * @public
 */
export const compliancePlugin = createBackendPlugin({
  pluginId: 'compliance',
  register(env) {
    const collectors: ComplianceCollector[] = [];
    const moduleControls: ControlDefinition[] = [];
    env.registerExtensionPoint(complianceCollectorsExtensionPoint, {
      addCollector(...items) {
        for (const c of items.flat()) {
          if (c.id === 'catalog' || collectors.some(x => x.id === c.id)) {
            throw new Error(
              `A compliance collector with id "${c.id}" is already registered`,
            );
          }
          collectors.push(c);
        }
      },
    });
    env.registerExtensionPoint(complianceControlsExtensionPoint, {
      addControls(...items) {
        moduleControls.push(...items.flat());
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
        actionsRegistry,
      }) {
        const settings = readComplianceConfig(config);
        const store = await DatabaseComplianceStore.create({ database });
        const controls = buildControls({
          builtin: catalogControls(settings.catalog),
          modules: moduleControls,
          config: settings.controls.custom,
          overrides: settings.controls,
        });
        const levels = settings.levels ?? defaultLevels;
        const ids = new Set(controls.map(c => c.id));
        for (const level of levels) {
          const missing = level.requiredControls.filter(id => !ids.has(id));
          if (missing.length) {
            logger.warn(
              'Level requires controls that are not enabled; it can never be reached',
              {
                level: level.id,
                missing: missing.join(', '),
              },
            );
          }
        }
        const allCollectors = [
          createCatalogCollector({
            catalog,
            auth,
            onCallAnnotations: settings.catalog.onCallAnnotations,
          }),
          ...collectors,
        ];
        const engine = new ComplianceEngine({
          store,
          catalog,
          auth,
          logger,
          collectors: allCollectors,
          collectorSettings: settings.collectors,
          controls,
          levels,
          waivers: settings.waivers,
          kinds: settings.kinds,
        });

        permissionsRegistry.addPermissions(compliancePermissions);

        const triggerEvaluation = async () => {
          try {
            await scheduler.triggerTask(EVALUATE_TASK_ID);
          } catch (error) {
            // Already running (its loop picks the new work up) or not yet scheduled.
            assertError(error);
            logger.debug('Evaluation not triggered', { reason: error.message });
          }
        };

        for (const collector of allCollectors) {
          const s = settings.collectors[collector.id];
          if (s?.disabled) {
            logger.info('Collector disabled by config', {
              collectorId: collector.id,
            });
            continue;
          }
          const schedule = s?.schedule ??
            collector.defaultSchedule ?? {
              frequency: { minutes: 30 },
              timeout: { minutes: 15 },
            };
          const shards = s?.shards ?? 1;
          for (let index = 0; index < shards; index++) {
            await scheduler.scheduleTask({
              id:
                shards > 1
                  ? `compliance:collect:${collector.id}:${index}`
                  : `compliance:collect:${collector.id}`,
              ...schedule,
              fn: async signal => {
                await engine.collect(collector.id, {
                  shard: { index, count: shards },
                  signal: signal as AbortSignal,
                });
                await triggerEvaluation();
              },
            });
          }
        }

        await scheduler.scheduleTask({
          id: EVALUATE_TASK_ID,
          ...settings.schedules.evaluate,
          fn: async signal => {
            await engine.evaluateDirty(signal as AbortSignal);
          },
        });

        await scheduler.scheduleTask({
          id: 'compliance:rollup',
          ...settings.schedules.rollup,
          fn: async () => {
            const day = DateTime.utc().toISODate()!;
            const written = await store.rollUp(day);
            if (written)
              logger.info('Rolled up daily history', { day, written });
          },
        });

        await scheduler.scheduleTask({
          id: 'compliance:retention',
          ...settings.schedules.retention,
          fn: async () => {
            const now = DateTime.utc();
            const deleted = await store.applyRetention({
              history: now
                .minus({ days: settings.retention.historyDays })
                .toISODate()!,
              ledger: now
                .minus({ days: settings.retention.ledgerDays })
                .toJSDate(),
              factHistory: now
                .minus({ days: settings.retention.factHistoryDays })
                .toJSDate(),
              runs: now.minus({ days: settings.retention.runDays }).toJSDate(),
            });
            logger.info('Applied retention', deleted);
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            permissions,
            catalog,
            logger,
            store,
            engine,
            frameworks: settings.frameworks,
            kinds: settings.kinds,
          }),
        );
        createComplianceActions({ actionsRegistry, catalog, store, engine });

        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Compliance engine ready', {
          controls: controls.length,
          collectors: allCollectors.map(c => c.id).join(', '),
        });
      },
    });
  },
});
