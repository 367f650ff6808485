import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  durationMs,
  integrationHosts,
  isCalendarDate,
  positiveInt,
  readSchedule,
} from './configReaders';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
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
  authorization: {
    /** How long per-user catalog read decisions are reused. */
    cacheTtlMs: number;
  };
}

/** The catalog's rule for namespaces and names. */
const ENTITY_NAME = /^(?=.{1,63}$)[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

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
      shards: positiveInt(one, 'shards', 1, {
        path: `compliance.collectors.${id}`,
        max: 64,
      }),
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
    if (
      weight !== undefined &&
      (!Number.isFinite(weight) || weight < 0 || weight > 100)
    ) {
      throw new Error(
        `compliance.controls.overrides.${id}.weight must be between 0 and 100`,
      );
    }
    overrides[id] = {
      ...(severity ? { severity: severity as ControlSeverity } : {}),
      ...(weight !== undefined ? { weight } : {}),
    };
  }

  const rawCustom = c?.getOptional<unknown>('controls.custom') ?? [];
  if (!Array.isArray(rawCustom)) {
    throw new Error('compliance.controls.custom must be a list of controls');
  }
  const custom = rawCustom.map((raw, i) =>
    validateControlDefinition(raw, `compliance.controls.custom[${i}]`),
  );

  const levels = c?.getOptionalConfigArray('levels')?.map((l, i) => {
    const required = l.getOptionalStringArray('requiredControls') ?? [];
    const minCoverage = l.getOptionalNumber('minCoverage');
    if (
      minCoverage !== undefined &&
      !(Number.isFinite(minCoverage) && minCoverage >= 0 && minCoverage <= 1)
    ) {
      throw new Error(
        `compliance.levels[${i}].minCoverage must be a number from 0 to 1 (a fraction of the applicable weight), got ${minCoverage}`,
      );
    }
    return {
      id: l.getString('id'),
      title: l.getOptionalString('title') ?? l.getString('id'),
      requiredControls: required,
      ...(minCoverage !== undefined ? { minCoverage } : {}),
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
    const path = `compliance.waivers[${i}]`;
    const expiresAt = w.getOptionalString('expiresAt');
    if (expiresAt !== undefined && !isCalendarDate(expiresAt)) {
      throw new Error(
        `${path}.expiresAt is not a valid date or ISO timestamp: "${expiresAt.slice(
          0,
          100,
        )}"`,
      );
    }
    const rawRef = w.getString('entityRef');
    let entityRef: string;
    try {
      const parsed = parseEntityRef(rawRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
      if (
        !/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/.test(parsed.kind) ||
        !ENTITY_NAME.test(parsed.namespace) ||
        !ENTITY_NAME.test(parsed.name)
      ) {
        throw new Error(
          'expected [kind:][namespace/]name with catalog kind, namespace and name rules',
        );
      }
      entityRef = stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
    } catch (e) {
      throw new Error(
        `${path}.entityRef is not an entity reference: ${(e as Error).message}`,
      );
    }
    return {
      entityRef,
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
      minDescriptionLength: positiveInt(c, 'catalog.minDescriptionLength', 20, {
        max: 10_000,
      }),
      sourceHosts: integrationHosts(root),
    },
    retention: {
      historyDays: positiveInt(c, 'retention.historyDays', 400, {
        max: 36_500,
      }),
      ledgerDays: positiveInt(c, 'retention.ledgerDays', 400, { max: 36_500 }),
      factHistoryDays: positiveInt(c, 'retention.factHistoryDays', 90, {
        max: 36_500,
      }),
      runDays: positiveInt(c, 'retention.runDays', 30, { max: 36_500 }),
      stateDays: positiveInt(c, 'retention.stateDays', 30, { max: 36_500 }),
    },
    refresh: {
      cooldownMs: durationMs(
        c?.getOptionalConfig('refresh'),
        'cooldown',
        60_000,
        'compliance.refresh.cooldown',
      ),
      maxConcurrent: positiveInt(c, 'refresh.maxConcurrent', 2, { max: 100 }),
    },
    authorization: {
      cacheTtlMs: durationMs(
        c?.getOptionalConfig('authorization'),
        'cacheTtl',
        10_000,
        'compliance.authorization.cacheTtl',
      ),
    },
  };
}
