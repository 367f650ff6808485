import type {
  ComplianceWaiver,
  ControlSeverity,
  EvidenceFact,
  WaiverAction,
  WaiverStatus,
} from 'backstage-plugin-compliance-common';
import { hashOf } from './hash';
import type { Waiver } from './evaluate';

/** Maximum waiver duration in days, per control severity. */
export type WaiverDurationPolicy = Record<ControlSeverity, number>;

/** Defaults: the more severe the control, the shorter a waiver may last. */
export const DEFAULT_WAIVER_MAX_DAYS: WaiverDurationPolicy = {
  critical: 30,
  high: 90,
  medium: 180,
  low: 365,
  info: 365,
};

const DAY_MS = 86_400_000;

/**
 * The hash of a result's evidence a waiver is bound to: fact ids, values and
 * unknown reasons only, so a re-observation of the same values (a new
 * `observedAt`) or a reordering never counts as a change.
 */
export function evidenceHashOf(evidence: EvidenceFact[]): string {
  return hashOf(
    evidence
      .map(e => [e.factId, e.value ?? null, e.unknownReason ?? null])
      .sort((a, b) => {
        const x = String(a[0]);
        const y = String(b[0]);
        if (x === y) return 0;
        return x < y ? -1 : 1;
      }),
  );
}

/** Why an expiry is refused, or undefined when it is acceptable. */
export function checkWaiverExpiry(options: {
  expiresAt: Date;
  severity: ControlSeverity;
  policy: WaiverDurationPolicy;
  now: Date;
}): string | undefined {
  const { expiresAt, severity, policy, now } = options;
  if (expiresAt.getTime() <= now.getTime()) {
    return 'expiresAt must be in the future';
  }
  const maxDays = policy[severity];
  if (expiresAt.getTime() - now.getTime() > maxDays * DAY_MS) {
    return `expiresAt is too far away: waivers of ${severity} controls last at most ${maxDays} days (until ${new Date(
      now.getTime() + maxDays * DAY_MS,
    ).toISOString()})`;
  }
  return undefined;
}

/** The statuses a waiver may be in for each action, and the status it moves to. */
const TRANSITIONS: Record<
  'approve' | 'reject' | 'revoke',
  { from: WaiverStatus[]; to: WaiverStatus; action: WaiverAction }
> = {
  // An approved waiver flagged for review is re-approved.
  approve: {
    from: ['requested', 'approved'],
    to: 'approved',
    action: 'approved',
  },
  reject: {
    from: ['requested', 'approved'],
    to: 'rejected',
    action: 'rejected',
  },
  revoke: { from: ['requested', 'approved'], to: 'revoked', action: 'revoked' },
};

/**
 * Checks a workflow step against the waiver's current state. Returns the new
 * status and ledger action, or the reason the step is not possible.
 */
export function waiverTransition(
  waiver: Pick<ComplianceWaiver, 'status' | 'reviewRequired'>,
  step: 'approve' | 'reject' | 'revoke',
):
  | { ok: true; to: WaiverStatus; action: WaiverAction }
  | { ok: false; reason: string } {
  const t = TRANSITIONS[step];
  if (!t.from.includes(waiver.status)) {
    return {
      ok: false,
      reason: `A ${waiver.status} waiver cannot be ${
        step === 'approve' ? 'approved' : `${step}ed`
      }`,
    };
  }
  if (
    step === 'approve' &&
    waiver.status === 'approved' &&
    !waiver.reviewRequired
  ) {
    return { ok: false, reason: 'The waiver is already approved' };
  }
  return { ok: true, to: t.to, action: t.action };
}

/** Whether a stored waiver is in force at `now` (approved, not flagged, not expired). */
export function isWaiverInForce(w: ComplianceWaiver, now: Date): boolean {
  return (
    w.status === 'approved' &&
    !w.reviewRequired &&
    (!w.expiresAt || new Date(w.expiresAt).getTime() > now.getTime())
  );
}

/** A stored waiver in force, as evaluation takes it. */
export function toEvaluationWaiver(w: ComplianceWaiver): Waiver {
  return {
    id: w.id,
    entityRef: w.entityRef,
    controlId: w.controlId,
    reason: w.reason,
    ...(w.expiresAt ? { expiresAt: w.expiresAt } : {}),
    ...(w.decidedBy ? { approvedBy: w.decidedBy } : {}),
    ...(w.evidenceHash ? { evidenceHash: w.evidenceHash } : {}),
  };
}

/** Config waivers, shown beside the stored ones (source: config). */
export function configWaiverViews(
  waivers: Waiver[],
  entityRef: string,
  now: Date,
): ComplianceWaiver[] {
  return waivers.flatMap((w, i) =>
    w.entityRef === entityRef
      ? [
          {
            id: `config:${i}`,
            source: 'config' as const,
            entityRef: w.entityRef,
            controlId: w.controlId,
            status:
              w.expiresAt && new Date(w.expiresAt).getTime() <= now.getTime()
                ? ('expired' as const)
                : ('approved' as const),
            reason: w.reason,
            ...(w.expiresAt ? { expiresAt: w.expiresAt } : {}),
            decidedBy: 'app-config',
            reviewRequired: false,
          },
        ]
      : [],
  );
}
