export { OrgTrend, formatLevels } from './OrgTrend';
export type { OrgTrendProps } from './OrgTrend';
