import {
  coreServices,
  createServiceFactory,
  RootLoggerService,
} from '@backstage/backend-plugin-api';

/*
 * The "outside world" the replicas of a cluster run share besides the
 * database: the phase, what the collectors were called with, task runs,
 * the evaluation gate, and the errors the backends logged.
 */

/** What the replicas of one run share besides the database. */
export interface World {
  phase: number;
  /** Scheduled calls of the phase collectors (refreshes are not counted). */
  calls: Array<{
    replica: string;
    collectorId: string;
    phase: number;
    refs: string[];
  }>;
  /** Every task run of the plugin, by replica. */
  runs: Array<{ replica: string; taskId: string; phase: number }>;
  /** When evaluations ran (after the gate) and refreshes were served. */
  evaluating: Array<[number, number]>;
  refreshing: Array<[number, number]>;
  /** Components refreshed so far: each only once (the refresh cooldown). */
  refreshedComponents: Set<number>;
  /** What the backends logged as errors. */
  errors: string[];
  /** Evaluation runs wait for this before they start. */
  gate: Promise<void>;
  openGate: () => void;
}

export function newWorld(): World {
  return {
    phase: 0,
    calls: [],
    runs: [],
    evaluating: [],
    refreshing: [],
    refreshedComponents: new Set(),
    errors: [],
    gate: Promise.resolve(),
    openGate: () => {},
  };
}

export function closeGate(world: World) {
  world.gate = new Promise(resolve => {
    world.openGate = resolve;
  });
}

/** A root logger that keeps the errors and drops the rest. */
export function recordingRootLogger(errors: string[]) {
  const text = (value: unknown) =>
    value instanceof Error ? value.message : JSON.stringify(value ?? '');
  const make = (meta: Record<string, unknown>): RootLoggerService => ({
    error(message, extra) {
      errors.push(`${JSON.stringify(meta)} ${message} ${text(extra)}`);
    },
    warn() {},
    info() {},
    debug() {},
    child: more => make({ ...meta, ...more }),
  });
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => make({}),
  });
}
