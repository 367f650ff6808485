import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the compliance suite. */
  compliance?: {
    /**
     * Which catalog entities are evaluated. Default: kinds Component, API,
     * Resource and System.
     */
    entities?: {
      /** Catalog kinds to evaluate. Default: [Component, API, Resource, System]. */
      kinds?: string[];
    };
    /** Schedules of the engine's own tasks. */
    schedule?: {
      /** Evaluation of changed entities. Default: every 5 minutes (also triggered after each collection). */
      evaluate?: {
        frequency: HumanDuration | string;
        timeout?: HumanDuration | string;
      };
      /** Daily roll-up of scores into history. Default: every hour (one row per entity and day). */
      rollup?: {
        frequency: HumanDuration | string;
        timeout?: HumanDuration | string;
      };
      /** Retention clean-up. Default: every 24 hours. */
      retention?: {
        frequency: HumanDuration | string;
        timeout?: HumanDuration | string;
      };
    };
    /** Per-collector settings, keyed by collector id (`catalog`, `github`, ...). */
    collectors?: {
      [collectorId: string]: {
        /** Overrides the collector's default schedule. */
        schedule?: {
          frequency: HumanDuration | string;
          timeout?: HumanDuration | string;
          initialDelay?: HumanDuration | string;
        };
        /**
         * Split the collector's entities into this many shards, each its own
         * scheduled task, so several replicas share a cycle. Default: 1.
         */
        shards?: number;
        /** Disable the collector. Default: false. */
        disabled?: boolean;
      };
    };
    /** Control catalogue changes. */
    controls?: {
      /** Control ids to switch off. */
      disabled?: string[];
      /** Severity or weight overrides per control id. */
      overrides?: {
        [controlId: string]: {
          severity?: 'critical' | 'high' | 'medium' | 'low' | 'info';
          weight?: number;
        };
      };
      /**
       * Additional controls (same shape as the built-in ones). A control with
       * the id of a built-in one replaces it.
       */
      custom?: Array<{
        id: string;
        title: string;
        description?: string;
        category: string;
        severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
        weight?: number;
        applicability?: object;
        rule: object;
        frameworks?: { [framework: string]: string[] };
        remediation?: { text: string; url?: string };
        messages?: { pass?: string; warn?: string; fail?: string };
      }>;
    };
    /**
     * Levels, lowest first. An entity reaches a level when every required
     * control of it and of all lower levels passes. Default: bronze, silver, gold
     * over the catalog controls.
     */
    levels?: Array<{
      id: string;
      title: string;
      requiredControls: string[];
      /**
       * Coverage (0..1, known weight / applicable weight) an entity needs to
       * reach this level, so a level is never granted on too little
       * evidence. No minimum when absent.
       */
      minCoverage?: number;
    }>;
    /** Framework titles, keyed by framework id. Default: soc2, iso27001, openssf. */
    frameworks?: { [frameworkId: string]: { title: string } };
    /** Waivers: accepted exceptions. Expired waivers stop applying. */
    waivers?: Array<{
      entityRef: string;
      controlId: string;
      reason: string;
      /** ISO date or timestamp. */
      expiresAt?: string;
    }>;
    /** Rules for waivers requested through the API and the Compliance tab. */
    waiverPolicy?: {
      /**
       * Longest waiver, in days, per control severity. Defaults: critical 30,
       * high 90, medium 180, low 365, info 365.
       */
      maxDurationDays?: {
        critical?: number;
        high?: number;
        medium?: number;
        low?: number;
        info?: number;
      };
    };
    /**
     * Notifications through the Backstage notifications service (install
     * `@backstage/plugin-notifications-backend`). Each is sent exactly once,
     * whatever the number of replicas.
     */
    notifications?: {
      /** Send notifications. Default: true. */
      enabled?: boolean;
      /**
       * Lowest severity of a control that newly fails (after passing,
       * warning or being waived) that notifies the entity's owner; level
       * drops always do. One notification per entity per UTC day.
       * Default: medium.
       */
      minSeverity?: 'critical' | 'high' | 'medium' | 'low' | 'info';
      /** Entity refs (users or groups) told of each waiver request. Default: none. */
      waiverApprovers?: string[];
      /** Owners are told this many days before an approved waiver expires. Default: 7. */
      waiverExpiryDays?: number;
      /** Entity refs (users or groups) told of collectors that keep failing. Default: none. */
      admins?: string[];
      /** Consecutive failed runs after which a collector is reported (at most daily). Default: 3. */
      collectorFailureThreshold?: number;
      /** Days the record of a sent notification is kept. Default: 90. */
      claimRetentionDays?: number;
      /** How often regressions, expiring waivers and collectors are checked. Default: every 10 minutes. */
      schedule?: {
        frequency: HumanDuration | string;
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
    };
    /**
     * AI insights per entity. Without providers every entity shows the
     * deterministic rules insight; with providers, insights are generated
     * asynchronously by a job queue in the database, only for entities whose
     * inputs changed.
     */
    insights?: {
      /** Set to false to turn insights (and their endpoint) off. Default: true. */
      enabled?: boolean;
      /**
       * Model providers in failover order. Types: `openai` (any
       * OpenAI-compatible endpoint: OpenAI, Azure OpenAI v1, Ollama, vLLM,
       * LM Studio), `anthropic`, or a type a module adds.
       */
      providers?: Array<{
        /** Unique id, shown as the insight's source. Default: the type. */
        id?: string;
        type: string;
        /** The model (or Azure deployment) to ask. */
        model: string;
        /** API base URL, for example `http://localhost:11434/v1` for Ollama. */
        baseUrl?: string;
        /**
         * API key.
         * @visibility secret
         */
        apiKey?: string;
        /**
         * Extra request headers (for example Azure's `api-key`, a gateway's auth).
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /** Request timeout. Default: 60 seconds. */
        timeout?: HumanDuration | string;
        /**
         * OpenAI-compatible only: `json_schema` (strict structured output,
         * default), `json_object` or `none` for servers without either. The
         * answer is validated locally in every case.
         */
        responseFormat?: 'json_schema' | 'json_object' | 'none';
        /** USD per million tokens, for the cost estimates of the ledger. Default: 0. */
        pricing?: {
          inputPerMillionTokens?: number;
          outputPerMillionTokens?: number;
        };
      }>;
      /** Schedule of the insights cycle. Default: every 5 minutes. */
      schedule?: {
        frequency: HumanDuration | string;
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
      /** Attempts before a job is dead-lettered. Default: 5. */
      maxAttempts?: number;
      /**
       * How long a claimed job is leased to a worker. Default: 5 minutes.
       * Must be at least the sum of the providers' timeouts (startup fails
       * otherwise), so a lease never ends while a worker waits on a provider.
       */
      lease?: HumanDuration | string;
      /**
       * Minimum time between model requests for one entity when a person
       * asks to regenerate its insight (permission
       * `compliance.insight.regenerate`). Default: 10 minutes.
       */
      regenerateCooldown?: HumanDuration | string;
      /** How long a provider failing with auth or quota errors is skipped. Default: 15 minutes. */
      unhealthyFor?: HumanDuration | string;
      /** Output token limit per request. Default: 1500. */
      maxOutputTokens?: number;
      /** Work per insights cycle; leftover jobs wait for the next cycle. */
      budget?: {
        /** Jobs per cycle. Default: 50. */
        jobsPerCycle?: number;
        /** Tokens (input + output) per cycle. Default: 200000. */
        tokensPerCycle?: number;
      };
    };
    /** Settings of the built-in catalog collector. */
    catalog?: {
      /** Accepted lifecycle values (CAT-02). Default: [experimental, production, deprecated]. */
      lifecycles?: string[];
      /** Annotations that count as on-call routing (CAT-06). Default: PagerDuty and Opsgenie annotations. */
      onCallAnnotations?: string[];
      /** Minimum description length (CAT-04). Default: 20. */
      minDescriptionLength?: number;
    };
    /** How long history is kept. */
    retention?: {
      /** Daily roll-up rows. Default: 400 days. */
      historyDays?: number;
      /** Status-change ledger. Default: 400 days. */
      ledgerDays?: number;
      /** Fact change history. Default: 90 days. */
      factHistoryDays?: number;
      /** Collector run records. Default: 30 days. */
      runDays?: number;
      /** Collector state (ETags, watermarks) not updated for this long. Default: 30 days. */
      stateDays?: number;
    };
    /** On-demand refresh of one entity (the tab's refresh button, `compliance:refresh`). */
    refresh?: {
      /**
       * An entity refreshed more recently than this is answered with its
       * current data instead of collecting again. Default: 60 seconds.
       */
      cooldown?: HumanDuration | string;
      /** Refreshes running at once per backend replica. Default: 2. */
      maxConcurrent?: number;
    };
    /** How reads are authorized against the catalog. */
    authorization?: {
      /**
       * How long a user's read decisions (the permission policy's answer
       * for the catalog read and the compliance report read permissions
       * and, under a conditional policy, which entities the catalog lets
       * them read) are reused before asking again. Default: 10 seconds.
       */
      cacheTtl?: HumanDuration | string;
    };
  };
}
