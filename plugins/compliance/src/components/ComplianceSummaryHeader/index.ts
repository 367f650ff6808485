export {
  ComplianceSummaryHeader,
  isSummaryStale,
} from './ComplianceSummaryHeader';
