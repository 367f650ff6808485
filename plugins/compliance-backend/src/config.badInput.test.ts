/**
 * Bad-input sweep of the configuration ("Hardening"): a bad value at any key
 * that `readComplianceConfig` reads stops the backend with an Error naming
 * the key path; never a crash (a TypeError from our own code), never a
 * silent acceptance. Values are generated with fast-check from a fixed seed.
 */
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import fc from 'fast-check';
import { readComplianceConfig } from './config';
import { BAD_INPUT_SEED, badInputRuns } from './__testUtils__/badInput';

const RUNS = badInputRuns();

/** A valid configuration that sets every key the backend reads. */
const validControl = {
  id: 'ORG-01',
  title: 'Tier 1 has an SLO',
  description: 'Every tier 1 service links its SLO',
  category: 'operations',
  severity: 'high',
  weight: 5,
  applicability: { kinds: ['component'], lifecycles: ['production'] },
  rule: {
    pass: { fact: 'entity.annotations', operator: 'contains', value: 'slo' },
  },
  frameworks: { soc2: ['CC7.1'] },
  remediation: { text: 'Add an SLO link', url: 'https://example.com/slo' },
  messages: { pass: 'ok', fail: 'no SLO' },
};
const schedule = {
  frequency: { minutes: 5 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 1 },
};
const BASE: JsonObject = {
  integrations: { github: [{ host: 'github.example.com' }] },
  compliance: {
    entities: { kinds: ['Component', 'API'] },
    schedule: { evaluate: schedule, rollup: schedule, retention: schedule },
    collectors: {
      catalog: {
        schedule: {
          frequency: 'PT10M',
          timeout: { minutes: 2 },
          initialDelay: '5s',
        },
        shards: 2,
        disabled: false,
      },
    },
    controls: {
      disabled: ['CAT-05'],
      overrides: { 'CAT-04': { severity: 'critical', weight: 5 } },
      custom: [validControl],
    },
    levels: [
      { id: 'bronze', title: 'Bronze', requiredControls: ['CAT-01'] },
      { id: 'silver', title: 'Silver', requiredControls: ['CAT-02'] },
    ],
    frameworks: { soc2: { title: 'SOC 2' } },
    waivers: [
      {
        entityRef: 'component:default/payments-api',
        controlId: 'CAT-01',
        reason: 'migrating',
        expiresAt: '2099-01-01',
      },
    ],
    catalog: {
      lifecycles: ['production', 'experimental'],
      onCallAnnotations: ['pagerduty.com/service-id'],
      minDescriptionLength: 10,
    },
    retention: {
      historyDays: 100,
      ledgerDays: 100,
      factHistoryDays: 10,
      runDays: 10,
      stateDays: 10,
    },
    refresh: { cooldown: { seconds: 30 }, maxConcurrent: 3 },
  },
};

/** Removes the key instead of setting a value. */
const REMOVE = Symbol('remove');

type Path = Array<string | number>;

function withValue(doc: unknown, path: Path, value: unknown): unknown {
  const [head, ...rest] = path;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  if (rest.length === 0) {
    if (value === REMOVE) delete copy[head];
    else copy[head] = value;
  } else {
    copy[head] = withValue(copy[head] ?? {}, rest, value);
  }
  return copy;
}

/** `compliance.waivers[0].expiresAt`, as config errors spell key paths. */
function keyPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** Does the message name the key: its full path, or its parent and its name? */
function names(message: string, path: Path): boolean {
  const full = keyPath(path);
  if (message.includes(full)) return true;
  const leaf = path[path.length - 1];
  const parent = keyPath(path.slice(0, -1));
  return (
    message.includes(parent) &&
    (typeof leaf === 'number'
      ? message.includes(`[${leaf}]`)
      : new RegExp(`\\b${leaf}\\b`).test(message))
  );
}

/** Cases tried per key, reported at the end. */
const tried = new Map<string, number>();

afterAll(() => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  // eslint-disable-next-line no-console
  console.info(
    `config bad-input sweep: ${total} cases over ${tried.size} keys, seed ${BAD_INPUT_SEED}`,
  );
});

/**
 * Why reading the configuration did not fail as it should, or undefined:
 * it must throw an Error naming the key; a TypeError only from the config
 * reader's own type check ("Invalid type in config for key …").
 */
function problemOf(data: unknown, path: Path): string | undefined {
  let error: unknown;
  try {
    readComplianceConfig(new ConfigReader(data as JsonObject));
  } catch (e) {
    error = e;
  }
  if (error === undefined) return 'accepted without an error';
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  if (
    error.name !== 'Error' &&
    error.name !== 'InputError' &&
    !(
      error.name === 'TypeError' &&
      error.message.startsWith('Invalid type in config for key')
    )
  ) {
    return `crashed with ${error.name}: ${error.message}`;
  }
  if (!names(error.message, path)) {
    return `${error.name} does not name ${keyPath(path)}: ${error.message}`;
  }
  return undefined;
}

/**
 * Tries `runs` bad values at `path`; undefined when each was refused as it
 * should be, else fast-check's report of the smallest value that was not.
 */
function sweep(
  path: Path,
  bad: fc.Arbitrary<unknown>,
  runs = RUNS,
): string | undefined {
  const key = keyPath(path);
  const details = fc.check(
    fc.property(bad, value => {
      tried.set(key, (tried.get(key) ?? 0) + 1);
      const problem = problemOf(withValue(BASE, path, value), path);
      if (problem) {
        throw new Error(
          `${key} = ${
            value === REMOVE ? '(removed)' : JSON.stringify(value)
          }: ${problem}`,
        );
      }
    }),
    { seed: BAD_INPUT_SEED, numRuns: runs },
  );
  return details.failed
    ? `${(details.errorInstance as Error)?.message}\n${
        fc.defaultReportMessage(details) ?? ''
      }`
    : undefined;
}

// --- bad values by the kind of value a key holds ---

const nonEmptyString = fc.string({ minLength: 1, maxLength: 30 });
const notObject = fc.oneof(
  nonEmptyString,
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
);
const notArray = fc.oneof(
  nonEmptyString,
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), {
    minKeys: 1,
    maxKeys: 3,
  }),
);
const notString = fc.oneof(
  fc.constant(''),
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), {
    minKeys: 1,
    maxKeys: 2,
  }),
  fc.array(nonEmptyString, { minLength: 1, maxLength: 2 }),
);
const notStringArray = fc.oneof(
  notArray,
  fc
    .tuple(
      fc.array(nonEmptyString, { maxLength: 3 }),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(''), fc.constant({})),
    )
    .map(([ok, bad]) => [...ok, bad]),
);
const notPositiveInt = fc.oneof(
  fc.integer({ max: 0 }),
  fc
    .double({ min: 0.001, max: 1e6, noNaN: true })
    .filter(n => !Number.isInteger(n)),
  fc.constantFrom('0', '-1', '1.5', 'abc', 'ten', '1e400', 'NaN'),
  fc.constantFrom(NaN, -Infinity, Infinity),
  fc.boolean(),
  fc.constant({ days: 3 }),
  fc.array(fc.integer({ min: 1 }), { minLength: 1, maxLength: 2 }),
);
const notDuration = fc.oneof(
  fc.constantFrom(
    'often',
    'P',
    'PT',
    '5',
    '5 fortnights',
    'every minute',
    '-5m',
    '1h30',
    'PT5X',
  ),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { minLength: 1, maxLength: 2 }),
  fc.constantFrom(
    {},
    { fortnights: 1 },
    { minutes: 'x' },
    { minutes: true },
    { minutes: [1] },
    { cron: '* * * * *' },
  ),
);
/** A duration that is not one: below zero, written any way. */
const negativeDuration = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }).map(n => ({ minutes: -n })),
  fc.integer({ min: 1, max: 10_000 }).map(n => ({ seconds: -n })),
  fc.integer({ min: 1, max: 10_000 }).map(n => `PT-${n}M`),
  fc.integer({ min: 1, max: 10_000 }).map(n => `-P${n}D`),
);
/** A duration of no length at all: YAML's .nan and .inf. */
const nanDuration = fc.constantFrom(
  { minutes: NaN },
  { seconds: NaN },
  { hours: Infinity },
  { days: -Infinity },
);
const notSeverity = fc.oneof(
  nonEmptyString.filter(
    s => !['critical', 'high', 'medium', 'low', 'info'].includes(s),
  ),
  fc.constantFrom('Critical', 'HIGH', 'severe', ' low', 'info '),
  notString,
);
const notWeight = fc.oneof(
  fc.double({ max: -0.001, noNaN: true }),
  fc.double({ min: 100.001, noNaN: true }),
  fc.constantFrom('abc', 'heavy', '-1', '101'),
  fc.boolean(),
  fc.constant({ value: 5 }),
  fc.constant([5]),
  fc.constantFrom(Infinity, -Infinity),
);
const notDate = fc.oneof(
  fc.constantFrom(
    'tomorrow',
    'not a date',
    '2024-13-45',
    '2024-00-10',
    '31.12.2099',
    'next year',
    'Z',
  ),
  fc.integer(),
  fc.boolean(),
  fc.constant({ year: 2099 }),
);

// --- every key readComplianceConfig reads, with the bad values it gets ---

const C = 'compliance';
const KEYS: Array<[Path, fc.Arbitrary<unknown>]> = [
  [[C], notObject],
  [[C, 'entities'], notObject],
  [[C, 'entities', 'kinds'], notStringArray],
  [[C, 'schedule'], notObject],
  ...(['evaluate', 'rollup', 'retention'] as const).flatMap(
    (task): Array<[Path, fc.Arbitrary<unknown>]> => [
      [[C, 'schedule', task], notObject],
      [
        [C, 'schedule', task, 'frequency'],
        fc.oneof(notDuration, fc.constant(REMOVE)),
      ],
      [[C, 'schedule', task, 'timeout'], notDuration],
      [[C, 'schedule', task, 'initialDelay'], notDuration],
    ],
  ),
  [[C, 'collectors'], notObject],
  [[C, 'collectors', 'catalog'], notObject],
  [[C, 'collectors', 'catalog', 'schedule'], notObject],
  [
    [C, 'collectors', 'catalog', 'schedule', 'frequency'],
    fc.oneof(notDuration, fc.constant(REMOVE)),
  ],
  [[C, 'collectors', 'catalog', 'schedule', 'timeout'], notDuration],
  [[C, 'collectors', 'catalog', 'schedule', 'initialDelay'], notDuration],
  [[C, 'collectors', 'catalog', 'shards'], notPositiveInt],
  [
    [C, 'collectors', 'catalog', 'disabled'],
    fc.oneof(
      // The config reader itself takes yes/no/on/off/y/n/1/0 as booleans.
      fc.constantFrom('enabled', 'disabled', '', 'maybe', 'nope'),
      fc.integer({ min: 2 }),
      fc.constant({}),
      fc.constant([true]),
    ),
  ],
  [[C, 'controls'], notObject],
  [[C, 'controls', 'disabled'], notStringArray],
  [[C, 'controls', 'overrides'], notObject],
  [[C, 'controls', 'overrides', 'CAT-04'], notObject],
  [[C, 'controls', 'overrides', 'CAT-04', 'severity'], notSeverity],
  [[C, 'controls', 'overrides', 'CAT-04', 'weight'], notWeight],
  [[C, 'controls', 'custom'], notArray],
  [
    [C, 'controls', 'custom', 0],
    fc.oneof(
      nonEmptyString,
      fc.integer(),
      fc.boolean(),
      fc.constant({}),
      fc.constant([validControl]),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'id'],
    fc.oneof(
      notString,
      fc.constantFrom('has space', '-lead', 'x'.repeat(65), '../x'),
      fc.constant(REMOVE),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'title'],
    fc.oneof(notString, fc.constant(REMOVE)),
  ],
  [
    [C, 'controls', 'custom', 0, 'category'],
    fc.oneof(notString, fc.constant(REMOVE)),
  ],
  [
    [C, 'controls', 'custom', 0, 'severity'],
    fc.oneof(notSeverity, fc.constant(REMOVE)),
  ],
  [[C, 'controls', 'custom', 0, 'weight'], notWeight],
  [
    [C, 'controls', 'custom', 0, 'applicability'],
    fc.oneof(
      notObject,
      fc.constant({ kinds: 'component' }),
      fc.constant({ nope: [] }),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'rule'],
    fc.oneof(
      notObject,
      fc.constant(REMOVE),
      fc.constant({}),
      fc.constant({ pass: {} }),
      fc.constant({ pass: { fact: '', operator: 'equal' } }),
      fc.constant({ pass: { fact: 'x', operator: 'like' } }),
      fc.constant({ pass: { fact: 'x', operator: 'matches', value: '(' } }),
      fc.constant({
        pass: { fact: 'x', operator: 'matches', value: 'a'.repeat(501) },
      }),
      fc.constant({ pass: { all: [] } }),
      fc.integer({ min: 13, max: 40 }).map(depth => ({
        pass: JSON.parse(
          `${'{"not":'.repeat(
            depth,
          )}{"fact":"x","operator":"exists"}${'}'.repeat(depth)}`,
        ),
      })),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'frameworks'],
    fc.oneof(
      notObject,
      fc.constant({ soc2: 'CC7.1' }),
      fc.constant({ soc2: [1] }),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'remediation'],
    fc.oneof(
      notObject,
      fc.constant({}),
      fc.constant({ text: 5 }),
      fc.constant({ text: 'x', url: 'not a url' }),
      fc.constant({ text: 'x', url: 'ftp://example.com' }),
      fc.constant({ text: 'x'.repeat(4001) }),
    ),
  ],
  [
    [C, 'controls', 'custom', 0, 'messages'],
    fc.oneof(notObject, fc.constant({ pass: 5 })),
  ],
  [[C, 'controls', 'custom', 0, 'unknownKey'], fc.jsonValue()],
  [[C, 'levels'], notArray],
  [
    [C, 'levels', 0],
    fc.oneof(nonEmptyString, fc.integer(), fc.boolean(), fc.constant([1])),
  ],
  [[C, 'levels', 0, 'id'], fc.oneof(notString, fc.constant(REMOVE))],
  [[C, 'levels', 0, 'title'], notString],
  [[C, 'levels', 0, 'requiredControls'], notStringArray],
  [[C, 'frameworks'], notObject],
  [[C, 'frameworks', 'soc2'], notObject],
  [[C, 'frameworks', 'soc2', 'title'], notString],
  [[C, 'waivers'], notArray],
  [
    [C, 'waivers', 0],
    fc.oneof(nonEmptyString, fc.integer(), fc.boolean(), fc.constant([1])),
  ],
  [[C, 'waivers', 0, 'entityRef'], fc.oneof(notString, fc.constant(REMOVE))],
  [[C, 'waivers', 0, 'controlId'], fc.oneof(notString, fc.constant(REMOVE))],
  [[C, 'waivers', 0, 'reason'], fc.oneof(notString, fc.constant(REMOVE))],
  [[C, 'waivers', 0, 'expiresAt'], notDate],
  [[C, 'catalog'], notObject],
  [[C, 'catalog', 'lifecycles'], notStringArray],
  [[C, 'catalog', 'onCallAnnotations'], notStringArray],
  [[C, 'catalog', 'minDescriptionLength'], notPositiveInt],
  [[C, 'retention'], notObject],
  [[C, 'retention', 'historyDays'], notPositiveInt],
  [[C, 'retention', 'ledgerDays'], notPositiveInt],
  [[C, 'retention', 'factHistoryDays'], notPositiveInt],
  [[C, 'retention', 'runDays'], notPositiveInt],
  [[C, 'retention', 'stateDays'], notPositiveInt],
  [[C, 'refresh'], notObject],
  [[C, 'refresh', 'cooldown'], notDuration],
  [[C, 'refresh', 'maxConcurrent'], notPositiveInt],
  [['integrations'], notObject],
  [['integrations', 'github'], notArray],
  [
    ['integrations', 'github', 0],
    fc.oneof(nonEmptyString, fc.integer(), fc.boolean()),
  ],
  [['integrations', 'github', 0, 'host'], notString],
];

describe('readComplianceConfig under bad values', () => {
  it('reads the valid base configuration', () => {
    const c = readComplianceConfig(new ConfigReader(BASE));
    expect(c.collectors.catalog.shards).toBe(2);
    expect(c.controls.custom.map(x => x.id)).toEqual(['ORG-01']);
    expect(c.catalog.sourceHosts).toContain('github.example.com');
  });

  it.each(KEYS.map(([path, bad]) => [keyPath(path), path, bad] as const))(
    'names %s in the error for a bad value',
    (_key, path, bad) => expect(sweep(path, bad)).toBeUndefined(),
  );

  it('names compliance.levels when two levels share an id', () => {
    const levels = (BASE.compliance as JsonObject).levels as JsonObject[];
    tried.set('compliance.levels (duplicate id)', 1);
    expect(
      problemOf(withValue(BASE, [C, 'levels', 1, 'id'], levels[0].id), [
        C,
        'levels',
      ]),
    ).toBeUndefined();
  });
});

/**
 * Values of the right type that no deployment can mean: the reader takes
 * them today and they fail later (or never), so they must fail here.
 */
describe('readComplianceConfig under values out of range', () => {
  it.each(
    [
      ...(['evaluate', 'rollup', 'retention'] as const).map(
        task => [C, 'schedule', task, 'frequency'] as Path,
      ),
      [C, 'schedule', 'evaluate', 'timeout'] as Path,
      [C, 'collectors', 'catalog', 'schedule', 'frequency'] as Path,
      [C, 'collectors', 'catalog', 'schedule', 'initialDelay'] as Path,
      [C, 'refresh', 'cooldown'] as Path,
    ].map(path => [keyPath(path), path] as const),
  )('refuses a negative duration at %s', (_key, path) =>
    expect(sweep(path, negativeDuration)).toBeUndefined(),
  );

  it.each(
    [
      ...(['evaluate', 'rollup', 'retention'] as const).map(
        task => [C, 'schedule', task, 'frequency'] as Path,
      ),
      [C, 'schedule', 'evaluate', 'timeout'] as Path,
      [C, 'collectors', 'catalog', 'schedule', 'frequency'] as Path,
      [C, 'collectors', 'catalog', 'schedule', 'initialDelay'] as Path,
      [C, 'refresh', 'cooldown'] as Path,
    ].map(path => [keyPath(path), path] as const),
  )('refuses a NaN or infinite duration at %s', (_key, path) =>
    expect(sweep(path, nanDuration)).toBeUndefined(),
  );

  it('refuses a weight that is not a number (YAML .nan)', () => {
    expect(
      sweep(
        [C, 'controls', 'overrides', 'CAT-04', 'weight'],
        fc.constant(NaN),
        1,
      ),
    ).toBeUndefined();
  });

  it.each(
    [
      [C, 'retention', 'historyDays'],
      [C, 'retention', 'ledgerDays'],
      [C, 'retention', 'factHistoryDays'],
      [C, 'retention', 'runDays'],
      [C, 'retention', 'stateDays'],
    ].map(path => [keyPath(path), path] as const),
  )('refuses a retention no date can express at %s', (_key, path) =>
    // More days than a JavaScript date reaches back (about 273,790 years).
    expect(
      sweep(path, fc.integer({ min: 1e9, max: Number.MAX_SAFE_INTEGER })),
    ).toBeUndefined(),
  );

  it('refuses a shard count no scheduler can hold', () => {
    expect(
      sweep(
        [C, 'collectors', 'catalog', 'shards'],
        fc.integer({ min: 1e7, max: Number.MAX_SAFE_INTEGER }),
      ),
    ).toBeUndefined();
  });

  it('refuses a waiver date that does not exist', () => {
    expect(
      sweep(
        [C, 'waivers', 0, 'expiresAt'],
        fc.constantFrom('2099-02-30', '2099-04-31', '2099-02-29'),
      ),
    ).toBeUndefined();
  });
});

describe('readComplianceConfig under values that name nothing', () => {
  it('refuses a waiver entityRef that is no entity reference', () => {
    expect(
      sweep(
        [C, 'waivers', 0, 'entityRef'],
        // (A bare name may be meant as a component: not tried here.)
        fc.constantFrom(
          'not a ref',
          'component:',
          ':default/x',
          'component:default/',
          'a:b:c/d/e',
        ),
      ),
    ).toBeUndefined();
  });
});

describe('readComplianceConfig reads only its own keys', () => {
  it('ignores catalog.*, retention.* and refresh.* outside compliance', () => {
    const defaults = readComplianceConfig(new ConfigReader({}));
    fc.assert(
      fc.property(
        fc.record(
          {
            catalog: fc.record({
              minDescriptionLength: fc.oneof(fc.integer(), fc.string()),
            }),
            retention: fc.record({
              historyDays: fc.oneof(fc.integer(), fc.string()),
              runDays: fc.oneof(fc.integer(), fc.string()),
            }),
            refresh: fc.record({
              maxConcurrent: fc.oneof(fc.integer(), fc.string()),
            }),
          },
          { requiredKeys: [] },
        ),
        other => {
          tried.set(
            '(outside compliance)',
            (tried.get('(outside compliance)') ?? 0) + 1,
          );
          expect(readComplianceConfig(new ConfigReader(other))).toEqual(
            defaults,
          );
        },
      ),
      { seed: BAD_INPUT_SEED, numRuns: RUNS },
    );
  });
});
