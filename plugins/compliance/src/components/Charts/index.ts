export {
  ScoreTrendChart,
  CiDurationChart,
  CiOutcomeChart,
  ScoreDistributionChart,
} from './LazyCharts';
