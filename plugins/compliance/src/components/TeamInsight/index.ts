export { TeamInsight } from './TeamInsight';
export type { TeamInsightProps } from './TeamInsight';
