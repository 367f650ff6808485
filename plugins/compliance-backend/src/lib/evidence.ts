import type {
  ComplianceStatus,
  ControlResult,
  JsonValue,
  ResultAsOf,
  StatusChange,
} from 'backstage-plugin-compliance-common';
import { hashOf, stableStringify } from './hash';

/**
 * sha256 of a fact's canonical payload: its value and unknown reason as
 * key-sorted JSON. Equal payloads hash alike whatever their key order.
 */
export function factPayloadHash(
  value: JsonValue | undefined,
  unknownReason: string | null | undefined,
): string {
  return hashOf({ value: value ?? null, unknownReason: unknownReason ?? null });
}

/** A value with its object keys sorted, so that its JSON is canonical. */
export function canonicalValue<T extends JsonValue | undefined>(value: T): T {
  if (value === undefined || value === null || typeof value !== 'object') {
    return value;
  }
  return JSON.parse(stableStringify(value));
}

/**
 * Each control's status at `asOf`, from the current results and the ledger
 * entries recorded after `asOf` (oldest first): the status before the first
 * later change, or the current one when nothing changed since. A control
 * whose result began after `asOf` without a ledger entry (the entity's first
 * evaluation) had no status then (`null`).
 */
export function statusesAsOf(
  current: ControlResult[],
  changesAfter: StatusChange[],
  asOf: Date,
): ResultAsOf[] {
  const firstAfter = new Map<string, StatusChange>();
  for (const c of [...changesAfter].sort((a, b) =>
    a.changedAt < b.changedAt ? -1 : 1,
  )) {
    if (new Date(c.changedAt).getTime() <= asOf.getTime()) continue;
    if (!firstAfter.has(c.controlId)) firstAfter.set(c.controlId, c);
  }
  const ids = new Set([...current.map(r => r.controlId), ...firstAfter.keys()]);
  const byId = new Map(current.map(r => [r.controlId, r]));
  const out: ResultAsOf[] = [];
  for (const controlId of [...ids].sort()) {
    const change = firstAfter.get(controlId);
    if (change) {
      out.push({ controlId, status: change.from as ComplianceStatus | null });
      continue;
    }
    const r = byId.get(controlId);
    if (!r) continue;
    const began = new Date(r.statusSince).getTime() <= asOf.getTime();
    out.push(
      began
        ? { controlId, status: r.status, since: r.statusSince }
        : { controlId, status: null },
    );
  }
  return out;
}
