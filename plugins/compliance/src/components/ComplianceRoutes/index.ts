export { ComplianceRoutes } from './ComplianceRoutes';
