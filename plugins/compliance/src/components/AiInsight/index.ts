export { AiInsight, controlAnchor } from './AiInsight';
export type { ComplianceInsight } from './AiInsight';
