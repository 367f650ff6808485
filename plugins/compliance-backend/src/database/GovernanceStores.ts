/** The governance aggregates of the one compliance store: waivers, evidence as of a date, campaigns. */
import type {
  ComplianceWaiver,
  ControlEntityRow,
  FactAsOf,
  StatusChange,
  TrendPoint,
  WaiverAction,
  WaiverEvent,
  WaiverStatus,
} from 'backstage-plugin-compliance-common';

/** A waiver request as the store records it. */
export interface WaiverRequest {
  entityRef: string;
  controlId: string;
  reason: string;
  link?: string;
  expiresAt: Date;
  requestedBy: string;
  evidenceHash?: string;
  now: Date;
}

/** A move of a waiver from one of `from` to `to`, recorded as `action`. */
export interface WaiverTransition {
  id: string;
  from: WaiverStatus[];
  to: WaiverStatus;
  action: WaiverAction;
  actor: string;
  comment?: string;
  /** Set on approval: the evidence the approver saw. */
  evidenceHash?: string;
  now: Date;
}

/** Waivers requested and decided through the API, and their ledger. */
export interface WaiverStore {
  /** Stores a new request (status `requested`) and its ledger entry. */
  createRequest(request: WaiverRequest): Promise<ComplianceWaiver>;
  get(id: string): Promise<ComplianceWaiver | undefined>;
  /** An entity's waivers and waiver ledger, newest first. */
  listForEntity(
    entityRef: string,
  ): Promise<{ items: ComplianceWaiver[]; events: WaiverEvent[] }>;
  /** Waivers across entities, newest first (the approvers' queue). */
  list(options: {
    status?: WaiverStatus;
    entityRefs?: string[];
    limit: number;
  }): Promise<ComplianceWaiver[]>;
  /**
   * Moves a waiver from one of `from` to `to` and records the action.
   * Optimistic: undefined when the waiver is missing or changed meanwhile.
   */
  transition(options: WaiverTransition): Promise<ComplianceWaiver | undefined>;
  /** Approved, unexpired waivers not flagged for review, per entity. */
  getInForce(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, ComplianceWaiver[]>>;
  /** Waivers that were in force at `asOf`, per entity. */
  getAsOf(
    entityRefs: string[],
    asOf: Date,
  ): Promise<Map<string, ComplianceWaiver[]>>;
  /** Flags approved waivers whose evidence changed. Returns the flagged count. */
  flagForReview(ids: string[], now: Date): Promise<number>;
  /** Expires requested and approved waivers past their expiry. Returns their entity refs. */
  expireDue(now: Date): Promise<string[]>;
}

/** An entity as the auditor export lists it. */
export interface ExportEntity {
  entityRef: string;
  kind: string;
  title?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
}

/** Point-in-time reads over the append-only evidence and the ledger. */
export interface EvidenceStore {
  /** Each fact's value, hash and source as they stood at `asOf`, per entity. */
  getFactsAsOf(
    entityRefs: string[],
    asOf: Date,
  ): Promise<Map<string, FactAsOf[]>>;
  /** Ledger entries after `after`, oldest first, per entity. */
  getChangesAfter(
    entityRefs: string[],
    after: Date,
  ): Promise<Map<string, StatusChange[]>>;
  /** Up to `limit` entities ordered by ref, after `after` (keyset paging). */
  pageEntities(limit: number, after?: string): Promise<ExportEntity[]>;
}

/** Filters of the per-control page and the org trend. */
export interface CampaignFilter {
  owners?: string[];
  system?: string[];
  lifecycle?: string[];
  kind?: string[];
  status?: string[];
  allowedRefs?: string[];
}

/** One control across entities, and the org trend of a filtered set. */
export interface CampaignStore {
  getControlEntities(
    controlId: string,
    filter: CampaignFilter,
    limit: number,
  ): Promise<{ items: ControlEntityRow[]; counts: Record<string, number> }>;
  /** Per day since `sinceDay`: entities, average score, level distribution. */
  getTrend(filter: CampaignFilter, sinceDay: string): Promise<TrendPoint[]>;
}
