import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  ControlDefinition,
  compliancePermissions,
} from 'backstage-plugin-compliance-common';
import {
  ComplianceCollector,
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
  complianceInsightProvidersExtensionPoint,
  InsightProvider,
  InsightProviderFactory,
} from 'backstage-plugin-compliance-node';
import { readComplianceConfig } from './config';
import { createCatalogCollector } from './collectors/catalogCollector';
import { catalogControls, defaultLevels } from './controls/catalogControls';
import { ControlCatalogue } from './controls/ControlCatalogue';
import { DatabaseComplianceStore } from './database/DatabaseComplianceStore';
import { CollectionRunner } from './service/CollectionRunner';
import { EvaluationRunner } from './service/EvaluationRunner';
import { ReportService } from './service/ReportService';
import { StatusService } from './service/StatusService';
import { createRouter } from './service/router';
import { createCiRouter } from './service/ciRouter';
import { createInsightRouter } from './service/insightRouter';
import { CiPushService } from './service/CiPushService';
import { PUSHED_CI_WINDOW_DAYS } from './lib/pushedCiFacts';
import { assertCollectorId } from './service/taskIds';
import { scheduleTasks } from './service/scheduleTasks';
import { createComplianceActions } from './actions/createComplianceActions';
import { readGovernanceConfig } from './governanceConfig';
import { CatalogScope } from './service/CatalogScope';
import { ReadAccess } from './service/ReadAccess';
import { createGovernanceRouter } from './service/governanceRouter';
import { WaiverService } from './service/WaiverService';
import { GroupCollector } from './service/GroupCollector';
import { OrgCiService } from './service/OrgCiService';
import { UserLoginCollector } from './service/UserLoginCollector';
import { ReadModel } from './service/ReadModel';
import { createInsightActions } from './actions/createInsightActions';
import { createGovernanceActions } from './actions/createGovernanceActions';
import { readInsightsConfig } from './insights/config';
import { setUpInsights } from './insights/setUpInsights';
import { ExportService } from './service/ExportService';
import { GovernanceReadService } from './service/GovernanceReadService';
import { ComplianceNotifier } from './service/ComplianceNotifier';
import { NOTIFY_TASK_ID } from './service/taskIds';

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
          assertCollectorId(c.id);
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

    const insightProviderFactories: InsightProviderFactory[] = [];
    const insightProviders: InsightProvider[] = [];
    env.registerExtensionPoint(complianceInsightProvidersExtensionPoint, {
      addProviderFactory(...items) {
        for (const f of items) {
          if (insightProviderFactories.some(x => x.type === f.type)) {
            throw new Error(
              `An insight provider factory of type "${f.type}" is already registered`,
            );
          }
          insightProviderFactories.push(f);
        }
      },
      addProvider(...items) {
        insightProviders.push(...items);
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
        auditor: coreServices.auditor,
        notificationService,
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
        auditor,
        notificationService: notificationSender,
      }) {
        const settings = readComplianceConfig(config);
        const governance = readGovernanceConfig(config);
        const stores = await DatabaseComplianceStore.create({ database });
        const catalogue = ControlCatalogue.create({
          builtin: catalogControls(settings.catalog),
          modules: moduleControls,
          config: settings.controls.custom,
          overrides: settings.controls,
          levels: settings.levels ?? defaultLevels,
          frameworks: settings.frameworks,
          kinds: settings.kinds,
        });
        for (const { level, missing } of catalogue.unreachableLevels()) {
          logger.warn(
            'Level requires controls that are not enabled; it can never be reached',
            { level, missing: missing.join(', ') },
          );
        }

        const allCollectors = [
          createCatalogCollector({
            catalog,
            auth,
            onCallAnnotations: settings.catalog.onCallAnnotations,
            sourceHosts: settings.catalog.sourceHosts,
          }),
          ...collectors,
        ];
        const collection = new CollectionRunner({
          ...stores,
          catalog,
          auth,
          logger,
          collectors: allCollectors,
          settings: settings.collectors,
          kinds: catalogue.kinds,
        });
        const readModel = new ReadModel({ store: stores.readModel, logger });
        const evaluation = new EvaluationRunner({
          ...stores,
          catalogue,
          waivers: settings.waivers,
          waiverRecords: stores.waiverRecords,
          logger,
          listener: readModel,
        });
        const status = new StatusService({
          ...stores,
          collectors: allCollectors,
          settings: settings.collectors,
          controlCount: catalogue.controls.length,
        });
        // One read decision cache and one hierarchy-aware scope for every
        // router: owner filters expand child groups from the hierarchy the
        // scheduler collects (a local lookup), readable refs come from the
        // same per-user cache.
        const access = new ReadAccess({
          catalog,
          permissions,
          ttlMs: settings.authorization.cacheTtlMs,
        });
        const scope = new CatalogScope({
          catalog,
          permissions,
          kinds: catalogue.kinds,
          access,
          groups: stores.groups,
          ttlMs: settings.authorization.cacheTtlMs,
        });
        const reports = new ReportService({
          ...stores,
          catalog,
          permissions,
          logger,
          catalogue,
          collection,
          evaluation,
          status,
          refresh: settings.refresh,
          readModel,
          access,
          scope,
        });

        const insightSettings = readInsightsConfig(config);
        const insights = insightSettings.enabled
          ? await setUpInsights({
              settings: insightSettings,
              stores,
              catalogue,
              catalog,
              scheduler,
              logger,
              factories: insightProviderFactories,
              extra: insightProviders,
              scope,
            })
          : undefined;

        permissionsRegistry.addPermissions(compliancePermissions);
        const ciPushes = new CiPushService({
          ciRuns: stores.ciRuns,
          facts: stores.facts,
          catalog,
          auth,
          logger,
          windowDays: PUSHED_CI_WINDOW_DAYS,
        });
        await scheduleTasks({
          ciPushes,
          scheduler,
          logger,
          settings,
          stores,
          collection,
          evaluation,
          groups: new GroupCollector({
            catalog,
            auth,
            groups: stores.groups,
            logger,
          }),
          people: new UserLoginCollector({
            catalog,
            auth,
            logins: stores.userLogins,
            logger,
          }),
          readModel,
          ...(insights ? { afterEvaluation: insights.trigger } : {}),
        });

        // Before the main router: its own body limit for pushed runs.
        httpRouter.use(
          await createCiRouter({
            httpAuth,
            permissions,
            pushes: ciPushes,
            orgCi: new OrgCiService({ ...stores, scope }),
          }),
        );
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            reports,
            creations: stores.creations,
            decisionTtlMs: settings.authorization.cacheTtlMs,
          }),
        );
        if (insights) {
          httpRouter.use(
            await createInsightRouter({
              httpAuth,
              permissions,
              insights: insights.service,
              teams: insights.teams,
            }),
          );
        }
        const notifier = governance.notifications.enabled
          ? new ComplianceNotifier({
              ...stores,
              catalogue,
              notificationService: notificationSender,
              settings: governance.notifications,
              logger,
            })
          : undefined;
        if (notifier) {
          await scheduler.scheduleTask({
            id: NOTIFY_TASK_ID,
            ...governance.notifications.schedule,
            fn: async () => {
              await notifier.run();
            },
          });
        }
        const waiverService = new WaiverService({
          ...(notifier ? { notifier } : {}),
          ...stores,
          catalog,
          catalogue,
          evaluation,
          configWaivers: settings.waivers,
          policy: governance.waiverMaxDays,
          logger,
        });
        httpRouter.use(
          await createGovernanceRouter({
            httpAuth,
            permissions,
            auditor,
            waivers: waiverService,
            scope,
            exports: new ExportService({
              ...stores,
              catalogue,
              configWaivers: settings.waivers,
            }),
            reads: new GovernanceReadService({
              ...stores,
              catalogue,
              scope,
              waivers: waiverService,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        createComplianceActions({ actionsRegistry, reports });
        createGovernanceActions({
          actionsRegistry,
          permissions,
          auditor,
          reports,
          waivers: waiverService,
          policy: governance.waiverMaxDays,
        });
        if (insights) {
          createInsightActions({ actionsRegistry, insights: insights.service });
        }
        logger.info('Compliance engine ready', {
          controls: catalogue.controls.length,
          collectors: allCollectors.map(c => c.id).join(', '),
        });
      },
    });
  },
});
