import {
  COMPLIANCE_STATUSES,
  type ComplianceStatus,
  type ControlResultWithControl,
  type ControlSeverity,
  type ControlsResponse,
  type EvaluationPreview,
  type StatusCounts,
} from 'backstage-plugin-compliance-common';

/** A control result of payments-api, for tests. */
export function result(
  controlId: string,
  status: ComplianceStatus,
  options: { severity?: ControlSeverity; remediation?: string } = {},
): ControlResultWithControl {
  return {
    entityRef: 'component:default/payments-api',
    controlId,
    status,
    reason: `${controlId} is ${status}`,
    evidence: [],
    controlVersion: 'v1',
    evaluatedAt: '2026-01-01T00:00:00Z',
    statusSince: '2026-01-01T00:00:00Z',
    control: {
      id: controlId,
      title: `Title of ${controlId}`,
      description: '',
      category: 'ownership',
      severity: options.severity ?? 'high',
      weight: 7.5,
      rule: { pass: { fact: 'x', operator: 'exists' } },
      version: 'v1',
      source: 'builtin',
      facts: ['x'],
      remediation: options.remediation
        ? { text: options.remediation, url: 'https://example.com/fix' }
        : undefined,
    },
  } as ControlResultWithControl;
}

/**
 * The evaluation of payments-api, for tests: silver, missing CAT-05 for gold
 * unless overridden.
 */
export function preview(
  results: ControlResultWithControl[],
  overrides: Partial<EvaluationPreview> = {},
): EvaluationPreview {
  return {
    entityRef: 'component:default/payments-api',
    score: 80,
    coverage: 0.5,
    knownWeight: 10,
    applicableWeight: 20,
    counts: Object.fromEntries(
      COMPLIANCE_STATUSES.map(status => [status, 0]),
    ) as StatusCounts,
    level: { id: 'silver', title: 'Silver' },
    nextLevel: { id: 'gold', title: 'Gold', missingControls: ['CAT-05'] },
    categories: {},
    frameworks: {},
    results,
    ...overrides,
  };
}

/** A controls catalogue with the given level ids, lowest first, for tests. */
export function catalogue(
  levelIds: string[] = ['bronze', 'silver', 'gold'],
): ControlsResponse {
  return {
    controls: [],
    levels: levelIds.map(id => ({ id, title: id, requiredControls: [] })),
    kinds: ['component'],
    frameworks: [],
  };
}
