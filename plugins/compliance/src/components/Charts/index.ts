export {
  ScoreTrendChart,
  CiDurationChart,
  ScoreDistributionChart,
} from './LazyCharts';
