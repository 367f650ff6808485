import type { Entity } from '@backstage/catalog-model';
import type {
  ComplianceStatus,
  ComplianceStatusResponse,
  ControlResultWithControl,
  ControlSeverity,
  ControlsResponse,
  EntityComplianceSummary,
  EntityHistory,
  Fact,
  OverviewResponse,
  StatusCounts,
} from 'backstage-plugin-compliance-common';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
};

export const entityRef = 'component:default/payments-api';

const now = new Date();
const iso = (hoursAgo: number) =>
  new Date(now.getTime() - hoursAgo * 3600_000).toISOString();

export function counts(partial: Partial<StatusCounts> = {}): StatusCounts {
  return {
    pass: 0,
    warn: 0,
    fail: 0,
    unknown: 0,
    not_applicable: 0,
    waived: 0,
    ...partial,
  };
}

export function makeSummary(
  partial: Partial<EntityComplianceSummary> = {},
): EntityComplianceSummary {
  return {
    entityRef,
    kind: 'component',
    namespace: 'default',
    name: 'payments-api',
    title: 'Payments API',
    owner: 'group:default/team-a',
    score: 72.5,
    coverage: 0.8,
    knownWeight: 40,
    applicableWeight: 50,
    counts: counts({ pass: 2, fail: 1, warn: 1, unknown: 1 }),
    level: { id: 'bronze', title: 'Bronze' },
    nextLevel: {
      id: 'silver',
      title: 'Silver',
      missingControls: ['branch-protection'],
    },
    categories: {},
    frameworks: {
      soc2: {
        score: 80,
        coverage: 0.9,
        knownWeight: 9,
        applicableWeight: 10,
        counts: counts(),
      },
      openssf: {
        score: 60,
        coverage: 0.7,
        knownWeight: 7,
        applicableWeight: 10,
        counts: counts(),
      },
      iso27001: {
        score: 75,
        coverage: 1,
        knownWeight: 10,
        applicableWeight: 10,
        counts: counts(),
      },
    },
    evaluatedAt: iso(1),
    collectedAt: { github: iso(2) },
    ...partial,
  };
}

export function makeResult(
  id: string,
  status: ComplianceStatus,
  opts: {
    category?: string;
    severity?: ControlSeverity;
    title?: string;
    unknownReason?: ControlResultWithControl['unknownReason'];
    reason?: string;
    weight?: number;
    source?: string;
  } = {},
): ControlResultWithControl {
  return {
    entityRef,
    controlId: id,
    status,
    reason: opts.reason ?? `${id} is ${status}`,
    unknownReason: opts.unknownReason,
    evidence: [
      {
        factId: `github.${id}`,
        value: status === 'pass',
        observedAt: iso(3),
        evidence: {
          source: opts.source ?? 'GET /repos/acme/payments',
          url: 'https://github.com/acme/payments',
        },
      },
    ],
    controlVersion: 'v1',
    evaluatedAt: iso(1),
    statusSince: iso(48),
    control: {
      id,
      title: opts.title ?? `Control ${id}`,
      description: `Checks ${id}`,
      category: opts.category ?? 'source',
      severity: opts.severity ?? 'high',
      weight: opts.weight ?? 7.5,
      version: 'v1',
      source: 'builtin',
      facts: [`github.${id}`],
      rule: { pass: { fact: `github.${id}`, operator: 'equal', value: true } },
      frameworks: { soc2: ['CC8.1'] },
      remediation: {
        text: `Enable ${id}`,
        url: 'https://docs.example.com/fix',
      },
    },
  };
}

export const results: ControlResultWithControl[] = [
  makeResult('branch-protection', 'fail', {
    title: 'Branch protection enabled',
    severity: 'critical',
  }),
  makeResult('required-reviews', 'pass', { title: 'Required reviews' }),
  makeResult('codeowners', 'warn', {
    title: 'CODEOWNERS present',
    severity: 'medium',
  }),
  makeResult('secret-scanning', 'unknown', {
    title: 'Secret scanning enabled',
    category: 'security',
    unknownReason: 'no_credentials',
  }),
  makeResult('dependabot', 'pass', {
    title: 'Dependabot alerts',
    category: 'security',
  }),
];

export function makeHistory(days: number): EntityHistory {
  const points = Array.from({ length: days }, (_, i) => {
    const d = new Date(now.getTime() - (days - 1 - i) * 86400_000);
    return {
      day: d.toISOString().slice(0, 10),
      score: 50 + (i % 30),
      coverage: 0.8,
      level: 'bronze',
      counts: counts({ pass: 2, fail: 1 }),
    };
  });
  return {
    entityRef,
    points,
    changes: [
      {
        entityRef,
        controlId: 'branch-protection',
        from: 'pass',
        to: 'fail',
        cause: 'data',
        reason: 'Branch protection was disabled',
        controlVersion: 'v1',
        changedAt: iso(30),
      },
    ],
  };
}

/** A CI summary in the contract shape of `github.ci.summary`. */
export const ciFacts: Fact[] = [
  {
    entityRef,
    factId: 'github.ci.summary',
    collectorId: 'github',
    observedAt: iso(2),
    evidence: { url: 'https://github.com/acme/payments/actions' },
    value: {
      defaultBranch: 'main',
      headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      headState: 'SUCCESS',
      windowDays: 30,
      runs: 120,
      passed: 112,
      failed: 8,
      flaky: 5,
      passRate: 0.93,
      flakyRate: 0.04,
      p50DurationSeconds: 312,
      p95DurationSeconds: 905,
      topFailingChecks: [
        { name: 'integration-tests', count: 6 },
        { name: 'lint', count: 2 },
      ],
      daily: [
        {
          day: '2026-01-01',
          runs: 4,
          passed: 4,
          failed: 0,
          flaky: 0,
          p50DurationSeconds: 300,
        },
        {
          day: '2026-01-02',
          runs: 0,
          passed: 0,
          failed: 0,
          flaky: 0,
          p50DurationSeconds: null,
        },
        {
          day: '2026-01-03',
          runs: 5,
          passed: 4,
          failed: 1,
          flaky: 1,
          p50DurationSeconds: 320,
        },
      ],
    },
  },
];

export const controls: ControlsResponse = {
  controls: results.map(r => r.control),
  levels: [
    { id: 'bronze', title: 'Bronze', requiredControls: ['required-reviews'] },
    { id: 'silver', title: 'Silver', requiredControls: ['branch-protection'] },
  ],
  frameworks: [
    { id: 'soc2', title: 'SOC 2' },
    { id: 'iso27001', title: 'ISO 27001' },
    { id: 'openssf', title: 'OpenSSF Scorecard' },
  ],
  kinds: ['component', 'api', 'resource', 'system'],
};

export function makeOverview(
  page: number,
  pageSize: number,
  total = 60,
): OverviewResponse {
  const start = (page - 1) * pageSize;
  const items = Array.from(
    { length: Math.max(0, Math.min(pageSize, total - start)) },
    (_, i) =>
      makeSummary({
        entityRef: `component:default/service-${start + i + 1}`,
        name: `service-${start + i + 1}`,
        title: `Service ${start + i + 1}`,
        score: (start + i) % 100,
      }),
  );
  return {
    items,
    totalCount: total,
    page,
    pageSize,
    distribution: [
      { bucket: '0-9', count: 3 },
      { bucket: '90-100', count: 5 },
      { bucket: 'none', count: 1 },
    ],
    topFailingControls: [
      {
        controlId: 'branch-protection',
        title: 'Branch protection enabled',
        count: 17,
      },
    ],
    levels: { bronze: 30, none: 30 },
  };
}

export const status: ComplianceStatusResponse = {
  collectors: [
    {
      collectorId: 'github',
      title: 'GitHub repository',
      facts: ['github.*'],
      running: false,
      lastRun: {
        startedAt: iso(2),
        finishedAt: iso(1.9),
        durationMs: 65000,
        entitiesProcessed: 42,
        factsWritten: 318,
        errors: 2,
        status: 'succeeded',
      },
    },
  ],
  entities: 42,
  controls: 5,
};
