import { createTranslationRef } from '@backstage/core-plugin-api/alpha';

/**
 * Translatable strings of the compliance plugin.
 *
 * @remarks
 * Override any message in the app with `createTranslationMessages`, passing
 * this ref and the messages to replace.
 *
 * @public
 */
export const complianceTranslationRef = createTranslationRef({
  id: 'plugin.compliance',
  messages: {
    common: {
      refresh: 'Refresh',
      refreshing: 'Refreshing…',
      refreshed: 'Compliance data refreshed',
      refreshFailed: 'Refresh failed: {{message}}',
      notAllowedRefresh: 'You are not allowed to refresh this entity',
      score: 'Score',
      noScore: 'n/a',
      level: 'Level',
      noLevel: 'No level',
      coverage: 'Coverage',
      coverageValue: '{{percent}}% of weighted controls known',
      evaluated: 'Evaluated {{relative}}',
      neverEvaluated: 'Not evaluated yet',
      stale: 'Stale',
      staleHint: 'Some data is older than {{hours}} hours',
      nextLevel: 'Next level {{level}}: {{missing}} control(s) left',
      loading: 'Loading compliance data',
      notEnoughEvidence: 'Not enough evidence',
      notEnoughEvidenceDetail:
        'Only {{percent}}% of the weighted controls are known (at least {{min}}% needed for a reliable score)',
      scoreOnLowCoverage: 'Score {{score}} on {{percent}}% coverage',
      nextLevelNeeds: 'Next level: {{level}}',
      nextLevelControls: 'needs {{n}} control(s) to pass: {{controls}}',
      nextLevelCoverage: 'needs coverage of at least {{percent}}%',
      topLevel: 'Highest level reached',
    },
    why: {
      no_credentials: '{{n}} controls need GitHub access',
      no_repo: '{{n}} controls need a linked repository',
      insufficient_permission:
        '{{n}} controls need the GitHub permission {{permission}}',
      insufficient_permission_unnamed:
        '{{n}} controls need more GitHub permissions',
      insufficient_data: '{{n}} controls have no data yet',
      rate_limited: '{{n}} controls were rate limited',
      error: '{{n}} controls could not be read',
      howToFix: 'How to fix',
    },
    unknowns: {
      title: 'Unknown controls',
      description:
        'These controls cannot be evaluated yet. Each group shares one cause and one fix.',
      group_no_credentials: 'No GitHub credentials',
      group_no_repo: 'No repository annotation',
      group_insufficient_permission: 'Missing GitHub permission {{permission}}',
      group_insufficient_permission_unnamed: 'Missing GitHub permission',
      group_insufficient_data: 'Insufficient data',
      group_rate_limited: 'Rate limited',
      group_error: 'Collector errors',
      fix_no_credentials:
        'Configure a GitHub token or a GitHub App for this host under integrations.github in app-config.yaml; the next collection run reads the repository.',
      fix_no_repo:
        'Add the annotation {{annotation}}: <owner>/<repo> to this entity in catalog-info.yaml.',
      fix_insufficient_permission:
        'Grant the GitHub App (or token) the repository permission {{permission}}.',
      fix_insufficient_permission_unnamed:
        'Grant the GitHub App (or token) read access to the repository settings these controls read.',
      fix_insufficient_data:
        'Wait for the next collection run, or press Refresh. Controls whose feature is not available on this plan stay unknown.',
      fix_rate_limited: 'Nothing to do: the collector retries on its next run.',
      fix_error:
        'Check the backend logs of the compliance collectors; the last good value is kept meanwhile.',
      docs: 'Documentation',
      controls: '{{n}} controls',
    },
    fixFirst: {
      title: 'What to fix first',
      description:
        'Failing and warning controls, those the next level needs first, then by the score they add.',
      blocksLevel: 'Needed for {{level}}',
      gain: '+{{points}} points',
      none: 'Nothing failing or warning',
      checkLocally: 'Check locally',
    },
    status: {
      pass: 'Pass',
      warn: 'Warn',
      fail: 'Fail',
      unknown: 'Unknown',
      not_applicable: 'Not applicable',
      waived: 'Waived',
    },
    severity: {
      critical: 'Critical',
      high: 'High',
      medium: 'Medium',
      low: 'Low',
      info: 'Info',
    },
    unknownReason: {
      no_repo: 'no repository linked to this entity',
      no_credentials: 'no GitHub credentials configured',
      insufficient_permission: 'insufficient permission to read this data',
      feature_unavailable: 'feature not available on this plan or host',
      rate_limited: 'rate limited, will retry on the next run',
      error: 'the collector failed to read this data',
      not_collected: 'not collected yet',
      insufficient_data: 'too few runs in the window to judge',
    },
    frameworks: {
      title: 'Frameworks',
      soc2: 'SOC 2',
      iso27001: 'ISO 27001',
      openssf: 'OpenSSF Scorecard',
    },
    controls: {
      title: 'Controls',
      failingOnly: 'Failing only',
      empty: 'No controls apply to this entity',
      noneFailing: 'No failing controls',
      evidence: 'Evidence',
      observed: 'observed {{relative}}',
      source: 'source',
      remediation: 'How to fix',
      learnMore: 'Learn more',
      reason: 'Reason',
      unknownBecause: 'Unknown: {{reason}}',
      since: 'since {{relative}}',
      summary:
        '{{pass}} passing, {{fail}} failing, {{warn}} warning, {{unknown}} unknown',
      passing: 'Passing and other controls',
      keyboardHint:
        'Use the up and down arrow keys to move between controls, Enter to open one',
    },
    system: {
      title: 'Components of this system',
      average: 'Average score',
      worst: 'Worst score',
      components: '{{n}} evaluated components',
      empty: 'No evaluated components belong to this system yet',
      component: 'Component',
    },
    trend: {
      title: 'Score trend',
      range: 'Range',
      days: '{{days}} days',
      year: '1 year',
      empty: 'No history yet',
      chartLabel:
        'Score over the last {{days}} days, from {{first}} to {{last}}',
      changes: 'Recent status changes',
      cause_data: 'data changed',
      cause_rule: 'rule changed',
      cause_waiver: 'waiver',
      created: 'Created at level {{level}} by {{template}}',
      createdNoLevel: 'Created by {{template}}, below every level',
      createdRun: 'template run',
    },
    ci: {
      title: 'CI signals',
      empty: 'No CI data yet',
      emptyDescription:
        'CI signals appear once the GitHub CI collector has read workflow runs, checks or statuses for this entity, or a CI system pushed runs to /api/compliance/ci/runs.',
      latestStatus: 'Latest default-branch state',
      passRate: 'Pass rate',
      flakyRate: 'Flaky rate',
      runs: 'Runs ({{days}} days)',
      p50: 'Median duration',
      p95: 'p95 duration',
      topFailing: 'Most failing checks',
      noFailing: 'No failing checks',
      durationChart: 'Median run duration per day',
      outcomeChart: 'Passed, failed and flaky runs per day',
      checks: 'Checks',
      check: 'Check',
      checkRuns: 'Runs',
      lastFailure: 'Last failure',
      insufficientData: 'too few runs to judge',
    },
    insight: {
      title: 'AI insight',
      risks: 'Risks',
      steps: 'Next steps',
      empty: 'No AI insight yet',
      emptyDescription:
        'An AI summary of risks and next steps appears here once insights are enabled and generated for this entity.',
      rules: 'rules',
      source: 'Source: {{source}}',
      generated: 'generated {{age}}',
      ciCauses: 'Likely CI causes',
      trend: 'Trend',
      gain: '(+{{gain}} points)',
      jobQueued:
        'A model insight is queued; the rules-based insight is shown meanwhile.',
      jobRunning:
        'A model insight is being generated; the rules-based insight is shown meanwhile.',
      jobRetrying:
        'Generating a model insight failed (attempt {{attempts}} of {{maxAttempts}}): {{error}}. Next attempt {{next}}. The rules-based insight is shown meanwhile.',
      jobDead:
        'Generating a model insight failed after {{attempts}} attempts: {{error}}. The rules-based insight is shown.',
    },
    tab: {
      emptyTitle: 'No compliance data yet',
      emptyDescription:
        'This entity has not been evaluated yet. Data appears after the next collection run.',
    },
    card: {
      title: 'Compliance',
      topFailing: 'Top failing controls',
      noneFailing: 'No failing controls',
      viewDetails: 'View compliance details',
    },
    overview: {
      title: 'Compliance',
      subtitle: 'Compliance across the organization',
      filters: 'Filters',
      owner: 'Owner',
      ownerHelp: 'Includes its child groups',
      system: 'System',
      kind: 'Kind',
      levelFilter: 'Level',
      framework: 'Framework',
      search: 'Search',
      any: 'Any',
      clear: 'Clear filters',
      entities: 'Entities',
      entity: 'Entity',
      failing: 'Failing',
      evaluatedAt: 'Evaluated',
      empty: 'No entities match these filters',
      exportCsv: 'Export CSV',
      exporting: 'Exporting…',
      distribution: 'Score distribution',
      distributionLabel: 'Number of entities per score bucket',
      topFailing: 'Controls failing most',
      topFailingEntities: '{{entities}} entities',
      noneFailing: 'No failing controls',
      levels: 'Levels',
      collectors: 'Collectors',
      collector: 'Collector',
      lastRun: 'Last run',
      duration: 'Duration',
      processed: 'Processed',
      factsWritten: 'Facts written',
      errors: 'Errors',
      running: 'Running',
      never: 'Never',
      statusUnavailable: 'Collector status is not available to you',
    },
  },
});
