import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { complianceServiceRef } from 'backstage-plugin-compliance-node';
import {
  createApplyGithubBaselineAction,
  createComplianceCheckAction,
  createComplianceRefreshAction,
} from './actions';

/**
 * Adds the `compliance:check`, `compliance:refresh` and
 * `compliance:github:apply-baseline` actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleCompliance = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'compliance',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        compliance: complianceServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, compliance, config }) {
        scaffolder.addActions(
          createComplianceCheckAction({ compliance, config }),
          createComplianceRefreshAction({ compliance, config }),
          createApplyGithubBaselineAction({ compliance, config }),
        );
      },
    });
  },
});
