import { DateTime, Duration } from 'luxon';

/** Formats a 0..1 ratio as a whole percentage. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) {
    return '–';
  }
  return `${Math.round(ratio * 100)}%`;
}

/** Formats a 0..100 score. */
export function formatScore(score: number | null | undefined): string | null {
  if (score === null || score === undefined || !Number.isFinite(score)) {
    return null;
  }
  return String(Math.round(score));
}

/** A relative time such as "3 hours ago"; `undefined` for missing or invalid input. */
export function formatRelative(
  iso: string | null | undefined,
): string | undefined {
  if (!iso) return undefined;
  const dt = DateTime.fromISO(iso);
  if (!dt.isValid) return undefined;
  return dt.toRelative() ?? undefined;
}

/** An absolute local time, for tooltips. */
export function formatAbsolute(
  iso: string | null | undefined,
): string | undefined {
  if (!iso) return undefined;
  const dt = DateTime.fromISO(iso);
  return dt.isValid ? dt.toLocaleString(DateTime.DATETIME_MED) : undefined;
}

/** A duration in seconds as "1m 5s" / "850ms". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '–';
  }
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const d = Duration.fromObject({ seconds: Math.round(seconds) }).shiftTo(
    'hours',
    'minutes',
    'seconds',
  );
  const parts: string[] = [];
  if (d.hours) parts.push(`${d.hours}h`);
  if (d.minutes) parts.push(`${d.minutes}m`);
  if (d.seconds || parts.length === 0) parts.push(`${d.seconds}s`);
  return parts.join(' ');
}

/** Whether an ISO time is older than `hours`. */
export function isOlderThan(
  iso: string | null | undefined,
  hours: number,
  now = DateTime.now(),
): boolean {
  if (!iso) return false;
  const dt = DateTime.fromISO(iso);
  return dt.isValid && now.diff(dt, 'hours').hours > hours;
}

/** Renders a JSON fact value compactly for display. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 197)}…` : json;
}
