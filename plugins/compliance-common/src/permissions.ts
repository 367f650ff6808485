import {
  createPermission,
  type BasicPermission,
  type Permission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The catalog's resource type: refresh is authorized per entity, so a policy
 * can use the catalog's conditions (for example "is the entity's owner").
 *
 * @public
 */
export const COMPLIANCE_REFRESH_RESOURCE_TYPE = 'catalog-entity';

/**
 * Read compliance reports (summaries, results, history, overview).
 * Entity visibility is enforced separately through the catalog.
 *
 * @public
 */
export const complianceReportReadPermission: BasicPermission = createPermission(
  {
    name: 'compliance.report.read',
    attributes: { action: 'read' },
  },
);

/**
 * Trigger a refresh (collection and evaluation) of one entity. A resource
 * permission on the catalog entity: adopters can limit it to the entity's
 * owners with the catalog's permission rules.
 *
 * @public
 */
export const complianceEntityRefreshPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'compliance.entity.refresh',
    attributes: { action: 'update' },
    resourceType: COMPLIANCE_REFRESH_RESOURCE_TYPE,
  });

/**
 * Request a waiver for one of an entity's controls. A resource permission on
 * the catalog entity, like refresh: a policy can allow it to the entity's
 * owners with the catalog's `IS_ENTITY_OWNER` rule.
 *
 * @public
 */
export const complianceWaiverRequestPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'compliance.waiver.request',
    attributes: { action: 'create' },
    resourceType: COMPLIANCE_REFRESH_RESOURCE_TYPE,
  });

/**
 * Approve, reject or revoke waivers. Meant for a small group (security,
 * compliance admins): grant it in the permission policy.
 *
 * @public
 */
export const complianceWaiverApprovePermission: BasicPermission =
  createPermission({
    name: 'compliance.waiver.approve',
    attributes: { action: 'update' },
  });

/**
 * Download auditor exports (every readable entity's results, evidence and
 * waivers for a framework).
 *
 * @public
 */
export const complianceExportPermission: BasicPermission = createPermission({
  name: 'compliance.export.read',
  attributes: { action: 'read' },
});

/**
 * Push CI runs and check results for an entity (`POST /ci/runs`). Meant
 * for CI systems calling with a Backstage external access token; users are
 * refused whatever the policy says.
 *
 * @public
 */
export const complianceCiRunsPushPermission: BasicPermission = createPermission(
  {
    name: 'compliance.ci.push',
    attributes: { action: 'create' },
  },
);

/**
 * Regenerate an entity's AI insight even when its inputs did not change
 * (`POST /entities/:kind/:namespace/:name/insight/regenerate`). A resource
 * permission on the catalog entity, separate from refresh because it spends
 * model tokens: a policy can allow it to the entity's owners only.
 *
 * @public
 */
export const complianceInsightRegeneratePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'compliance.insight.regenerate',
    attributes: { action: 'update' },
    resourceType: COMPLIANCE_REFRESH_RESOURCE_TYPE,
  });

/**
 * All permissions of the compliance suite.
 *
 * @public
 */
export const compliancePermissions: Permission[] = [
  complianceReportReadPermission,
  complianceEntityRefreshPermission,
  complianceWaiverRequestPermission,
  complianceWaiverApprovePermission,
  complianceExportPermission,
  complianceCiRunsPushPermission,
  complianceInsightRegeneratePermission,
];
