import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ComplianceWaiver,
  ControlSeverity,
  ComplianceStatus,
} from 'backstage-plugin-compliance-common';

/**
 * What to notify, decided without I/O: regressions grouped per entity per
 * day, waiver requests, waivers about to expire, collectors that keep
 * failing. The notifier claims each plan's key in the database before it
 * sends, so a plan is sent once whatever the number of replicas.
 */

/** The kinds of notification, part of the exactly-once key. */
export type NotificationKind =
  | 'regression'
  | 'waiver_requested'
  | 'waiver_expiring'
  | 'collector_failing';

/** The exactly-once key of a notification. */
export interface NotificationKey {
  kind: NotificationKind;
  /** The entity ref, waiver id or run key. */
  subject: string;
  /** The grouping window, such as a UTC day. */
  window: string;
}

/** The payload as the notifications service takes it. */
export interface NotificationMessage {
  title: string;
  description: string;
  link: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  topic: string;
  scope: string;
}

/** A notification to send: to whom, what, and its key. */
export interface NotificationPlan {
  key: NotificationKey;
  recipients: string[];
  message: NotificationMessage;
}

/** The topic users can mute in their notification settings. */
export const NOTIFICATION_TOPIC = 'compliance';

const SEVERITY_RANK: Record<ControlSeverity, number> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Statuses a control can regress from: it met the bar, or was waived. */
const REGRESSION_FROM: ReadonlySet<string> = new Set<ComplianceStatus>([
  'pass',
  'warn',
  'waived',
]);

/** A ledger row as the notifier reads it. */
export interface LedgerChange {
  entityRef: string;
  controlId: string;
  from: string | null;
  to: string;
  changedAt: string;
}

/** A level change of an entity since the notifier last saw it. */
export interface LevelChange {
  entityRef: string;
  /** Absent when the notifier never saw the entity (first evaluation). */
  previous?: { level: string | null };
  level: string | null;
}

/** What the plans need to know about an entity. */
export interface EntityInfo {
  owner?: string;
  title?: string;
}

/** What the plans need to know about a control. */
export interface ControlInfo {
  title: string;
  severity: ControlSeverity;
}

/**
 * Whether a ledger row is a regression: a control that passed, warned or
 * was waived now fails. A first result (`from` null), a newly applicable
 * control and a fail after unknown data are not: nothing the owner did
 * changed, and the tab shows them.
 */
export function isRegression(change: LedgerChange): boolean {
  return (
    change.to === 'fail' &&
    change.from !== null &&
    REGRESSION_FROM.has(change.from)
  );
}

/** Whether a severity reaches the configured threshold. */
export function meetsSeverity(
  severity: ControlSeverity,
  min: ControlSeverity,
): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
}

/**
 * A level drop: the entity had a level before and now has a lower one (or
 * none). Levels are listed lowest first; a level no longer configured is
 * not compared.
 */
export function levelDropOf(
  change: LevelChange,
  levels: string[],
): { from: string; to: string | null } | undefined {
  const before = change.previous?.level;
  if (!before) return undefined;
  const from = levels.indexOf(before);
  if (from < 0) return undefined;
  if (change.level === null) return { from: before, to: null };
  const to = levels.indexOf(change.level);
  if (to < 0 || to >= from) return undefined;
  return { from: before, to: change.level };
}

/** The entity's Compliance tab in the catalog. */
export function complianceTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const part = (s: string) => encodeURIComponent(s.toLocaleLowerCase('en-US'));
  return `/catalog/${part(namespace)}/${part(kind)}/${part(name)}/compliance`;
}

/** Untrusted text bounded to one line of `max` characters. */
export function boundedText(text: string, max = 100): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function listed(items: string[], max = 5): string {
  const shown = items.slice(0, max).join('; ');
  return items.length > max
    ? `${shown}; and ${items.length - max} more`
    : shown;
}

/** UTC day of an ISO time. */
export function dayOf(iso: string | Date): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/**
 * One regression notification per entity per UTC day: its controls that
 * newly fail at or above `minSeverity` and its level drop, to its owner.
 * Entities without an owner are returned in `unowned`.
 */
export function planRegressions(input: {
  changes: LedgerChange[];
  levelChanges: LevelChange[];
  /** The day level drops are grouped into (the run's day). */
  today: string;
  levels: { id: string; title: string }[];
  controls: (id: string) => ControlInfo | undefined;
  entities: (ref: string) => EntityInfo | undefined;
  minSeverity: ControlSeverity;
}): { plans: NotificationPlan[]; unowned: string[] } {
  type Group = {
    entityRef: string;
    day: string;
    controls: Map<string, ControlInfo>;
    levelDrop?: { from: string; to: string | null };
  };
  const groups = new Map<string, Group>();
  const groupOf = (entityRef: string, day: string) => {
    const key = `${entityRef}\u0000${day}`;
    let g = groups.get(key);
    if (!g) {
      g = { entityRef, day, controls: new Map() };
      groups.set(key, g);
    }
    return g;
  };
  for (const change of input.changes) {
    if (!isRegression(change)) continue;
    const control = input.controls(change.controlId);
    if (!control || !meetsSeverity(control.severity, input.minSeverity)) {
      continue;
    }
    groupOf(change.entityRef, dayOf(change.changedAt)).controls.set(
      change.controlId,
      control,
    );
  }
  const levelIds = input.levels.map(l => l.id);
  for (const change of input.levelChanges) {
    const drop = levelDropOf(change, levelIds);
    if (drop) groupOf(change.entityRef, input.today).levelDrop = drop;
  }
  const levelTitle = (id: string | null) =>
    id === null ? 'no level' : input.levels.find(l => l.id === id)?.title ?? id;

  const plans: NotificationPlan[] = [];
  const unowned: string[] = [];
  for (const g of groups.values()) {
    const entity = input.entities(g.entityRef);
    if (!entity?.owner) {
      unowned.push(g.entityRef);
      continue;
    }
    const name = boundedText(entity.title || g.entityRef);
    const controls = [...g.controls.entries()].sort(
      ([, a], [, b]) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
    );
    const lines: string[] = [];
    if (g.levelDrop) {
      lines.push(
        `Level dropped from ${levelTitle(g.levelDrop.from)} to ${levelTitle(
          g.levelDrop.to,
        )}.`,
      );
    }
    if (controls.length) {
      lines.push(
        `Newly failing: ${listed(
          controls.map(([id, c]) => `${id} ${c.title} (${c.severity})`),
        )}.`,
      );
    }
    const serious =
      Boolean(g.levelDrop) ||
      controls.some(([, c]) => meetsSeverity(c.severity, 'high'));
    plans.push({
      key: { kind: 'regression', subject: g.entityRef, window: g.day },
      recipients: [entity.owner],
      message: {
        title: `Compliance regression on ${name}`,
        description: lines.join(' '),
        link: complianceTabLink(g.entityRef),
        severity: serious ? 'high' : 'normal',
        topic: NOTIFICATION_TOPIC,
        scope: `compliance:regression:${g.entityRef}:${g.day}`,
      },
    });
  }
  return { plans, unowned };
}

/** A waiver request, to the configured approvers. */
export function planWaiverRequested(input: {
  waiver: ComplianceWaiver;
  approvers: string[];
  control?: ControlInfo;
  entity?: EntityInfo;
}): NotificationPlan | undefined {
  const { waiver, approvers } = input;
  if (approvers.length === 0) return undefined;
  const until = waiver.expiresAt ? ` until ${dayOf(waiver.expiresAt)}` : '';
  const name = boundedText(input.entity?.title || waiver.entityRef);
  const control = input.control
    ? `${waiver.controlId} ${input.control.title}`
    : waiver.controlId;
  return {
    key: {
      kind: 'waiver_requested',
      subject: waiver.id,
      window: 'request',
    },
    recipients: approvers,
    message: {
      title: `Waiver requested for ${control} on ${name}`,
      description: `${boundedText(
        waiver.requestedBy ?? 'someone',
      )} asks to waive ${waiver.controlId}${until}: ${boundedText(
        waiver.reason,
        300,
      )}`,
      link: complianceTabLink(waiver.entityRef),
      severity: 'normal',
      topic: NOTIFICATION_TOPIC,
      scope: `compliance:waiver:${waiver.id}`,
    },
  };
}

/**
 * Approved waivers that expire within `days` of `now`, one notification
 * each to the entity's owner, once per waiver and expiry date (a re-approved
 * waiver with a new date notifies again).
 */
export function planExpiringWaivers(input: {
  waivers: ComplianceWaiver[];
  now: Date;
  days: number;
  entities: (ref: string) => EntityInfo | undefined;
  controls: (id: string) => ControlInfo | undefined;
}): NotificationPlan[] {
  const until = input.now.getTime() + input.days * 86_400_000;
  return input.waivers.flatMap(w => {
    if (!w.expiresAt) return [];
    const expires = new Date(w.expiresAt).getTime();
    if (w.status !== 'approved' || expires <= input.now.getTime()) return [];
    if (expires > until) return [];
    const entity = input.entities(w.entityRef);
    if (!entity?.owner) return [];
    const control = input.controls(w.controlId);
    const name = boundedText(entity.title || w.entityRef);
    return [
      {
        key: {
          kind: 'waiver_expiring' as const,
          subject: w.id,
          window: dayOf(w.expiresAt),
        },
        recipients: [entity.owner],
        message: {
          title: `Waiver of ${w.controlId} on ${name} expires ${dayOf(
            w.expiresAt,
          )}`,
          description: `The waiver of ${w.controlId}${
            control ? ` ${control.title}` : ''
          } approved by ${boundedText(
            w.decidedBy ?? 'unknown',
          )} expires on ${dayOf(
            w.expiresAt,
          )}. Fix the control or request a new waiver before then.`,
          link: complianceTabLink(w.entityRef),
          severity: 'normal' as const,
          topic: NOTIFICATION_TOPIC,
          scope: `compliance:waiver:${w.id}`,
        },
      },
    ];
  });
}

/** The latest finished runs of one run key, newest first. */
export interface RunStreak {
  runKey: string;
  statuses: string[];
  lastMessage?: string;
}

/**
 * Collectors whose last `threshold` finished runs all failed: one
 * notification per collector per day while it keeps failing, to the admins.
 */
export function planFailingCollectors(input: {
  runs: RunStreak[];
  threshold: number;
  admins: string[];
  today: string;
}): NotificationPlan[] {
  if (input.admins.length === 0) return [];
  return input.runs.flatMap(r => {
    const latest = r.statuses.slice(0, input.threshold);
    if (latest.length < input.threshold) return [];
    if (!latest.every(s => s === 'failed')) return [];
    const name = boundedText(r.runKey, 80);
    return [
      {
        key: {
          kind: 'collector_failing' as const,
          subject: r.runKey,
          window: input.today,
        },
        recipients: input.admins,
        message: {
          title: `Compliance collector ${name} keeps failing`,
          description: `Its last ${input.threshold} runs failed${
            r.lastMessage
              ? `; the latest: ${boundedText(r.lastMessage, 300)}`
              : ''
          }. Its facts are kept at their last good value and age; see the backend logs.`,
          link: '/compliance',
          severity: 'high' as const,
          topic: NOTIFICATION_TOPIC,
          scope: `compliance:collector:${r.runKey}`,
        },
      },
    ];
  });
}
