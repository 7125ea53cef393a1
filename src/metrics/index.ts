/**
 * Metrics: the run report's plain-data shape and the small statistics it needs.
 *
 * @module
 */
export {
  emptyGroupReport,
  type ExpectationReport,
  type GroupReport,
  type ListingReport,
  quantile,
  REPORT_VERSION,
  type RuleReport,
  type RunReport,
  type ServerReport,
  USER_ERROR_KINDS,
  type UserErrorKind,
  type LocationReport,
  type VpnReport,
  type WorkaroundReport,
} from './report.js';
export { Samples } from './samples.js';
