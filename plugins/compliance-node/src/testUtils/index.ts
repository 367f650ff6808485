export { complianceServiceMock } from './complianceServiceMock';
export type { ComplianceService } from '../ComplianceService';
