export { complianceServiceMock } from './complianceServiceMock';
