export {
  isComplianceAvailable,
  complianceEntityFilter,
  COMPLIANCE_ENTITY_KINDS,
} from './isComplianceAvailable';
