/**
 * Bad-input sweep of the scaffolder actions ("Hardening"): an input of the
 * wrong shape is refused by the action's schema with an InputError naming
 * the field (as the scaffolder's task runner reports it), and an input the
 * schema lets through never makes the handler crash: it succeeds or fails
 * with an InputError. Cases are generated with fast-check from a fixed seed.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import fc from 'fast-check';
import { validate } from 'jsonschema';
import request from 'supertest';
import { z } from 'zod/v3';
import { catalogue, preview, result } from '../__testUtils__/evaluation';
import scaffolderModuleCompliance from '../index';
import {
  complianceCheckActionSchema,
  createComplianceCheckAction,
} from './createComplianceCheckAction';
import {
  complianceRefreshActionSchema,
  createComplianceRefreshAction,
} from './createComplianceRefreshAction';

jest.setTimeout(120_000);

const SEED = 20261122;
const RUNS = (() => {
  const n = Number(process.env.BAD_INPUT_RUNS);
  return Number.isInteger(n) && n > 0 ? n : 200;
})();

const tried = new Map<string, number>();
const count = (category: string) =>
  tried.set(category, (tried.get(category) ?? 0) + 1);

afterAll(() => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  // eslint-disable-next-line no-console
  console.info(
    `scaffolder bad-input sweep: ${total} cases, seed ${SEED}\n${[
      ...tried.entries(),
    ]
      .map(([c, n]) => `  ${c}: ${n}`)
      .join('\n')}`,
  );
});

const HOSTILE = [
  '',
  ' ',
  '..',
  '\u0000',
  '%00',
  "'; DROP TABLE x; --",
  '__proto__',
  'constructor',
  '😀',
  '\ud800',
  'a'.repeat(5000),
  'component:default/',
  ':/',
  'a:b:c/d/e',
  '${{ parameters.name }}',
  '{{ 7*7 }}',
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Removes the key instead of setting a value. */
const REMOVE = Symbol('remove');
type Path = Array<string | number>;

function withValue(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  if (rest.length === 0 && value === REMOVE) delete copy[head];
  else copy[head] = withValue(copy[head] ?? {}, rest, value);
  return copy;
}

const notObject = fc.oneof(
  hostileString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 2 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
);
const notStringArray = fc.oneof(
  hostileString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(hostileString, hostileString, { minKeys: 1, maxKeys: 2 }),
  fc
    .tuple(fc.array(hostileString, { maxLength: 2 }), notString)
    .map(([ok, bad]) => [...ok, bad]),
);

const validCheckInput = {
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api' },
    spec: { type: 'service', owner: 'group:default/payments' },
  },
  minimumLevel: 'silver',
  requiredControls: ['CAT-01'],
  failOnStatus: ['fail'],
  enforce: true,
};

/** Fields of `compliance:check` and values of the wrong shape for each. */
const CHECK_FIELDS: Array<[Path, fc.Arbitrary<unknown>]> = [
  [[], notObject],
  [['entity'], fc.oneof(notObject, fc.constant(REMOVE))],
  [['entity', 'apiVersion'], fc.oneof(notString, fc.constant(REMOVE))],
  [['entity', 'kind'], fc.oneof(notString, fc.constant(REMOVE))],
  [['entity', 'metadata'], fc.oneof(notObject, fc.constant(REMOVE))],
  [['entity', 'metadata', 'name'], fc.oneof(notString, fc.constant(REMOVE))],
  [['minimumLevel'], notString.filter(v => v !== null)],
  [['requiredControls'], notStringArray],
  [
    ['failOnStatus'],
    fc.oneof(
      notStringArray,
      fc
        .array(
          fc.oneof(
            fc.constantFrom('FAIL', 'Warn', 'error', 'pass', 'unknown', ''),
            hostileString.filter(s => s !== 'fail' && s !== 'warn'),
          ),
          { minLength: 1, maxLength: 3 },
        )
        .map(bad => ['fail', ...bad]),
    ),
  ],
  [
    ['enforce'],
    fc.oneof(
      fc.constantFrom('true', 'false', 'yes', 0, 1, ''),
      fc.constant(null),
      fc.constant([true]),
    ),
  ],
];

/** Fields of `compliance:refresh` and values of the wrong shape for each. */
const REFRESH_FIELDS: Array<[Path, fc.Arbitrary<unknown>]> = [
  [[], notObject],
  [['entityRef'], fc.oneof(notString, fc.constant(REMOVE))],
];

/**
 * What the scaffolder's task runner says about an input before it calls
 * the action: undefined when the input schema takes it.
 */
function runnerError(action: TemplateAction<any, any, any>, input: unknown) {
  const res = validate(input, action.schema!.input as any);
  return res.valid
    ? undefined
    : new InputError(
        `Invalid input passed to action ${action.id}, ${res.errors.join(', ')}`,
      );
}

/** Does a message name the field: its path, or the property it requires? */
function namesField(message: string, path: Path): boolean {
  if (path.length === 0) return /instance|object/.test(message);
  const leaf = String(path[path.length - 1]);
  return (
    message.includes(['instance', ...path].join('.')) ||
    message.includes(`"${leaf}"`) ||
    message.includes(`${leaf}`)
  );
}

const compliance = complianceServiceMock();
const check = createComplianceCheckAction({ compliance });
const refresh = createComplianceRefreshAction({ compliance });

describe.each([
  [
    'compliance:check',
    check,
    CHECK_FIELDS,
    validCheckInput,
    complianceCheckActionSchema,
  ],
  [
    'compliance:refresh',
    refresh,
    REFRESH_FIELDS,
    { entityRef: 'component:default/payments-api' },
    complianceRefreshActionSchema,
  ],
] as const)('%s under bad input', (id, action, fields, valid, schema) => {
  it('takes the valid base input', () => {
    expect(runnerError(action as any, valid)).toBeUndefined();
    expect(schema.input(z).safeParse(valid).success).toBe(true);
  });

  it.each(
    fields.map(
      ([path, bad]) => [path.join('.') || '(input)', path, bad] as const,
    ),
  )(
    'refuses a wrong %s with an InputError naming it, in the JSON schema and the zod schema',
    (_name, path, bad) => {
      fc.assert(
        fc.property(bad, value => {
          count(`${id} schema`);
          const input = withValue(valid, path, value);
          const error = runnerError(action as any, input);
          expect(error).toBeInstanceOf(InputError);
          expect(namesField(error!.message, path)).toBe(true);
          const parsed = schema.input(z).safeParse(input);
          expect(parsed.success).toBe(false);
          const issues = parsed.success ? [] : parsed.error.issues;
          expect(
            issues.some(i =>
              i.path.join('.').startsWith(path.slice(0, -1).join('.')),
            ),
          ).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
  );
});

describe('the handlers under input their schema lets through', () => {
  beforeEach(() => jest.resetAllMocks());

  /** Anything but a TypeError and its kin: an InputError naming the problem. */
  async function outcome(run: Promise<void>): Promise<string> {
    try {
      await run;
      return 'ok';
    } catch (e) {
      const error = e as Error;
      if (error?.name !== 'InputError' || !error.message) {
        throw new Error(
          `crashed with ${error?.name}: ${error?.message}\n${error?.stack}`,
        );
      }
      return 'InputError';
    }
  }

  it('compliance:check never crashes on hostile entities, levels and control ids', async () => {
    const extra = fc.dictionary(
      hostileString.filter(k => !['name', '__proto__'].includes(k)),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 4 },
    );
    const inputs = fc.record(
      {
        entity: fc.record({
          apiVersion: hostileString,
          kind: hostileString,
          metadata: fc
            .tuple(hostileString, extra)
            .map(([name, more]) => ({ ...more, name })),
          spec: fc.jsonValue({ maxDepth: 3 }),
        }),
        minimumLevel: fc.oneof(
          hostileString,
          fc.constantFrom('bronze', 'silver', 'gold'),
        ),
        requiredControls: fc.array(
          fc.oneof(hostileString, fc.constantFrom('CAT-01', 'CAT-05')),
          { maxLength: 5 },
        ),
        failOnStatus: fc.array(fc.constantFrom('fail', 'warn'), {
          maxLength: 3,
        }),
        enforce: fc.boolean(),
      },
      { requiredKeys: ['entity'] },
    );
    const service = fc.record({
      levels: fc.oneof(
        fc.constant(['bronze', 'silver', 'gold']),
        fc.constant([]),
        fc.array(hostileString, { maxLength: 3 }),
      ),
      reached: fc.oneof(
        fc.constant(null),
        hostileString.map(id => ({ id, title: id })),
        fc.constantFrom('bronze', 'silver', 'gold').map(id => ({
          id,
          title: id,
        })),
      ),
      results: fc.array(
        fc
          .tuple(
            fc.oneof(hostileString, fc.constantFrom('CAT-01', 'CAT-05')),
            fc.constantFrom(
              'pass',
              'fail',
              'warn',
              'unknown',
              'waived',
              'not_applicable',
            ),
            fc.constantFrom('critical', 'high', 'low', 'info'),
            fc.option(hostileString, { nil: undefined }),
          )
          .map(([controlId, status, severity, remediation]) =>
            result(controlId, status as any, {
              severity: severity as any,
              remediation,
            }),
          ),
        { maxLength: 5 },
      ),
      // The backend refuses the entity, as POST /evaluate does.
      refused: fc.boolean(),
    });
    for (const [input, svc] of fc.sample(fc.tuple(inputs, service), {
      seed: SEED,
      numRuns: RUNS,
    })) {
      // The runner would stop any input its schema refuses.
      if (runnerError(check, input)) {
        count('compliance:check handler (refused by the schema)');
        continue;
      }
      compliance.getControls.mockResolvedValue(catalogue([...svc.levels]));
      if (svc.refused) {
        compliance.evaluateEntity.mockRejectedValue(
          new InputError(
            'Invalid request body: entity.metadata.name: metadata.name must be a valid catalog entity name',
          ),
        );
      } else {
        compliance.evaluateEntity.mockResolvedValue(
          preview(svc.results, { level: svc.reached }),
        );
      }
      const ctx = createMockActionContext({ input: input as any });
      const how = await outcome(check.handler(ctx));
      count(`compliance:check handler (${how})`);
      // A run that did not stop has told the template whether it passed.
      const told = (ctx.output as jest.Mock).mock.calls.some(
        ([name, value]) => name === 'passed' && typeof value === 'boolean',
      );
      expect(how === 'InputError' || told).toBe(true);
    }
  });

  it('compliance:refresh never crashes on a hostile entityRef, and names it', async () => {
    compliance.refresh.mockResolvedValue({
      entityRef: 'component:default/x',
      score: 1,
      coverage: 1,
      level: null,
    } as any);
    for (const entityRef of fc.sample(hostileString, {
      seed: SEED,
      numRuns: RUNS,
    })) {
      const ctx = createMockActionContext({ input: { entityRef } });
      const error = await refresh.handler(ctx).catch(e => e);
      count(`compliance:refresh handler (${error ? error.name : 'ok'})`);
      const named =
        error instanceof InputError && error.message.includes('entityRef');
      expect(
        error === undefined || named ? 'ok' : `${error.name}: ${error.message}`,
      ).toBe('ok');
    }
  });
});

describe('in the real scaffolder backend', () => {
  // compliance:refresh does not support dry runs: the runner skips it
  // there before it looks at the input, so only compliance:check is run.
  it('refuses a dry-run whose compliance:check input is of the wrong shape, naming the field', async () => {
    const mock = complianceServiceMock({
      getControls: async () => catalogue(),
    });
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleCompliance,
        mock.factory,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost' } },
        }),
      ],
    });
    const cases = [
      ...fc
        .sample(fc.tuple(fc.constantFrom(...CHECK_FIELDS.slice(1)), fc.nat()), {
          seed: SEED,
          numRuns: 12,
        })
        .map(([[path, bad], i]) => ({
          action: 'compliance:check',
          path,
          input: withValue(
            validCheckInput,
            path,
            fc.sample(bad, { seed: SEED + i, numRuns: 1 })[0],
          ),
        })),
    ];
    for (const c of cases) {
      count('dry-run');
      const res = await request(server)
        .post('/api/scaffolder/v2/dry-run')
        .send({
          template: {
            apiVersion: 'scaffolder.backstage.io/v1beta3',
            kind: 'Template',
            metadata: { name: 'bad-input' },
            spec: {
              owner: 'group:default/payments',
              type: 'service',
              parameters: [],
              steps: [
                { id: 'step', name: 'Step', action: c.action, input: c.input },
              ],
            },
          },
          values: {},
          directoryContents: [],
        });
      expect({ case: c, status: res.status }).toEqual({
        case: c,
        status: 400,
      });
      expect(res.body.error.name).toBe('InputError');
      expect(namesField(res.body.error.message, c.path)).toBe(true);
    }
  });
});
