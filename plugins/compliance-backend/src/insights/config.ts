import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { durationMs, positiveInt, readSchedule } from '../configReaders';

/** One configured provider. */
export interface InsightProviderSettings {
  id: string;
  type: string;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  responseFormat?: 'json_schema' | 'json_object' | 'none';
  /** USD per million tokens, for the cost estimates of the ledger. */
  pricing: { inputPerMillionTokens: number; outputPerMillionTokens: number };
  /** The whole entry, for provider factories of modules. */
  config: Config;
}

/** Everything read from `compliance.insights`. */
export interface InsightsSettings {
  enabled: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
  maxAttempts: number;
  leaseMs: number;
  unhealthyForMs: number;
  maxOutputTokens: number;
  /** Minimum time between two model requests for one entity asked by a person (regenerate). */
  regenerateCooldownMs: number;
  budget: { jobsPerCycle: number; tokensPerCycle: number };
  providers: InsightProviderSettings[];
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

function nonNegative(c: Config | undefined, key: string, path: string) {
  const v = c?.getOptionalNumber(key);
  if (v === undefined) return 0;
  if (!Number.isFinite(v) || v < 0) {
    throw new Error(`${path}.${key} must be a number of at least 0`);
  }
  return v;
}

/** Reads and validates `compliance.insights`; throws naming the bad key. */
export function readInsightsConfig(root: Config): InsightsSettings {
  const c = root.getOptionalConfig('compliance.insights');
  const path = 'compliance.insights';
  const providers = (c?.getOptionalConfigArray('providers') ?? []).map(
    (p, i) => {
      const where = `${path}.providers[${i}]`;
      const id = p.getOptionalString('id') ?? p.getOptionalString('type');
      if (!id || !ID.test(id)) {
        throw new Error(
          `${where}.id must be 1-64 letters, digits, '.', '_' or '-'`,
        );
      }
      const type = p.getString('type');
      const responseFormat = p.getOptionalString('responseFormat');
      if (
        responseFormat !== undefined &&
        !['json_schema', 'json_object', 'none'].includes(responseFormat)
      ) {
        throw new Error(
          `${where}.responseFormat must be json_schema, json_object or none`,
        );
      }
      const baseUrl = p.getOptionalString('baseUrl');
      if (baseUrl !== undefined) {
        try {
          const u = new URL(baseUrl);
          if (!['http:', 'https:'].includes(u.protocol)) throw new Error();
        } catch {
          throw new Error(`${where}.baseUrl must be an http(s) URL`);
        }
      }
      const headersConfig = p.getOptionalConfig('headers');
      const headers = headersConfig
        ? Object.fromEntries(
            headersConfig.keys().map(k => [k, headersConfig.getString(k)]),
          )
        : undefined;
      const apiKey = p.getOptionalString('apiKey');
      const pricing = p.getOptionalConfig('pricing');
      return {
        id,
        type,
        model: p.getString('model'),
        ...(baseUrl ? { baseUrl } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(headers ? { headers } : {}),
        timeoutMs: durationMs(p, 'timeout', 60_000, `${where}.timeout`),
        ...(responseFormat
          ? {
              responseFormat:
                responseFormat as InsightProviderSettings['responseFormat'],
            }
          : {}),
        pricing: {
          inputPerMillionTokens: nonNegative(
            pricing,
            'inputPerMillionTokens',
            `${where}.pricing`,
          ),
          outputPerMillionTokens: nonNegative(
            pricing,
            'outputPerMillionTokens',
            `${where}.pricing`,
          ),
        },
        config: p,
      };
    },
  );
  const ids = providers.map(p => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`${path}.providers: id "${dup}" is used twice`);

  const leaseMs = durationMs(c, 'lease', 5 * 60_000, `${path}.lease`);
  // A lease that can end while a worker still waits on its providers lets
  // a second worker claim the job: two requests billed for one insight.
  const worstCaseMs = providers.reduce((sum, p) => sum + p.timeoutMs, 0);
  if (leaseMs < worstCaseMs) {
    throw new Error(
      `${path}.lease (${leaseMs} ms) must be at least the sum of the providers' timeouts (${worstCaseMs} ms for ${providers.length} providers), or a job's lease can expire while a worker still waits on a provider`,
    );
  }

  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    schedule: readSchedule(
      c?.getOptionalConfig('schedule'),
      {
        frequency: { minutes: 5 },
        timeout: { minutes: 15 },
        initialDelay: { seconds: 20 },
      },
      `${path}.schedule`,
    ),
    maxAttempts: positiveInt(c, 'maxAttempts', 5, { path, max: 100 }),
    leaseMs,
    regenerateCooldownMs: durationMs(
      c,
      'regenerateCooldown',
      10 * 60_000,
      `${path}.regenerateCooldown`,
    ),
    unhealthyForMs: durationMs(
      c,
      'unhealthyFor',
      15 * 60_000,
      `${path}.unhealthyFor`,
    ),
    maxOutputTokens: positiveInt(c, 'maxOutputTokens', 1500, {
      path,
      max: 32_000,
    }),
    budget: {
      jobsPerCycle: positiveInt(c, 'budget.jobsPerCycle', 50, {
        path,
        max: 100_000,
      }),
      tokensPerCycle: positiveInt(c, 'budget.tokensPerCycle', 200_000, {
        path,
        max: 1_000_000_000,
      }),
    },
    providers,
  };
}
