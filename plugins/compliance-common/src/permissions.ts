import {
  createPermission,
  type BasicPermission,
} from '@backstage/plugin-permission-common';

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
 * Trigger a refresh (collection and evaluation) of one entity.
 *
 * @public
 */
export const complianceEntityRefreshPermission: BasicPermission =
  createPermission({
    name: 'compliance.entity.refresh',
    attributes: { action: 'update' },
  });

/**
 * All permissions of the compliance suite.
 *
 * @public
 */
export const compliancePermissions: BasicPermission[] = [
  complianceReportReadPermission,
  complianceEntityRefreshPermission,
];
