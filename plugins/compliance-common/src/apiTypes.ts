import type { CreationRecord } from './creationRecords';
import type {
  ComplianceLevel,
  ComplianceStatus,
  Control,
  ControlResult,
  ScoreBreakdown,
  StatusCounts,
} from './types';

/**
 * The headline of an entity's compliance.
 *
 * @public
 */
export interface EntityComplianceSummary extends ScoreBreakdown {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  type?: string;
  level: { id: string; title: string } | null;
  /**
   * The next level and the required controls not yet passing; `minCoverage`
   * when the level also needs more coverage than the entity has.
   */
  nextLevel?: {
    id: string;
    title: string;
    missingControls: string[];
    minCoverage?: number;
  };
  categories: Record<string, ScoreBreakdown>;
  frameworks: Record<string, ScoreBreakdown>;
  evaluatedAt: string | null;
  /** Latest fact observation per collector, to judge staleness. */
  collectedAt: Record<string, string>;
}

/**
 * A control result joined with its control, as the results endpoint returns it.
 *
 * @public
 */
export interface ControlResultWithControl extends ControlResult {
  control: Control;
}

/**
 * One point of an entity's history (one per day).
 *
 * @public
 */
export interface HistoryPoint {
  day: string;
  score: number | null;
  coverage: number;
  level: string | null;
  counts: StatusCounts;
}

/**
 * Why a status changed.
 *
 * @public
 */
export type StatusChangeCause = 'data' | 'rule' | 'waiver';

/**
 * One entry of the status-change ledger.
 *
 * @public
 */
export interface StatusChange {
  entityRef: string;
  controlId: string;
  from: ComplianceStatus | null;
  to: ComplianceStatus;
  cause: StatusChangeCause;
  reason: string;
  controlVersion: string;
  changedAt: string;
}

/**
 * An entity's history.
 *
 * @public
 */
export interface EntityHistory {
  entityRef: string;
  points: HistoryPoint[];
  changes: StatusChange[];
  /** Born-compliant records: the level it was created at, by which template run. */
  creations?: CreationRecord[];
}

/**
 * One row of the collector status.
 *
 * @public
 */
export interface CollectorStatus {
  collectorId: string;
  title: string;
  facts: string[];
  running: boolean;
  lastRun?: {
    startedAt: string;
    finishedAt?: string;
    durationMs?: number;
    entitiesProcessed: number;
    factsWritten: number;
    errors: number;
    status: 'running' | 'succeeded' | 'failed';
    message?: string;
  };
}

/**
 * The status endpoint's answer.
 *
 * @public
 */
export interface ComplianceStatusResponse {
  collectors: CollectorStatus[];
  evaluation?: CollectorStatus['lastRun'];
  entities: number;
  controls: number;
}

/**
 * Sort keys of the overview.
 *
 * @public
 */
export type OverviewSortField =
  | 'score'
  | 'coverage'
  | 'name'
  | 'owner'
  | 'level'
  | 'evaluatedAt'
  | 'failing';

/**
 * The org overview's answer.
 *
 * @public
 */
export interface OverviewResponse {
  /**
   * The rows of the page. Slim unless the query asked for `categories`:
   * `categories` and `frameworks` are then empty.
   */
  items: EntityComplianceSummary[];
  /** The `cursor` of the next page (keyset pagination); absent on the last page. */
  nextCursor?: string;
  totalCount: number;
  page: number;
  pageSize: number;
  /** Entities per score bucket of 10 points (`0-9` .. `90-100`), plus `none`. */
  distribution: Array<{ bucket: string; count: number }>;
  /** Controls failing on the most entities of the filtered set. */
  topFailingControls: Array<{
    controlId: string;
    title: string;
    count: number;
  }>;
  /** Counts of entities per level id (`none` for no level). */
  levels: Record<string, number>;
  /** The framework the scores are restricted to, when filtered. */
  framework?: string;
}

/**
 * The control catalogue's answer.
 *
 * @public
 */
export interface ControlsResponse {
  controls: Control[];
  /** Levels in order, lowest first. */
  levels: ComplianceLevel[];
  /** Entity kinds the backend evaluates (lower case). */
  kinds: string[];
  frameworks: Array<{ id: string; title: string }>;
}

/**
 * The evaluation of a proposed entity (not stored), as `POST /evaluate`
 * answers it: what the entity would score before it is registered.
 * Only catalog facts are known at that point; other controls are unknown.
 *
 * @public
 */
export interface EvaluationPreview extends ScoreBreakdown {
  entityRef: string;
  level: { id: string; title: string } | null;
  nextLevel?: { id: string; title: string; missingControls: string[] };
  categories: Record<string, ScoreBreakdown>;
  frameworks: Record<string, ScoreBreakdown>;
  results: ControlResultWithControl[];
  /** The fact ids that were predicted by the request, not observed. */
  predictedFacts?: string[];
}
