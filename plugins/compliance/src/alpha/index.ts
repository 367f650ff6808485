export { complianceApi, complianceGovernanceApi } from './apis';
export { compliancePage } from './pages';
export { complianceEntityContent } from './entityContent';
export { complianceScoreCard, complianceCiSignalsCard } from './entityCards';
