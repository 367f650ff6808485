import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import { readGithubComplianceConfig } from './config';
import { createGithubControls } from './controls';
import { GithubRetryOptions } from './client/GithubClients';
import { GithubCollector } from './GithubCollector';

/**
 * Builds the module. The options exist for tests that run the module in the
 * real compliance backend against a fake GitHub: short retry timing and a
 * fixed clock.
 *
 * @internal
 */
export function createComplianceModuleGithub(
  options: { retry?: GithubRetryOptions; now?: () => Date } = {},
) {
  return createBackendModule({
    pluginId: 'compliance',
    moduleId: 'github',
    register(env) {
      env.registerInit({
        deps: {
          collectors: complianceCollectorsExtensionPoint,
          controls: complianceControlsExtensionPoint,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        async init({ collectors, controls, config, logger }) {
          const moduleConfig = readGithubComplianceConfig(config);
          const integrations = ScmIntegrations.fromConfig(config);
          // Scheduling and disabling the collector or single controls is the
          // compliance backend's (compliance.collectors.github,
          // compliance.controls.disabled).
          const definitions = createGithubControls(moduleConfig.thresholds);
          collectors.addCollector(
            GithubCollector.create({
              config: moduleConfig,
              integrations,
              logger: logger.child({ collector: 'github' }),
              retry: options.retry,
              now: options.now,
            }),
          );
          controls.addControls(definitions);
          logger.info('Registered GitHub compliance collector and controls', {
            controls: definitions.length,
          });
        },
      });
    },
  });
}

/**
 * Adds the GitHub collector and the GitHub controls to the compliance
 * backend.
 *
 * @public
 */
export const complianceModuleGithub = createComplianceModuleGithub();
