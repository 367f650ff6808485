import type {
  ComplianceWaiver,
  Control,
  ControlResult,
  FactAsOf,
  ResultAsOf,
  StatusChange,
} from 'backstage-plugin-compliance-common';

/** One framework requirement and the controls mapped to it. */
export interface ExportRequirement {
  framework: string;
  requirement: string;
  controlIds: string[];
}

/** An entity as the export lists it. */
export interface ExportEntityInfo {
  entityRef: string;
  title?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
}

/** One line of an auditor export: requirement → control → entity. */
export interface ExportRow {
  framework: string;
  requirement: string;
  controlId: string;
  controlTitle: string;
  severity: string;
  entityRef: string;
  owner: string;
  system: string;
  lifecycle: string;
  /** Status at the as-of time; `not_evaluated` when the entity had none yet. */
  status: string;
  statusSince: string;
  evidence: Array<{
    factId: string;
    value: unknown;
    unknownReason?: string;
    sha256: string;
    changedAt: string;
    source?: string;
    url?: string;
  }>;
  waiver?: {
    id: string;
    source: string;
    approver: string;
    reason: string;
    expiresAt: string;
  };
  /** Status changes within the period (`from` .. `asOf`), oldest first. */
  changes?: Array<{
    at: string;
    from: string | null;
    to: string;
    cause: string;
  }>;
}

/** The requirements of a framework (or of all), each with its controls, sorted. */
export function exportRequirements(
  controls: Control[],
  framework: string,
): ExportRequirement[] {
  const byKey = new Map<string, ExportRequirement>();
  for (const control of controls) {
    for (const [fw, requirements] of Object.entries(control.frameworks ?? {})) {
      if (framework !== 'all' && fw !== framework) continue;
      for (const requirement of requirements) {
        const key = `${fw}\u0000${requirement}`;
        const entry = byKey.get(key) ?? {
          framework: fw,
          requirement,
          controlIds: [],
        };
        if (!entry.controlIds.includes(control.id)) {
          entry.controlIds.push(control.id);
        }
        byKey.set(key, entry);
      }
    }
  }
  const cmp = (a: string, b: string) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  return [...byKey.values()]
    .map(r => ({ ...r, controlIds: [...r.controlIds].sort(cmp) }))
    .sort(
      (a, b) =>
        cmp(a.framework, b.framework) || cmp(a.requirement, b.requirement),
    );
}

/**
 * The export rows of one entity: one per requirement and mapped control the
 * entity had a status for at `asOf` (not-applicable controls are left out),
 * with the evidence as it stood then and the waiver in force.
 */
export function exportRowsForEntity(options: {
  entity: ExportEntityInfo;
  requirements: ExportRequirement[];
  controls: Map<string, Control>;
  statuses: ResultAsOf[];
  current: ControlResult[];
  facts: FactAsOf[];
  waivers: ComplianceWaiver[];
  changes?: StatusChange[];
  from?: Date;
}): ExportRow[] {
  const { entity, requirements, controls } = options;
  const statusById = new Map(options.statuses.map(s => [s.controlId, s]));
  const currentById = new Map(options.current.map(r => [r.controlId, r]));
  const factById = new Map(options.facts.map(f => [f.factId, f]));
  const waiverById = new Map(options.waivers.map(w => [w.controlId, w]));
  const rows: ExportRow[] = [];
  for (const req of requirements) {
    for (const controlId of req.controlIds) {
      const control = controls.get(controlId);
      const status = statusById.get(controlId);
      if (!control || !status) continue;
      if (status.status === 'not_applicable') continue;
      // The facts a control reads are those of its current result.
      const used = (currentById.get(controlId)?.evidence ?? []).map(
        e => e.factId,
      );
      const waiver = waiverById.get(controlId);
      const changes = options.from
        ? (options.changes ?? [])
            .filter(
              c =>
                c.controlId === controlId &&
                new Date(c.changedAt).getTime() >= options.from!.getTime(),
            )
            .map(c => ({
              at: c.changedAt,
              from: c.from,
              to: c.to,
              cause: c.cause,
            }))
        : undefined;
      rows.push({
        framework: req.framework,
        requirement: req.requirement,
        controlId,
        controlTitle: control.title,
        severity: control.severity,
        entityRef: entity.entityRef,
        owner: entity.owner ?? '',
        system: entity.system ?? '',
        lifecycle: entity.lifecycle ?? '',
        status: status.status ?? 'not_evaluated',
        statusSince: status.since ?? '',
        evidence: used.flatMap(id => {
          const f = factById.get(id);
          return f
            ? [
                {
                  factId: f.factId,
                  value: f.value,
                  ...(f.unknownReason
                    ? { unknownReason: f.unknownReason }
                    : {}),
                  sha256: f.sha256,
                  changedAt: f.changedAt,
                  ...(f.source ? { source: f.source } : {}),
                  ...(f.url ? { url: f.url } : {}),
                },
              ]
            : [];
        }),
        // The waiver in force at the time, whatever the status it produced.
        ...(waiver
          ? {
              waiver: {
                id: waiver.id,
                source: waiver.source,
                approver: waiver.decidedBy ?? '',
                reason: waiver.reason,
                expiresAt: waiver.expiresAt ?? '',
              },
            }
          : {}),
        ...(changes ? { changes } : {}),
      });
    }
  }
  return rows;
}

/** The CSV columns of an export, in order. */
export const EXPORT_CSV_COLUMNS = [
  'framework',
  'requirement',
  'control_id',
  'control_title',
  'severity',
  'entity_ref',
  'owner',
  'system',
  'lifecycle',
  'status',
  'status_since',
  'evidence',
  'evidence_sha256',
  'evidence_sources',
  'waiver_source',
  'waiver_approver',
  'waiver_reason',
  'waiver_expires_at',
  'changes_in_period',
] as const;

/**
 * One CSV cell: quoted when needed, and a leading `= + - @` (or tab / CR)
 * neutralised so that a spreadsheet never runs catalog text as a formula.
 */
export function csvCell(value: unknown): string {
  let s = '';
  if (typeof value === 'string') s = value;
  else if (value !== undefined && value !== null) s = JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (with its newline) of an export row. */
export function csvLine(row: ExportRow): string {
  const cells = [
    row.framework,
    row.requirement,
    row.controlId,
    row.controlTitle,
    row.severity,
    row.entityRef,
    row.owner,
    row.system,
    row.lifecycle,
    row.status,
    row.statusSince,
    row.evidence
      .map(
        e =>
          `${e.factId}=${JSON.stringify(e.value)}${
            e.unknownReason ? ` (${e.unknownReason})` : ''
          }`,
      )
      .join('; '),
    row.evidence.map(e => `${e.factId}=${e.sha256}`).join('; '),
    row.evidence
      .map(e => e.url ?? e.source)
      .filter(Boolean)
      .join('; '),
    row.waiver?.source ?? '',
    row.waiver?.approver ?? '',
    row.waiver?.reason ?? '',
    row.waiver?.expiresAt ?? '',
    (row.changes ?? [])
      .map(c => `${c.at} ${c.from ?? 'none'}->${c.to} (${c.cause})`)
      .join('; '),
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}
