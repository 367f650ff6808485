import type { UserLoginStore } from './DatabaseUserLoginStore';
import type { CiRunStore } from './DatabaseCiRunStore';
import type { CreationStore } from './DatabaseCreationStore';
import type {
  CollectorStatus,
  ControlResult,
  EntityComplianceSummary,
  Fact,
  HistoryPoint,
  JsonValue,
  OverviewQuery,
  ScoreBreakdown,
  StatusChange,
  StatusCounts,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import type {
  CampaignStore,
  EvidenceStore,
  WaiverStore,
} from './GovernanceStores';

export type {
  CampaignFilter,
  CampaignStore,
  EvidenceStore,
  ExportEntity,
  WaiverRequest,
  WaiverStore,
  WaiverTransition,
} from './GovernanceStores';
import type { EntitySnapshot } from '../lib/evaluate';
import type { InsightStore } from './DatabaseInsightStore';
import type { NotificationStore } from './DatabaseNotificationStore';

/** A fact to write. `value` is absent for an unknown fact. */
export interface FactWrite {
  entityRef: string;
  factId: string;
  value?: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  evidence?: Fact['evidence'];
  observedAt: Date;
}

/** A fact as stored, with what evaluation needs. */
export interface StoredFact extends Fact {
  /** True when the value is usable for evaluation. */
  known: boolean;
  /** True when a transient failure kept the last good value. */
  stale: boolean;
}

/** Score data of one entity after an evaluation. */
export interface EntityScoreWrite {
  entityRef: string;
  score: number | null;
  coverage: number;
  level: string | null;
  counts: StatusCounts;
  summary: {
    knownWeight: number;
    applicableWeight: number;
    categories: Record<string, ScoreBreakdown>;
    frameworks: Record<string, ScoreBreakdown>;
    nextLevel?: {
      id: string;
      title: string;
      missingControls: string[];
      minCoverage?: number;
    };
  };
  inputsHash: string;
  /**
   * The inputs hash stored when the evaluation read the entity; the write
   * only applies while it is still stored. `undefined` skips the check.
   */
  previousInputsHash?: string | null;
}

/** Everything one evaluation writes for one entity. */
export interface EntityEvaluationWrite {
  entityRef: string;
  /** Results that are new or changed. */
  upsertResults: ControlResult[];
  /** Controls whose results must be removed (control disabled or deleted). */
  deleteResults: string[];
  changes: StatusChange[];
  /** Only set when the score row changed. */
  score?: EntityScoreWrite;
}

/** Filters of the overview, after permission and group expansion. */
export interface OverviewFilter extends Omit<OverviewQuery, 'owner'> {
  owners?: string[];
  /** When set, only these entity refs may be returned. */
  allowedRefs?: string[];
}

/** One row of the overview, before the API adds framework details. */
export type OverviewRow = EntityComplianceSummary;

/** A collector or evaluation run. */
export type RunRecord = NonNullable<CollectorStatus['lastRun']> & {
  id: string;
};

/** Catalog snapshots of the evaluated entities and their dirty flags. */
export interface EntityStore {
  /** Inserts or updates entity snapshots; changed ones become dirty. Returns the changed refs. */
  upsertEntities(entities: EntitySnapshot[], now: Date): Promise<string[]>;
  /** Removes entities (and all their data) that are not in `keep`. Returns the removed count. */
  deleteEntitiesNotIn(keep: Set<string>): Promise<number>;
  getEntitySnapshots(
    entityRefs: string[],
  ): Promise<Map<string, EntitySnapshot>>;
  /** Marks every entity dirty (the control catalogue changed). */
  markAllDirty(): Promise<void>;
  /** Marks the given entities dirty (for example their waivers changed). */
  markDirty(entityRefs: string[]): Promise<void>;
  /**
   * The dirty version of each entity: it grows each time the entity is
   * marked dirty. Read before the inputs, it lets an evaluation clear the
   * flag only when nothing changed since.
   */
  getDirtyVersions(entityRefs: string[]): Promise<Map<string, number>>;
  /** Up to `limit` dirty entity refs, ordered by ref, after `after`. */
  getDirtyEntityRefs(limit: number, after?: string): Promise<string[]>;
  countEntities(): Promise<number>;
}

/** Facts with their history, and the collectors' private state. */
export interface FactStore {
  /** Writes only facts that changed, records their history, marks entities dirty. */
  writeFacts(
    collectorId: string,
    facts: FactWrite[],
  ): Promise<{ written: number }>;
  getFacts(
    entityRefs: string[],
    prefix?: string,
  ): Promise<Map<string, StoredFact[]>>;
  getState(
    collectorId: string,
    keys: string[],
  ): Promise<Map<string, JsonValue>>;
  setState(
    collectorId: string,
    entries: Array<{ key: string; value: JsonValue }>,
    now: Date,
  ): Promise<void>;
  deleteState(collectorId: string, keys: string[]): Promise<void>;
  /** Deletes fact history observed before the cut-off. Returns the deleted count. */
  deleteHistoryBefore(cutoff: Date): Promise<number>;
  /** Deletes collector state not written since the cut-off (the engine's own kept). */
  deleteStateBefore(cutoff: Date): Promise<number>;
}

/** Results, scores, the status-change ledger and the daily history. */
export interface EvaluationStore {
  /**
   * The current results with the evidence each was evaluated on: results
   * store references to fact states, resolved against the current facts
   * (`currentFacts` when the caller has read them) and the fact history.
   */
  getResults(
    entityRefs: string[],
    currentFacts?: ReadonlyMap<string, StoredFact[]>,
  ): Promise<Map<string, ControlResult[]>>;
  getInputsHashes(entityRefs: string[]): Promise<Map<string, string | null>>;
  /**
   * Persists evaluations (results, ledger, score rows of existing entities,
   * framework scores, today's history) and clears the dirty flag of the
   * evaluated entities whose dirty version is still the one read before
   * evaluating (all of them when `dirtyVersions` is absent).
   *
   * Optimistic: an entity whose stored inputs hash is no longer the
   * `previousInputsHash` its evaluation was based on (another replica or a
   * refresh saved meanwhile) is skipped, so no ledger entry is written twice.
   */
  saveEvaluations(
    writes: EntityEvaluationWrite[],
    evaluatedRefs: string[],
    dirtyVersions: ReadonlyMap<string, number> | undefined,
    now: Date,
  ): Promise<{ rowsWritten: number; skipped: string[] }>;
  /** The stored summary; `collectedAt` is left empty (the status service fills it). */
  getSummary(entityRef: string): Promise<EntityComplianceSummary | undefined>;
  getHistory(
    entityRef: string,
    since: string,
  ): Promise<{ points: HistoryPoint[]; changes: StatusChange[] }>;
  /** Writes the day's history row for every evaluated entity that lacks one. */
  rollUp(day: string): Promise<number>;
  /** Deletes history and ledger rows older than the cut-offs. */
  deleteBefore(cutoffs: {
    history: string;
    ledger: Date;
  }): Promise<{ history: number; ledger: number }>;
}

/** Records of collector and evaluation runs. */
export interface RunStore {
  startRun(runKey: string, now: Date): Promise<string>;
  finishRun(
    id: string,
    data: {
      status: 'succeeded' | 'failed';
      entitiesProcessed: number;
      factsWritten: number;
      errors: number;
      message?: string;
    },
    now: Date,
  ): Promise<void>;
  /** The latest run per run key. */
  getLatestRuns(): Promise<Map<string, RunRecord>>;
  deleteBefore(cutoff: Date): Promise<number>;
}

/** The aggregates of an overview answer. */
export interface OverviewFigures {
  totalCount: number;
  distribution: Array<{ bucket: string; count: number }>;
  topFailing: Array<{ controlId: string; count: number }>;
  levels: Record<string, number>;
  /**
   * The entities of the unfiltered overview, when known: with `totalCount`,
   * how selective the filter is (the store plans its page read on it).
   */
  universe?: number;
}

/** The overview read model: filtered, sorted pages and aggregates. */
export interface OverviewStore {
  /**
   * A page of the filter and its aggregates; `precomputed` aggregates (of
   * the same filter, from the last evaluation cycle) spare their queries.
   */
  getOverview(
    filter: OverviewFilter,
    precomputed?: OverviewFigures,
  ): Promise<{
    items: OverviewRow[];
    /** The cursor of the next page, when there is one. */
    nextCursor?: string;
    totalCount: number;
    distribution: Array<{ bucket: string; count: number }>;
    topFailing: Array<{ controlId: string; count: number }>;
    levels: Record<string, number>;
  }>;
}

/** One parent → child link between catalog groups (canonical refs). */
export interface GroupEdge {
  parent: string;
  child: string;
}

/** The catalog's group hierarchy, collected by the scheduler. */
export interface GroupStore {
  /** Replaces every stored link with these. */
  replaceGroupEdges(edges: GroupEdge[]): Promise<void>;
  getGroupEdges(): Promise<GroupEdge[]>;
}

/** Counts of one set of entities, summable across sets. */
export interface OverviewAggregate {
  totalCount: number;
  /** Entities per score bucket id. */
  distribution: Record<string, number>;
  /** Entities per level id (`none` for no level). */
  levels: Record<string, number>;
  /** Failing results per control id. */
  failing: Record<string, number>;
}

/** The aggregates of the common overview filters, per evaluation cycle. */
export interface OverviewAggregates {
  all: OverviewAggregate;
  /** Per owner ref (`''` for none). */
  owner: Record<string, OverviewAggregate>;
  /** Per system ref (`''` for none). */
  system: Record<string, OverviewAggregate>;
}

/** The evaluation version and the precomputed overview aggregates. */
export interface ReadModelStore {
  /** Grows whenever what the read routes answer may have changed. */
  getVersion(): Promise<number>;
  /** The version and whether the engine knows the entity, in one query. */
  getVersionOf(entityRef: string): Promise<{ version: number; known: boolean }>;
  bumpVersion(): Promise<number>;
  /** Computes and stores the aggregates, and bumps the version. */
  refreshAggregates(now: Date): Promise<number>;
  getAggregates(): Promise<
    { version: number; aggregates: OverviewAggregates } | undefined
  >;
}

/**
 * All persistence of the compliance backend: one store per aggregate, on one
 * database and one set of migrations.
 */
export interface ComplianceStores {
  entities: EntityStore;
  facts: FactStore;
  evaluations: EvaluationStore;
  runs: RunStore;
  overview: OverviewStore;
  waiverRecords: WaiverStore;
  /** CI runs pushed through the API. */
  ciRuns: CiRunStore;
  groups: GroupStore;
  /** GitHub logins of catalog users (people named in evidence). */
  userLogins: UserLoginStore;
  readModel: ReadModelStore;
  insights: InsightStore;
  /** Born-compliant records (created at a level by a template run). */
  creations: CreationStore;
  evidence: EvidenceStore;
  campaigns: CampaignStore;
  /** Exactly-once notification claims and what the notifier reads. */
  notifications: NotificationStore;
}
