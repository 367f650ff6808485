export { ScoreTrend, TREND_RANGES } from './ScoreTrend';
