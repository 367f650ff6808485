/**
 * Bad-input sweep of the real backend ("Hardening"): every route, query
 * parameter, request body and action input answers a 4xx (or an InputError)
 * naming the problem, never a 5xx, and no table changes. Cases are generated
 * with fast-check from a fixed seed; BAD_INPUT_RUNS sets the cases per route.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ANNOTATION_COMPLIANCE_SKIP } from 'backstage-plugin-compliance-common';
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  BAD_INPUT_SEED,
  NUMBERISH,
  RAW_URL_PIECES,
  SweepTally,
  badInputRuns,
  deepArray,
  deepObject,
  hostileString,
  percentEncode,
  setIn,
  tableChecksums,
  urlPiece,
} from '../__testUtils__/badInput';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  mockActionsRegistry,
  startCompliance,
} from '../__testUtils__/testBackend';
import { component } from '../__testUtils__/entities';

jest.setTimeout(600_000);

const RUNS = badInputRuns();

/** A request body given as JSON text, too deep to build with JSON.stringify. */
class DeepBody {
  constructor(readonly text: string) {}
}
const databases = createTestDatabases();

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'payments',
      namespace: 'default',
      description: 'Payments and refunds for all shops',
    },
    spec: { owner: 'payments-team' },
  },
  component(
    'payments-api',
    {
      lifecycle: 'production',
      owner: 'group:payments-team',
      system: 'payments',
    },
    {
      description: 'Authorises and captures card payments',
      tags: ['java'],
      annotations: {
        'github.com/project-slug': 'org/payments-api',
        'backstage.io/techdocs-ref': 'dir:.',
        'pagerduty.com/service-id': 'P1',
      },
    },
  ),
  component('orphan', { lifecycle: 'sandbox', owner: 'user:nobody' }),
];

/** A valid proposed entity: the base every /evaluate body is made from. */
const proposed = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'new-service',
    description: 'A brand new service created from a template',
    tags: ['java'],
    labels: { team: 'payments' },
    annotations: { 'github.com/project-slug': 'org/new-service' },
    links: [{ url: 'https://example.com', title: 'Home' }],
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/payments-team',
    system: 'payments',
  },
};

interface Answer {
  status: number;
  text: string;
  json?: any;
}

/** A raw HTTP request: the path, headers and body are sent exactly as given. */
function send(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body =
      options.body === undefined ? undefined : Buffer.from(options.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          authorization: mockCredentials.user.header(),
          ...(body ? { 'content-length': String(body.length) } : {}),
          ...options.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const shorten = (s: string, max = 300) =>
  s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;

describe.each(databases.eachSupportedId())('bad input on %s', databaseId => {
  const tally = new SweepTally();
  let backend: Awaited<ReturnType<typeof startCompliance>>['backend'];
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let registry: ReturnType<typeof mockActionsRegistry>['registry'];
  let before: Awaited<ReturnType<typeof tableChecksums>>;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const started = Date.now();

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    const actions = mockActionsRegistry();
    registry = actions.registry;
    const plugin = await startCompliance({
      knex,
      features: [catalogServiceMock.factory({ entities }), actions.factory],
      compliance: {
        waivers: [
          {
            entityRef: 'component:default/orphan',
            controlId: 'CAT-04',
            reason: 'prototype',
            expiresAt: '2099-01-01',
          },
        ],
      },
    });
    backend = plugin.backend;
    port = (backend.server.address() as AddressInfo).port;
    await plugin.cycle();
    await plugin.scheduler.triggerTask('compliance:rollup');
    before = await tableChecksums(knex);
    if (!(before.compliance_results?.rows > 0)) {
      throw new Error('The seeded entities were not evaluated');
    }
  });

  afterAll(async () => {
    agent.destroy();
    await backend?.stop();
    // eslint-disable-next-line no-console
    console.info(
      `bad-input sweep on ${databaseId} in ${Math.round(
        (Date.now() - started) / 1000,
      )}s, seed ${BAD_INPUT_SEED}, ${RUNS} runs per route\n${tally.summary()}`,
    );
  });

  /**
   * Sends one case and judges the answer: never a 5xx; a 4xx carries a JSON
   * error with a name and a message, and `names` (when given) must accept
   * the message.
   */
  async function judge(
    category: string,
    method: string,
    path: string,
    options: {
      headers?: Record<string, string>;
      body?: Buffer | string;
      names?: (message: string) => boolean;
      what?: string;
      /** No route matches the path: a 404 without a body is acceptable. */
      unrouted?: boolean;
    } = {},
  ): Promise<Answer> {
    const res = await send(agent, port, method, path, options);
    tally.count(category, res.status);
    const repro = [
      `${method} ${shorten(path)}`,
      ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ...(options.body !== undefined
        ? [`body: ${shorten(String(options.body))}`]
        : []),
    ].join('\n');
    const error = res.json?.error;
    if (res.status >= 500) {
      tally.serverError(category);
      tally.fail({
        category,
        repro,
        problem: `${res.status} ${error?.name}: ${shorten(
          String(error?.message ?? res.text),
          200,
        )}`,
      });
    } else if (res.status === 404 && options.unrouted) {
      // Not a route of the plugin.
    } else if (res.status >= 400) {
      if (
        typeof error?.name !== 'string' ||
        !error.name ||
        typeof error?.message !== 'string' ||
        !error.message
      ) {
        tally.fail({
          category,
          repro,
          problem: `${
            res.status
          } without a JSON error naming the problem: ${shorten(res.text, 200)}`,
        });
      } else if (options.names && !options.names(error.message)) {
        tally.fail({
          category,
          repro,
          problem: `${res.status} ${error.name} does not name ${
            options.what ?? 'the problem'
          }: ${shorten(error.message, 200)}`,
        });
      }
    } else if (res.status < 200) {
      tally.fail({ category, repro, problem: `status ${res.status}` });
    }
    return res;
  }

  /** The distinct bad answers of the categories starting with `prefix`. */
  const badAnswers = (prefix: string) =>
    tally.distinctBad(50).filter(b => b.category.startsWith(prefix));

  const ENTITY = '/api/compliance/entities/component/default/payments-api';
  const UNKNOWN = '/api/compliance/entities/component/default/no-such-entity';

  it('answers hostile path parameters with a 4xx naming the parameter', async () => {
    const routes: Array<[string, string]> = [
      ['GET', ''],
      ['GET', '/results'],
      ['GET', '/history'],
      ['GET', '/facts'],
      ['POST', '/refresh'],
    ];
    // Each part is hostile or valid; at least one is hostile. The valid name
    // is an entity that does not exist, so that a refresh never writes.
    const part = (valid: string) =>
      fc.oneof({ arbitrary: urlPiece, weight: 2 }, fc.constant(valid));
    const cases = fc.sample(
      fc
        .tuple(part('component'), part('default'), part('no-such-entity'))
        .filter(
          ([k, ns, n]) =>
            (k !== 'component' || ns !== 'default' || n !== 'no-such-entity') &&
            k.length + ns.length + n.length < 12_000,
        ),
      { seed: BAD_INPUT_SEED, numRuns: RUNS },
    );
    for (const [kind, namespace, name] of cases) {
      for (const [method, suffix] of routes) {
        // An empty part matches no route: the framework's bare 404 answers.
        const unrouted = !kind || !namespace || !name;
        await judge(
          `path ${method} /entities/:kind/:namespace/:name${suffix}`,
          method,
          `/api/compliance/entities/${kind}/${namespace}/${name}${suffix}`,
          {
            names: m => /kind|namespace|name|param|not found/i.test(m),
            what: 'the path parameter',
            unrouted,
          },
        );
      }
    }
    expect(badAnswers('path')).toEqual([]);
  });

  it('answers hostile query strings on every route', async () => {
    const routes: Array<{ method: string; path: string; keys: string[] }> = [
      { method: 'GET', path: '/api/compliance/health', keys: [] },
      { method: 'GET', path: ENTITY, keys: [] },
      { method: 'GET', path: `${ENTITY}/results`, keys: [] },
      { method: 'GET', path: `${ENTITY}/history`, keys: ['days'] },
      { method: 'GET', path: `${ENTITY}/facts`, keys: ['prefix'] },
      { method: 'POST', path: `${UNKNOWN}/refresh`, keys: [] },
      { method: 'GET', path: '/api/compliance/controls', keys: [] },
      { method: 'GET', path: '/api/compliance/status', keys: [] },
      {
        method: 'GET',
        path: '/api/compliance/overview',
        keys: [
          'owner',
          'system',
          'kind',
          'level',
          'lifecycle',
          'framework',
          'search',
          'sort',
          'order',
          'page',
          'pageSize',
        ],
      },
      { method: 'POST', path: '/api/compliance/evaluate', keys: ['entity'] },
    ];
    const ENUMS = ['score', 'name', 'asc', 'desc', 'gold', 'soc2', 'x,y,,z'];
    for (const route of routes) {
      const keys = [...route.keys, 'days', 'page'];
      const key = fc.oneof(
        { arbitrary: fc.constantFrom(...keys), weight: 6 },
        {
          arbitrary: fc
            .tuple(
              fc.constantFrom(...keys),
              fc.constantFrom(
                '[]',
                '[0]',
                '[1]',
                '[a]',
                '[a][b]',
                '[]=',
                '[__proto__]',
                '[length]',
                '[99999]',
              ),
            )
            .map(([k, s]) => `${k}${s}`),
          weight: 3,
        },
        {
          arbitrary: fc.constantFrom(
            '__proto__',
            '__proto__[days]',
            'constructor[prototype][days]',
            '',
            '&',
            '=',
            'a'.repeat(2000),
          ),
          weight: 1,
        },
        { arbitrary: urlPiece, weight: 1 },
      );
      const value = fc.oneof(
        {
          arbitrary: fc.constantFrom(...NUMBERISH).map(percentEncode),
          weight: 4,
        },
        { arbitrary: fc.constantFrom(...ENUMS).map(percentEncode), weight: 2 },
        { arbitrary: urlPiece, weight: 4 },
        { arbitrary: fc.constantFrom(...RAW_URL_PIECES), weight: 1 },
      );
      const query = fc
        .array(
          fc.tuple(key, value, fc.boolean()).map(([k, v, bare]) =>
            // Keys are sent raw where they are brackets, encoded otherwise.
            bare ? k : `${/^[\w[\]]*$/.test(k) ? k : percentEncode(k)}=${v}`,
          ),
          { minLength: 1, maxLength: 8 },
        )
        .map(pairs => pairs.join('&'))
        .filter(q => q.length < 12_000);
      const body = JSON.stringify({ entity: proposed });
      for (const q of fc.sample(query, {
        seed: BAD_INPUT_SEED,
        numRuns: RUNS,
      })) {
        const sentKeys = q
          .split('&')
          .map(p => decodeSafe(p.split('=')[0]).replace(/\[.*$/, ''))
          .filter(k => route.keys.includes(k));
        await judge(
          `query ${route.method} ${route.path.replace(ENTITY, '/entities/…')}`,
          route.method,
          `${route.path}?${q}`,
          {
            ...(route.path.endsWith('/evaluate')
              ? { body, headers: { 'content-type': 'application/json' } }
              : {}),
            names: m =>
              sentKeys.some(k => m.includes(k)) ||
              /not found|too many/i.test(m),
            what: 'the query parameter',
          },
        );
      }
    }
    // And every parameter with each of the worst values, one at a time.
    const WORST = [
      '%00',
      'a%00b',
      '%',
      '%25%5F',
      '%5C',
      '%27',
      '1e19',
      '-1',
      'NaN',
      '',
      '%F0%9F%98%80',
      '%ED%A0%80',
      'a'.repeat(5000),
    ];
    for (const route of routes) {
      for (const key of route.keys) {
        for (const v of WORST) {
          await judge(
            `query fixed ${route.method} ${route.path.replace(
              ENTITY,
              '/entities/…',
            )}`,
            route.method,
            `${route.path}?${key}=${v}`,
            {
              ...(route.path.endsWith('/evaluate')
                ? {
                    body: JSON.stringify({ entity: proposed }),
                    headers: { 'content-type': 'application/json' },
                  }
                : {}),
              names: m => m.includes(key),
              what: `the query parameter ${key}`,
            },
          );
        }
      }
    }
    // A URL longer than Node's header limit is refused by the server itself.
    const long = await send(
      agent,
      port,
      'GET',
      `/api/compliance/overview?search=${'a'.repeat(20_000)}`,
    );
    tally.count('query transport', long.status);
    expect(long.status).toBeLessThan(500);
    expect(badAnswers('query')).toEqual([]);
  });

  /** Paths of /evaluate bodies: everything the schema checks, and more. */
  const BODY_PATHS: Array<Array<string | number>> = [
    [],
    ['entity'],
    ['entity', 'apiVersion'],
    ['entity', 'kind'],
    ['entity', 'metadata'],
    ['entity', 'metadata', 'name'],
    ['entity', 'metadata', 'namespace'],
    ['entity', 'metadata', 'title'],
    ['entity', 'metadata', 'description'],
    ['entity', 'metadata', 'tags'],
    ['entity', 'metadata', 'tags', 0],
    ['entity', 'metadata', 'labels'],
    ['entity', 'metadata', 'labels', 'team'],
    ['entity', 'metadata', 'annotations'],
    ['entity', 'metadata', 'annotations', 'github.com/project-slug'],
    ['entity', 'metadata', 'annotations', 'backstage.io/techdocs-ref'],
    ['entity', 'metadata', 'annotations', 'pagerduty.com/service-id'],
    ['entity', 'metadata', 'annotations', 'backstage.io/source-location'],
    ['entity', 'metadata', 'annotations', 'backstage.io/managed-by-location'],
    ['entity', 'metadata', 'annotations', ANNOTATION_COMPLIANCE_SKIP],
    ['entity', 'metadata', 'links'],
    ['entity', 'metadata', 'links', 0],
    ['entity', 'metadata', 'links', 0, 'url'],
    ['entity', 'metadata', 'uid'],
    ['entity', 'metadata', 'etag'],
    ['entity', 'spec'],
    ['entity', 'spec', 'type'],
    ['entity', 'spec', 'lifecycle'],
    ['entity', 'spec', 'owner'],
    ['entity', 'spec', 'system'],
    ['entity', 'spec', 'dependsOn'],
    ['entity', 'spec', 'providesApis'],
    ['entity', 'relations'],
    ['entity', 'status'],
  ];

  /** Values of the wrong type, odd shape or size for any field. */
  const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.integer(),
    fc.constantFrom(5, -1, 0, 1e308, -0, 1.5),
    fc.boolean(),
    fc.constant(null),
    hostileString,
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
    fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 5,
    }),
    fc.dictionary(hostileString, fc.oneof(fc.integer(), fc.boolean()), {
      minKeys: 1,
      maxKeys: 3,
    }),
    fc.nat({ max: 3000 }).map(deepArray),
    fc.nat({ max: 3000 }).map(deepObject),
    fc.integer({ min: 90_000, max: 99_000 }).map(n => 'x'.repeat(n)),
    fc.constant(Array.from({ length: 300 }, (_, i) => `t${i}`)),
    fc.constant(
      Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v'])),
    ),
  );

  it('answers /evaluate bodies with a wrong value at any field, naming the field', async () => {
    // Every field with each basic wrong type, then generated values.
    const BASIC: unknown[] = [5, -1.5, true, null, '', [], [5], {}, { a: 5 }];
    const cases: Array<[Array<string | number>, unknown]> = [
      ...BODY_PATHS.flatMap(path =>
        BASIC.map(v => [path, v] as [Array<string | number>, unknown]),
      ),
      ...fc.sample(fc.tuple(fc.constantFrom(...BODY_PATHS), wrongValue), {
        seed: BAD_INPUT_SEED,
        numRuns: RUNS,
      }),
    ];
    for (const [path, value] of cases) {
      const body = JSON.stringify(setIn({ entity: proposed }, path, value));
      const field = path.length ? path.join('.') : 'request body';
      await judge('body one wrong field', 'POST', '/api/compliance/evaluate', {
        headers: { 'content-type': 'application/json' },
        body,
        // express.json() refuses a JSON scalar as the body with a
        // SyntaxError ("… is not valid JSON"): accepted as naming it.
        names: m =>
          m.includes(field) ||
          /too large/i.test(m) ||
          (path.length === 0 && /JSON/.test(m)),
        what: field,
      });
    }
    expect(badAnswers('body one')).toEqual([]);
  });

  it('answers /evaluate bodies with many wrong fields, deep nesting and sizes near the limit', async () => {
    const entityish = fc.oneof(
      fc
        .array(fc.tuple(fc.constantFrom(...BODY_PATHS), wrongValue), {
          minLength: 2,
          maxLength: 5,
        })
        .map(edits =>
          edits.reduce<unknown>(
            (doc, [path, value]) => setIn(doc, path, value),
            { entity: proposed },
          ),
        ),
      // Deep nesting close to the body limit, in a field no schema checks
      // and in one it does (as JSON text: too deep for JSON.stringify).
      fc
        .tuple(
          fc.constantFrom<Array<string | number>>(
            ['entity', 'spec', 'deep'],
            ['entity', 'metadata', 'annotations', 'x'],
            ['entity', 'metadata', 'links', 0, 'url'],
            ['entity', 'relations'],
            ['entity', 'spec', 'owner'],
          ),
          fc.integer({ min: 10_000, max: 48_000 }),
          fc.boolean(),
        )
        .map(([path, depth, arrays]) => {
          const d = arrays ? depth : Math.floor(depth / 3);
          return new DeepBody(
            JSON.stringify(setIn({ entity: proposed }, path, '@DEEP@')).replace(
              '"@DEEP@"',
              arrays
                ? `${'['.repeat(d)}${']'.repeat(d)}`
                : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`,
            ),
          );
        }),
      // Many small fields, annotations and tags.
      fc
        .integer({ min: 100, max: 3000 })
        .map(n =>
          setIn(
            { entity: proposed },
            ['entity', 'metadata', 'annotations'],
            Object.fromEntries(
              Array.from({ length: n }, (_, i) => [`a.io/k${i}`, 'v']),
            ),
          ),
        ),
      fc.integer({ min: 50, max: 5000 }).map(n =>
        setIn(
          { entity: proposed },
          ['entity', 'spec', 'dependsOn'],
          Array.from({ length: n }, (_, i) => `component:default/c${i}`),
        ),
      ),
      // Just below and above the 100kb limit.
      fc
        .integer({ min: 95_000, max: 110_000 })
        .map(n =>
          setIn({ entity: proposed }, ['entity', 'spec', 'big'], 'x'.repeat(n)),
        ),
      fc.jsonValue({ maxDepth: 4 }),
    );
    for (const doc of fc.sample(entityish, {
      seed: BAD_INPUT_SEED,
      numRuns: RUNS,
    })) {
      await judge('body many fields', 'POST', '/api/compliance/evaluate', {
        headers: { 'content-type': 'application/json' },
        body:
          doc instanceof DeepBody ? doc.text : JSON.stringify(doc) ?? 'null',
      });
    }
    expect(badAnswers('body many')).toEqual([]);
  });

  it('answers malformed /evaluate texts, encodings and content types', async () => {
    const valid = JSON.stringify({ entity: proposed });
    const fixed: Array<{
      body?: Buffer | string;
      headers: Record<string, string>;
    }> = [
      ...[
        '',
        '{',
        'not json',
        '{"entity":}',
        '{"entity": NaN}',
        "{'entity': {}}",
        '[]',
        'null',
        '5',
        '"entity"',
        'true',
        '\u0000',
        `\ufeff${valid}`,
        `${valid}garbage`,
        '{"entity": {"kind": "Component", "kind": 5}}',
        '{"__proto__": {"entity": {}}}',
        `{"__proto__": ${valid}}`,
        `{"constructor": {"prototype": ${valid}}}`,
        `{"entity": {"__proto__": {"kind": "Component"}}}`,
        '{"entity": "\\ud800"}',
        `${'['.repeat(60_000)}${']'.repeat(60_000)}`,
        `{"entity": ${'['.repeat(49_000)}${']'.repeat(49_000)}}`,
      ].map(body => ({
        body,
        headers: { 'content-type': 'application/json' },
      })),
      { body: valid, headers: { 'content-type': 'text/plain' } },
      { body: valid, headers: {} },
      {
        body: 'entity[kind]=Component&entity[metadata][name]=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      {
        body: `--b\r\nContent-Disposition: form-data; name="entity"\r\n\r\n${valid}\r\n--b--`,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      },
      {
        body: valid,
        headers: { 'content-type': 'application/json; charset=utf-7' },
      },
      {
        body: valid,
        headers: { 'content-type': 'application/json; charset=nope' },
      },
      {
        body: Buffer.from(valid, 'utf16le'),
        headers: { 'content-type': 'application/json; charset=utf-16' },
      },
      {
        body: valid,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
      },
      {
        body: valid,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'br',
        },
      },
      {
        body: valid,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'x-nope',
        },
      },
      {
        body: gzipSync(
          Buffer.from(
            JSON.stringify({
              entity: { ...proposed, spec: { big: 'x'.repeat(5_000_000) } },
            }),
          ),
        ),
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
      },
      {
        body: 'x'.repeat(200_000),
        headers: { 'content-type': 'application/json' },
      },
      { body: valid, headers: { 'content-type': 'application/vnd.api+json' } },
    ];
    for (const c of fixed) {
      await judge('raw body fixed', 'POST', '/api/compliance/evaluate', c);
    }
    const texts = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom(...'{}[]":,0123456789.eE-+ntrufals \\'),
        maxLength: 200,
      }),
      fc.jsonValue({ maxDepth: 3 }).map(v => JSON.stringify(v).slice(0, -1)),
    );
    for (const body of fc.sample(texts, {
      seed: BAD_INPUT_SEED,
      numRuns: RUNS,
    })) {
      await judge('raw body generated', 'POST', '/api/compliance/evaluate', {
        headers: { 'content-type': 'application/json' },
        body,
      });
    }
    expect(badAnswers('raw body')).toEqual([]);
  });

  it('answers hostile get-entity-compliance action input with an InputError naming it', async () => {
    const inputs = fc.oneof(
      { arbitrary: hostileString.map(entityRef => ({ entityRef })), weight: 5 },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('component', 'Component', '', ':', 'a:b:c', '😀'),
            fc.constantFrom('default', '', '/', '..', 'DEFAULT'),
            hostileString,
          )
          .map(([k, ns, n]) => ({ entityRef: `${k}:${ns}/${n}` })),
        weight: 3,
      },
      {
        arbitrary: fc
          .oneof(
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(hostileString),
            fc.dictionary(hostileString, hostileString),
          )
          .map(entityRef => ({ entityRef })),
        weight: 1,
      },
      {
        arbitrary: fc.oneof(
          fc.constant({}),
          fc.constant(null),
          fc.constant('component:default/orphan'),
          fc.constant([]),
          fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 })),
        ),
        weight: 1,
      },
    );
    for (const input of fc.sample(inputs, {
      seed: BAD_INPUT_SEED,
      numRuns: RUNS,
    })) {
      let outcome = 'ok';
      const repro = `registry.invoke({ id: 'test:get-entity-compliance', input: ${shorten(
        JSON.stringify(input) ?? String(input),
      )} })`;
      try {
        await registry.invoke({
          id: 'test:get-entity-compliance',
          input: input as any,
          credentials: mockCredentials.user(),
        });
      } catch (e) {
        const error = e as Error & { cause?: Error };
        outcome = String(error?.name);
        const text = `${error?.message} ${error?.cause?.message ?? ''}`;
        if (
          !['InputError', 'NotFoundError', 'NotAllowedError'].includes(
            error?.name,
          ) ||
          !/entityRef|not found|Invalid input/i.test(text)
        ) {
          tally.serverError('action get-entity-compliance');
          tally.fail({
            category: 'action get-entity-compliance',
            repro,
            problem: `${error?.name}: ${shorten(String(error?.message), 200)}`,
          });
        }
      }
      tally.count('action get-entity-compliance', outcome);
    }
    expect(badAnswers('action')).toEqual([]);
  });

  it('leaves every table as it was: no row lost, changed or written', async () => {
    expect(await tableChecksums(knex)).toEqual(before);
    // Every sweep ran its cases.
    expect(tally.total()).toBeGreaterThanOrEqual(RUNS * 19 + 300);
  });
});

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
