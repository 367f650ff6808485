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
import { GithubCollector } from './GithubCollector';

/**
 * Adds the GitHub collector and the GitHub controls to the compliance
 * backend.
 *
 * @public
 */
export const complianceModuleGithub = createBackendModule({
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
