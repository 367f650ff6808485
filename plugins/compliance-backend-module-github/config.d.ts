export interface Config {
  compliance?: {
    /**
     * GitHub-specific settings of the GitHub collector
     * (`backstage-plugin-compliance-backend-module-github`). Its schedule,
     * shards and `disabled` flag are the compliance backend's, under
     * `compliance.collectors.github`; single controls are turned off with
     * `compliance.controls.disabled`.
     */
    github?: {
      /**
       * Rolling window, in days, over which workflow runs are counted for the
       * CI signals. Defaults to 30.
       */
      windowDays?: number;
      /** Thresholds of the CI and security controls. */
      thresholds?: {
        /** CI pass rate (0..1) at or above which GH-CI-03 passes. Defaults to 0.9. */
        passRate?: number;
        /** CI pass rate (0..1) at or above which GH-CI-03 warns. Defaults to 0.75. */
        passRateWarn?: number;
        /** Flaky rate (0..1) at or below which GH-CI-04 passes. Defaults to 0.05. */
        flakyRate?: number;
        /** Flaky rate (0..1) at or below which GH-CI-04 warns. Defaults to 0.15. */
        flakyRateWarn?: number;
        /**
         * Age in days after which an open critical or high Dependabot alert
         * counts as overdue (GH-SEC-03). Defaults to 30.
         */
        staleAlertDays?: number;
      };
      /**
       * Remaining REST requests of a credential's hourly budget under which the
       * collector stops for this cycle and resumes on the next. Defaults to 500.
       */
      budgetReserve?: number;
      /** Repositories per GraphQL query. Defaults to 25 (1..50). */
      graphqlBatchSize?: number;
      /** Concurrent repositories per batch for REST requests. Defaults to 4. */
      concurrency?: number;
      /**
       * GitHub owners (users or organisations, case-insensitive) whose
       * repositories are collected. When set, a component whose repository
       * belongs to another owner is not collected: its GitHub controls are
       * unknown (`no_repo`) with a message naming the owner. Every owner when
       * absent.
       */
      allowedOwners?: string[];
      /**
       * When true, a `github.com/project-slug` must name the same repository
       * as the entity's `backstage.io/source-location` (if the entity has
       * that annotation); otherwise the repository is not collected and its
       * GitHub controls are unknown (`no_repo`) with a message. Defaults to
       * false.
       */
      requireSourceLocationMatch?: boolean;
      /**
       * The GitHub baseline of each level, derived from the controls the
       * level requires (used by the `compliance:github:apply-baseline` and
       * `compliance:check` scaffolder actions). Only adjustments live here.
       */
      baseline?: {
        /** Name of the repository ruleset the baseline owns. Defaults to compliance-baseline. */
        rulesetName?: string;
        /**
         * Status check contexts required when a level's controls require
         * status checks (GH-BP-08), for example the job names of the
         * template's CI workflow. Without them GH-BP-08 stays uncovered.
         */
        requiredStatusChecks?: string[];
        /** Adjustments per level id. */
        levels?: {
          [levelId: string]: {
            /** Required approvals (0..10); below a control's threshold leaves it uncovered. */
            requiredApprovals?: number;
            /** Status check contexts of this level. */
            requiredStatusChecks?: string[];
            /** Who may bypass the ruleset; any bypass actor leaves GH-BP-09 uncovered. */
            bypassActors?: Array<{
              actorId?: number;
              actorType:
                | 'Integration'
                | 'OrganizationAdmin'
                | 'RepositoryRole'
                | 'Team'
                | 'DeployKey';
              bypassMode?: 'always' | 'pull_request';
            }>;
            /** Require signed commits even when no required control asks for it. */
            requireSignatures?: boolean;
            /** Turn Dependabot security updates on with the alerts. Defaults to true. */
            dependabotSecurityUpdates?: boolean;
          };
        };
      };
    };
  };
}
