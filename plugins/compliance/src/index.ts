/**
 * The compliance frontend plugin: the entity Compliance tab, entity cards and
 * the org overview page. This entry point serves the legacy frontend system;
 * the new frontend system imports `backstage-plugin-compliance/alpha`.
 *
 * @packageDocumentation
 */
export {
  compliancePlugin,
  CompliancePage,
  EntityComplianceContent,
  EntityComplianceCard,
  EntityCiSignalsCard,
} from './plugin';
export { rootRouteRef as complianceRootRouteRef } from './routes';
export * from './api';
export * from './lib';
export { complianceTranslationRef } from './translation';
export type {
  ComplianceInsight,
  ComplianceOverviewProps,
  EntityComplianceCardProps,
  EntityComplianceContentProps,
} from './components';
