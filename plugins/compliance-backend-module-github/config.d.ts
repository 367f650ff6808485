import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  compliance?: {
    /**
     * Settings of the GitHub collector (`backstage-plugin-compliance-backend-module-github`).
     */
    github?: {
      /**
       * How often the GitHub collector runs. Defaults to every hour with a
       * 50 minute timeout and a random initial delay of up to 5 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
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
      /** Which of this module's controls are registered. */
      controls?: {
        /** Control ids to leave out, for example `['GH-SCM-02']`. Defaults to none. */
        disabled?: string[];
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
    };
  };
}
