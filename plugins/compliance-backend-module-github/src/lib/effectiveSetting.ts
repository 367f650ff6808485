import { UnknownReason } from 'backstage-plugin-compliance-common';

/**
 * One effective setting: a value with where it comes from, or unknown.
 */
export type EffectiveSetting<T> =
  | { known: true; value: T; sources: string[] }
  | { known: false; reason: UnknownReason; message: string };

/** What one source (classic protection, one ruleset) says about a setting. */
export type Part<T> =
  | { known: true; value: T; source: string }
  | { known: false; reason: UnknownReason; message: string };

export const known = <T>(value: T, source: string): Part<T> => ({
  known: true,
  value,
  source,
});

function firstUnknown<T>(
  parts: Part<T>[],
): Extract<Part<T>, { known: false }> | undefined {
  for (const part of parts) {
    if (!part.known) return part;
  }
  return undefined;
}

/** Any source restrictive ⇒ true; otherwise unknown if a source is unknown. */
export function anyTrue(parts: Part<boolean>[]): EffectiveSetting<boolean> {
  const yes = parts.filter(
    (p): p is Extract<Part<boolean>, { known: true }> => p.known && p.value,
  );
  if (yes.length) {
    return { known: true, value: true, sources: yes.map(p => p.source) };
  }
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  return { known: true, value: false, sources: [] };
}

/** Largest value; unknown if a source is unknown (it might be larger). */
export function maxOf(parts: Part<number>[]): EffectiveSetting<number> {
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  let value = 0;
  let sources: string[] = [];
  for (const p of parts) {
    if (!p.known) continue;
    if (p.value > value) {
      value = p.value;
      sources = [p.source];
    } else if (p.value === value && value > 0) {
      sources.push(p.source);
    }
  }
  return { known: true, value, sources };
}

/** Every part must hold; an unknown part makes it unknown unless one fails. */
export function allTrue(parts: Part<boolean>[]): EffectiveSetting<boolean> {
  const no = parts.find(p => p.known && !p.value);
  if (no && no.known) {
    return { known: true, value: false, sources: [no.source] };
  }
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  if (!parts.length) {
    return { known: true, value: false, sources: [] };
  }
  return {
    known: true,
    value: true,
    sources: parts.map(p => (p.known ? p.source : '')),
  };
}
