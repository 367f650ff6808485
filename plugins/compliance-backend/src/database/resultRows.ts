import type {
  ComplianceStatus,
  ControlResult,
  EvidenceFact,
  StatusChange,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { toStoredEvidence } from '../lib/evidenceRefs';
import { Timestamp, toIso } from './util';

/** A row of `compliance_results`. */
export interface ResultRow {
  entity_ref: string;
  control_id: string;
  status: string;
  reason: string;
  unknown_reason: string | null;
  /** JSON: references to the fact states evaluated (see `StoredEvidence`). */
  evidence: string;
  control_version: string;
  evaluated_at: Timestamp;
  status_since: Timestamp;
}

/** A row of `compliance_status_changes`. */
export interface ChangeRow {
  entity_ref: string;
  control_id: string;
  from_status: string | null;
  to_status: string;
  cause: string;
  reason: string;
  control_version: string;
  changed_at: Timestamp;
}

export function resultRow(r: ControlResult): ResultRow {
  return {
    entity_ref: r.entityRef,
    control_id: r.controlId,
    status: r.status,
    reason: r.reason,
    unknown_reason: r.unknownReason ?? null,
    evidence: JSON.stringify(toStoredEvidence(r.evidence)),
    control_version: r.controlVersion,
    evaluated_at: new Date(r.evaluatedAt),
    status_since: new Date(r.statusSince),
  };
}

export function controlResult(
  r: ResultRow,
  evidence: EvidenceFact[],
): ControlResult {
  return {
    entityRef: r.entity_ref,
    controlId: r.control_id,
    status: r.status as ComplianceStatus,
    reason: r.reason,
    ...(r.unknown_reason
      ? { unknownReason: r.unknown_reason as UnknownReason }
      : {}),
    evidence,
    controlVersion: r.control_version,
    evaluatedAt: toIso(r.evaluated_at),
    statusSince: toIso(r.status_since),
  };
}

export function changeRow(c: StatusChange): ChangeRow {
  return {
    entity_ref: c.entityRef,
    control_id: c.controlId,
    from_status: c.from,
    to_status: c.to,
    cause: c.cause,
    reason: c.reason,
    control_version: c.controlVersion,
    changed_at: new Date(c.changedAt),
  };
}

export function statusChange(c: ChangeRow): StatusChange {
  return {
    entityRef: c.entity_ref,
    controlId: c.control_id,
    from: c.from_status as ComplianceStatus | null,
    to: c.to_status as ComplianceStatus,
    cause: c.cause as StatusChange['cause'],
    reason: c.reason,
    controlVersion: c.control_version,
    changedAt: toIso(c.changed_at),
  };
}
