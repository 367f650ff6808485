import { createBackend } from '@backstage/backend-defaults';
import { exampleCiHistoryModule } from './modules/exampleCiHistory';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('backstage-plugin-scaffolder-backend-module-compliance'));

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
// Compliance waivers: with allow-all everyone may request and approve. A real
// policy (registered through `policyExtensionPoint` from
// '@backstage/plugin-permission-node/alpha') lets the entity's owners request
// and only approvers approve:
//
//   if (isPermission(request.permission, complianceWaiverRequestPermission)) {
//     return createCatalogConditionalDecision(request.permission,
//       catalogConditions.isEntityOwner({ claims: user?.identity.ownershipEntityRefs ?? [] }));
//   }
//   if (isPermission(request.permission, complianceWaiverApprovePermission)) {
//     const approver = (user?.identity.ownershipEntityRefs ?? []).includes('group:default/security');
//     return { result: approver ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
//   }
//
// (permissions from 'backstage-plugin-compliance-common', conditions from
// '@backstage/plugin-catalog-backend/alpha'; see the compliance backend README.)

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// compliance suite: the engine and the GitHub collectors
backend.add(import('backstage-plugin-compliance-backend'));
backend.add(import('backstage-plugin-compliance-backend-module-github'));
// Example data only: a realistic CI history of the example components,
// pushed through POST /api/compliance/ci/runs (shows CI without a token).
backend.add(exampleCiHistoryModule);

backend.start();
