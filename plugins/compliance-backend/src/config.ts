import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { Duration } from 'luxon';
import {
  DEFAULT_EVALUATED_KINDS,
  type ComplianceLevel,
  type ControlDefinition,
  type ControlSeverity,
} from 'backstage-plugin-compliance-common';
import type { Waiver } from './lib/evaluate';
import { validateControlDefinition } from './lib/controls';

/** Settings of one collector. */
export interface CollectorSettings {
  schedule?: SchedulerServiceTaskScheduleDefinition;
  shards: number;
  disabled: boolean;
}

/** Everything the backend reads from `compliance.*`. */
export interface ComplianceConfig {
  kinds: string[];
  schedules: {
    evaluate: SchedulerServiceTaskScheduleDefinition;
    rollup: SchedulerServiceTaskScheduleDefinition;
    retention: SchedulerServiceTaskScheduleDefinition;
  };
  collectors: Record<string, CollectorSettings>;
  controls: {
    disabled: string[];
    overrides: Record<string, { severity?: ControlSeverity; weight?: number }>;
    custom: ControlDefinition[];
  };
  levels?: ComplianceLevel[];
  frameworks: Array<{ id: string; title: string }>;
  waivers: Waiver[];
  catalog: {
    lifecycles: string[];
    onCallAnnotations: string[];
    minDescriptionLength: number;
    /** Hosts of the configured `integrations` (github.com always). */
    sourceHosts: string[];
  };
  retention: {
    historyDays: number;
    ledgerDays: number;
    factHistoryDays: number;
    runDays: number;
    stateDays: number;
  };
  refresh: {
    cooldownMs: number;
    maxConcurrent: number;
  };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

function readSchedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
  key: string,
): SchedulerServiceTaskScheduleDefinition {
  if (!config) return fallback;
  try {
    return {
      frequency: readDurationFromConfig(config, { key: 'frequency' }),
      timeout: config.has('timeout')
        ? readDurationFromConfig(config, { key: 'timeout' })
        : fallback.timeout,
      ...initialDelay(config, fallback),
    };
  } catch (e) {
    throw new Error(`Invalid schedule at ${key}: ${(e as Error).message}`);
  }
}

function initialDelay(
  config: Config,
  fallback: SchedulerServiceTaskScheduleDefinition,
): Pick<SchedulerServiceTaskScheduleDefinition, 'initialDelay'> {
  if (config.has('initialDelay')) {
    return {
      initialDelay: readDurationFromConfig(config, { key: 'initialDelay' }),
    };
  }
  return fallback.initialDelay ? { initialDelay: fallback.initialDelay } : {};
}

function durationMs(
  config: Config | undefined,
  key: string,
  fallback: number,
  path: string,
): number {
  if (!config?.has(key)) return fallback;
  try {
    const d = readDurationFromConfig(config, { key });
    return Duration.fromObject(d).toMillis();
  } catch (e) {
    throw new Error(`Invalid duration at ${path}: ${(e as Error).message}`);
  }
}

function positiveInt(config: Config, key: string, fallback: number): number {
  const v = config.getOptionalNumber(key);
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`compliance.${key} must be a positive integer, got ${v}`);
  }
  return v;
}

/** The hosts of every configured SCM integration, plus github.com. */
export function integrationHosts(root: Config): string[] {
  const hosts = new Set(['github.com']);
  const integrations = root.getOptionalConfig('integrations');
  for (const type of integrations?.keys() ?? []) {
    for (const entry of integrations!.getOptionalConfigArray(type) ?? []) {
      const host = entry.getOptionalString('host');
      if (host) hosts.add(host.toLocaleLowerCase('en-US'));
    }
  }
  return [...hosts];
}

/** Reads and validates the `compliance` config block. Throws an Error naming the bad config key. */
export function readComplianceConfig(root: Config): ComplianceConfig {
  const c = root.getOptionalConfig('compliance');
  const get = (key: string) => c?.getOptionalConfig(key);

  const collectors: Record<string, CollectorSettings> = {};
  const cc = get('collectors');
  for (const id of cc?.keys() ?? []) {
    const one = cc!.getConfig(id);
    collectors[id] = {
      ...(one.has('schedule')
        ? {
            schedule: readSchedule(
              one.getConfig('schedule'),
              { frequency: { minutes: 30 }, timeout: { minutes: 15 } },
              `compliance.collectors.${id}.schedule`,
            ),
          }
        : {}),
      shards: positiveInt(one, 'shards', 1),
      disabled: one.getOptionalBoolean('disabled') ?? false,
    };
  }

  const overrides: ComplianceConfig['controls']['overrides'] = {};
  const oc = c?.getOptionalConfig('controls.overrides');
  for (const id of oc?.keys() ?? []) {
    const o = oc!.getConfig(id);
    const severity = o.getOptionalString('severity');
    if (severity !== undefined && !SEVERITIES.includes(severity)) {
      throw new Error(
        `compliance.controls.overrides.${id}.severity must be one of ${SEVERITIES.join(
          ', ',
        )}, got "${severity}"`,
      );
    }
    const weight = o.getOptionalNumber('weight');
    if (weight !== undefined && (weight < 0 || weight > 100)) {
      throw new Error(
        `compliance.controls.overrides.${id}.weight must be between 0 and 100`,
      );
    }
    overrides[id] = {
      ...(severity ? { severity: severity as ControlSeverity } : {}),
      ...(weight !== undefined ? { weight } : {}),
    };
  }

  const custom = (c?.getOptional<unknown[]>('controls.custom') ?? []).map(
    (raw, i) =>
      validateControlDefinition(raw, `compliance.controls.custom[${i}]`),
  );

  const levels = c?.getOptionalConfigArray('levels')?.map((l, i) => {
    const required = l.getOptionalStringArray('requiredControls') ?? [];
    return {
      id: l.getString('id'),
      title: l.getOptionalString('title') ?? l.getString('id'),
      requiredControls: required,
      _i: i,
    };
  });
  const levelIds = new Set<string>();
  for (const l of levels ?? []) {
    if (levelIds.has(l.id))
      throw new Error(`compliance.levels has duplicate id "${l.id}"`);
    levelIds.add(l.id);
  }

  const fc = get('frameworks');
  const frameworks = fc
    ? fc.keys().map(id => ({
        id,
        title: fc.getConfig(id).getOptionalString('title') ?? id,
      }))
    : [
        { id: 'soc2', title: 'SOC 2' },
        { id: 'iso27001', title: 'ISO/IEC 27001:2022' },
        { id: 'openssf', title: 'OpenSSF Scorecard' },
      ];

  const waivers = (c?.getOptionalConfigArray('waivers') ?? []).map((w, i) => {
    const expiresAt = w.getOptionalString('expiresAt');
    if (expiresAt && Number.isNaN(new Date(expiresAt).getTime())) {
      throw new Error(
        `compliance.waivers[${i}].expiresAt is not a date: "${expiresAt}"`,
      );
    }
    return {
      entityRef: w.getString('entityRef').toLocaleLowerCase('en-US'),
      controlId: w.getString('controlId'),
      reason: w.getString('reason'),
      ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    };
  });

  return {
    kinds: (
      c?.getOptionalStringArray('entities.kinds') ?? DEFAULT_EVALUATED_KINDS
    ).map(k => k.toLocaleLowerCase('en-US')),
    schedules: {
      evaluate: readSchedule(
        get('schedule')?.getOptionalConfig('evaluate'),
        {
          frequency: { minutes: 5 },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 10 },
        },
        'compliance.schedule.evaluate',
      ),
      rollup: readSchedule(
        get('schedule')?.getOptionalConfig('rollup'),
        {
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
        },
        'compliance.schedule.rollup',
      ),
      retention: readSchedule(
        get('schedule')?.getOptionalConfig('retention'),
        {
          frequency: { hours: 24 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 5 },
        },
        'compliance.schedule.retention',
      ),
    },
    collectors,
    controls: {
      disabled: c?.getOptionalStringArray('controls.disabled') ?? [],
      overrides,
      custom,
    },
    ...(levels ? { levels: levels.map(({ _i, ...l }) => l) } : {}),
    frameworks,
    waivers,
    catalog: {
      lifecycles: c?.getOptionalStringArray('catalog.lifecycles') ?? [
        'experimental',
        'production',
        'deprecated',
      ],
      onCallAnnotations: c?.getOptionalStringArray(
        'catalog.onCallAnnotations',
      ) ?? [
        'pagerduty.com/service-id',
        'pagerduty.com/integration-key',
        'opsgenie.com/team',
        'opsgenie.com/component-selector',
      ],
      minDescriptionLength: positiveInt(
        c ?? root,
        'catalog.minDescriptionLength',
        20,
      ),
      sourceHosts: integrationHosts(root),
    },
    retention: {
      historyDays: positiveInt(c ?? root, 'retention.historyDays', 400),
      ledgerDays: positiveInt(c ?? root, 'retention.ledgerDays', 400),
      factHistoryDays: positiveInt(c ?? root, 'retention.factHistoryDays', 90),
      runDays: positiveInt(c ?? root, 'retention.runDays', 30),
      stateDays: positiveInt(c ?? root, 'retention.stateDays', 30),
    },
    refresh: {
      cooldownMs: durationMs(
        c?.getOptionalConfig('refresh'),
        'cooldown',
        60_000,
        'compliance.refresh.cooldown',
      ),
      maxConcurrent: positiveInt(c ?? root, 'refresh.maxConcurrent', 2),
    },
  };
}
