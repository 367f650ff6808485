import {
  COMPLIANCE_STATUSES,
  ControlResultWithControl,
  SEVERITY_WEIGHTS,
} from 'backstage-plugin-compliance-common';

/**
 * Pure grouping of the control list: the controls that are neither fix-first
 * nor unknown, by category, and the counts of the list's summary line.
 */

const statusOrder = (s: string) => {
  const i = COMPLIANCE_STATUSES.indexOf(s as never);
  return i < 0 ? COMPLIANCE_STATUSES.length : i;
};

/** A category and its controls, in display order. */
export interface CategoryGroup {
  category: string;
  items: ControlResultWithControl[];
}

/**
 * The controls that are not failing, warning or unknown, by category
 * (alphabetical); within a category by status, then severity, then title.
 */
export function groupByCategory(
  results: ControlResultWithControl[],
): CategoryGroup[] {
  const byCategory = new Map<string, ControlResultWithControl[]>();
  for (const r of results) {
    if (['fail', 'warn', 'unknown'].includes(r.status)) continue;
    const cat = r.control.category || 'other';
    const list = byCategory.get(cat);
    if (list) list.push(r);
    else byCategory.set(cat, [r]);
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, items]) => ({
      category,
      items: items.sort(
        (a, b) =>
          statusOrder(a.status) - statusOrder(b.status) ||
          (SEVERITY_WEIGHTS[b.control.severity] ?? 0) -
            (SEVERITY_WEIGHTS[a.control.severity] ?? 0) ||
          a.control.title.localeCompare(b.control.title),
      ),
    }));
}

/** Passing, failing, warning and unknown controls, for the summary line. */
export function countStatuses(results: ControlResultWithControl[]) {
  const c = { pass: 0, fail: 0, warn: 0, unknown: 0 };
  for (const r of results) {
    if (r.status in c) c[r.status as keyof typeof c] += 1;
  }
  return c;
}

/** The DOM id of a control's row (its header is `<id>-header`). */
export function controlDomId(controlId: string): string {
  return `compliance-control-${controlId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
