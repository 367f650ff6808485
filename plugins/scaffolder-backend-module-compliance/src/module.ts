import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { complianceServiceRef } from 'backstage-plugin-compliance-node';
import {
  createComplianceCheckAction,
  createComplianceRefreshAction,
} from './actions';

/**
 * Adds the `compliance:check` and `compliance:refresh` actions to the
 * scaffolder.
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
      },
      async init({ scaffolder, compliance }) {
        scaffolder.addActions(
          createComplianceCheckAction({ compliance }),
          createComplianceRefreshAction({ compliance }),
        );
      },
    });
  },
});
