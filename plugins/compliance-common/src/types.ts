import type { PersonRef } from './people';

/**
 * A JSON value, as stored for facts and evidence.
 *
 * @public
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * The status of one control for one entity.
 *
 * @public
 */
export type ComplianceStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'not_applicable'
  | 'waived';

/**
 * All statuses, in display order.
 *
 * @public
 */
export const COMPLIANCE_STATUSES: readonly ComplianceStatus[] = [
  'fail',
  'warn',
  'unknown',
  'pass',
  'waived',
  'not_applicable',
];

/**
 * Control severity. Each severity carries a default weight.
 *
 * @public
 */
export type ControlSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/**
 * Default weight per severity (OpenSSF Scorecard risk weights).
 *
 * @public
 */
export const SEVERITY_WEIGHTS: Readonly<Record<ControlSeverity, number>> = {
  critical: 10,
  high: 7.5,
  medium: 5,
  low: 2.5,
  info: 0,
};

/**
 * Why a fact or a result is unknown.
 *
 * @public
 */
export type UnknownReason =
  | 'no_repo'
  | 'no_credentials'
  | 'insufficient_permission'
  | 'feature_unavailable'
  | 'rate_limited'
  | 'error'
  | 'not_collected'
  | 'insufficient_data';

/**
 * Where a fact came from.
 *
 * @public
 */
export interface FactEvidence {
  /** Human readable source, for example `GET /repos/{owner}/{repo}`. */
  source?: string;
  /** A link a user can follow to see the evidence. */
  url?: string;
  /** sha256 of the raw payload the fact was derived from. */
  sha256?: string;
}

/**
 * One observed value for one entity.
 *
 * @public
 */
export interface Fact {
  entityRef: string;
  factId: string;
  collectorId: string;
  /** The value; `null` when the fact is unknown. */
  value: JsonValue;
  /** Set when the fact could not be observed. */
  unknownReason?: UnknownReason;
  /** Human readable detail for an unknown fact. */
  message?: string;
  /** ISO timestamp of the observation that produced the value. */
  observedAt: string;
  /**
   * For an unknown fact that kept the last good value: when that value was
   * observed. Lets the UI show the age of stale data.
   */
  lastGoodObservedAt?: string;
  evidence?: FactEvidence;
  /**
   * sha256 of the canonical (key-sorted) JSON of the observation: value and
   * unknown reason. Equal payloads hash alike whatever their key order.
   */
  sha256?: string;
  /** When the value last changed (a new history row). */
  changedAt?: string;
  /** When a collector last observed the fact, changed or not. */
  lastObservedAt?: string;
}

/**
 * Comparison operators of the control rule language.
 *
 * @public
 */
export type RuleOperator =
  | 'equal'
  | 'notEqual'
  | 'lessThan'
  | 'lessThanInclusive'
  | 'greaterThan'
  | 'greaterThanInclusive'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'notContains'
  | 'matches'
  | 'exists'
  | 'notExists'
  | 'lengthGreaterThanInclusive';

/**
 * A comparison of one fact against a value.
 *
 * @public
 */
export interface FactCondition {
  fact: string;
  operator: RuleOperator;
  value?: JsonValue;
}

/**
 * A condition of the control rule language.
 *
 * @public
 */
export type RuleCondition =
  | FactCondition
  | { all: RuleCondition[] }
  | { any: RuleCondition[] }
  | { not: RuleCondition };

/**
 * The rule of a control: `pass` decides pass, otherwise `warn` decides warn,
 * otherwise the result is fail. `notApplicable` is checked first.
 *
 * @public
 */
export interface ControlRule {
  pass: RuleCondition;
  warn?: RuleCondition;
  notApplicable?: RuleCondition;
}

/**
 * Which entities a control applies to. Every given field must match.
 *
 * @public
 */
export interface ControlApplicability {
  kinds?: string[];
  types?: string[];
  lifecycles?: string[];
  /** The entity must carry at least one of these tags. */
  tags?: string[];
  /** The entity must carry none of these tags. */
  excludeTags?: string[];
  /** The entity must carry every one of these annotations. */
  annotations?: string[];
}

/**
 * Framework mappings: framework id (`soc2`, `iso27001`, `openssf`) to the
 * framework's references (`CC8.1`, `A.8.32`, `Branch-Protection`).
 *
 * @public
 */
export type FrameworkMappings = Record<string, string[]>;

/**
 * How a control is defined, by the built-in catalogue, a module or config.
 *
 * @public
 */
export interface ControlDefinition {
  id: string;
  title: string;
  description: string;
  category: string;
  severity: ControlSeverity;
  /** Overrides the severity's default weight. */
  weight?: number;
  applicability?: ControlApplicability;
  rule: ControlRule;
  frameworks?: FrameworkMappings;
  remediation?: { text: string; url?: string };
  /** Readable explanations per outcome; the engine explains the rule otherwise. */
  messages?: { pass?: string; warn?: string; fail?: string };
}

/**
 * Where a control comes from.
 *
 * @public
 */
export type ControlSource = 'builtin' | 'module' | 'config';

/**
 * A control as the engine uses it.
 *
 * @public
 */
export interface Control extends ControlDefinition {
  /** Effective weight. */
  weight: number;
  /** Hash of the definition; changes whenever the definition does. */
  version: string;
  source: ControlSource;
  /** The fact ids the rule reads. */
  facts: string[];
}

/**
 * A fact as evidence of a result.
 *
 * @public
 */
export interface EvidenceFact {
  factId: string;
  value: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  observedAt?: string;
  evidence?: FactEvidence;
  /**
   * The people the value names (GitHub logins), resolved to catalog users
   * when reading; see `personRefSchema`.
   */
  people?: PersonRef[];
}

/**
 * The result of one control for one entity.
 *
 * @public
 */
export interface ControlResult {
  entityRef: string;
  controlId: string;
  status: ComplianceStatus;
  reason: string;
  unknownReason?: UnknownReason;
  evidence: EvidenceFact[];
  controlVersion: string;
  evaluatedAt: string;
  /** When the current status began. */
  statusSince: string;
}

/**
 * Counts per status.
 *
 * @public
 */
export type StatusCounts = Record<ComplianceStatus, number>;

/**
 * A score with its coverage. `score` is 0..100, `null` when nothing known.
 * `coverage` is known weight divided by applicable weight, 0..1.
 *
 * @public
 */
export interface ScoreBreakdown {
  score: number | null;
  coverage: number;
  knownWeight: number;
  applicableWeight: number;
  counts: StatusCounts;
}

/**
 * A compliance level, for example bronze/silver/gold.
 *
 * @public
 */
export interface ComplianceLevel {
  id: string;
  title: string;
  requiredControls: string[];
  /**
   * The coverage (0..1: known weight / applicable weight) an entity needs
   * for this level, so a level is never reached on too little evidence.
   * No minimum when absent.
   */
  minCoverage?: number;
}

// The API response shapes live in `./apiTypes`; re-exported here so that
// modules importing them from `./types` keep working.
export type {
  CollectorStatus,
  ComplianceStatusResponse,
  ControlResultWithControl,
  ControlsResponse,
  EntityComplianceSummary,
  EntityHistory,
  EvaluationPreview,
  HistoryPoint,
  OverviewResponse,
  OverviewSortField,
  StatusChange,
  StatusChangeCause,
} from './apiTypes';
