import type { EntityComplianceSummary } from 'backstage-plugin-compliance-common';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  // Guard against formula injection in spreadsheet apps.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Builds the overview CSV export. */
export function toCsv(items: EntityComplianceSummary[]): string {
  const header = [
    'entityRef',
    'title',
    'owner',
    'system',
    'score',
    'coverage',
    'level',
    'pass',
    'warn',
    'fail',
    'unknown',
    'evaluatedAt',
  ];
  const rows = items.map(i => [
    i.entityRef,
    i.title ?? i.name,
    i.owner,
    i.system,
    i.score === null ? '' : Math.round(i.score * 10) / 10,
    Math.round(i.coverage * 1000) / 1000,
    i.level?.id ?? '',
    i.counts?.pass ?? 0,
    i.counts?.warn ?? 0,
    i.counts?.fail ?? 0,
    i.counts?.unknown ?? 0,
    i.evaluatedAt ?? '',
  ]);
  const lines = [header, ...rows].map(r => r.map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
