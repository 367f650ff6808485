import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createComplianceModuleGithub } from './module';
import {
  Fault,
  faultHandler,
  FAULTS,
  Phase,
  PHASES,
  RATE_LIMIT_FAULTS,
  scenarioHandlers,
} from './__testUtils__/faultyGithub';
import { NOW } from './__testUtils__/replayedGithub';
import {
  localBackend as local,
  paymentsEntities,
  startWithGithub,
} from './__testUtils__/engineBackend';

// Every phase × every fault through the real compliance backend: a good
// cycle (collect, evaluate), then a cycle with the fault. No control that
// passed, warned or failed may change its status but to `unknown`; facts
// the fault made unknown keep their last good value with its age; the run
// is recorded with what happened.

jest.setTimeout(120_000);

const server = setupServer();
registerMswTestHooks(server);

const CYCLE_2 = new Date(NOW.getTime() + 10 * 60_000);
let testId = 0;

async function start() {
  testId += 1;
  let clock = NOW;
  const { backend, collect } = await startWithGithub({
    module: createComplianceModuleGithub({
      retry: {
        retryAfterBaseValue: 1,
        retries: 1,
        requestTimeoutMs: 100,
        graphqlIntervalMs: 0,
        throttleIdPrefix: `engine-fault-${testId}`,
      },
      now: () => clock,
    }),
    entities: paymentsEntities,
    token: 'ghp_notarealtoken',
  });
  const get = async (path: string) => {
    const res = await request(backend.server)
      .get(`/api/compliance${path}`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  };
  const cycle = async (at: Date) => {
    clock = at;
    await collect();
    const results = await get('/entities/component/default/payments/results');
    return new Map<string, { status: string; unknownReason?: string }>(
      results.items
        .filter((r: any) => r.controlId.startsWith('GH-'))
        .map((r: any) => [r.controlId, r]),
    );
  };
  return { backend, cycle, get };
}

/** A good cycle, then cycle 2 with an optional fault. */
async function twoCycles(fault?: { phase: Phase; fault: Fault }) {
  const { backend, cycle, get } = await start();
  try {
    server.resetHandlers(local, ...scenarioHandlers(1));
    const before = await cycle(NOW);
    const hits: string[] = [];
    server.resetHandlers(
      local,
      ...(fault ? [faultHandler(fault.phase, fault.fault, hits)] : []),
      ...scenarioHandlers(2),
    );
    const after = await cycle(CYCLE_2);
    const facts: any[] = (
      await get('/entities/component/default/payments/facts?prefix=github.')
    ).items;
    const status = await get('/status');
    const run = status.collectors.find(
      (c: any) => c.collectorId === 'github',
    )?.lastRun;
    return { before, after, facts, run, hits };
  } finally {
    await backend.stop();
  }
}

const cases = (Object.keys(PHASES) as Phase[]).flatMap(phase =>
  (Object.keys(FAULTS) as Fault[]).map(fault => ({ phase, fault })),
);
const report = {
  cases: 0,
  falseFails: 0,
  falsePasses: 0,
  otherChanges: 0,
  staleFacts: 0,
  runsSayingWhy: 0,
};

describe('fault injection at the GitHub boundary (compliance backend)', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `GitHub fault matrix (backend): ${report.cases} cases (${
        Object.keys(PHASES).length
      } phases × ${Object.keys(FAULTS).length} faults), ${
        report.falseFails
      } false fails, ${report.falsePasses} false passes, ${
        report.otherChanges
      } other status changes; ${
        report.staleFacts
      } facts kept stale with their age; ${
        report.runsSayingWhy
      } runs recorded as stopped by a rate limit`,
    );
  });

  it('changes no status when the second cycle has no fault', async () => {
    const { before, after } = await twoCycles();
    expect(before.size).toBeGreaterThan(25);
    const statuses = (m: typeof before) =>
      Object.fromEntries([...m].map(([id, r]) => [id, r.status]));
    expect(statuses(after)).toEqual(statuses(before));
    const known = [...before.values()].filter(r => r.status !== 'unknown');
    expect(known.filter(r => r.status === 'pass').length).toBeGreaterThan(10);
    expect(known.filter(r => r.status === 'fail').length).toBeGreaterThan(2);
  });

  it.each(cases)(
    '$phase answering $fault: no status flips, stale values keep their age, the run says what happened',
    async ({ phase, fault }) => {
      const { before, after, facts, run, hits } = await twoCycles({
        phase,
        fault,
      });
      report.cases += 1;
      expect(hits.length).toBeGreaterThan(0);

      const changes = [...before].flatMap(([id, r]) => {
        const now = after.get(id)?.status ?? 'missing';
        return now === r.status || now === 'unknown'
          ? []
          : [`${id}: ${r.status} -> ${now}`];
      });
      report.falseFails += changes.filter(c => c.endsWith('-> fail')).length;
      report.falsePasses += changes.filter(c => c.endsWith('-> pass')).length;
      report.otherChanges += changes.filter(
        c => !c.endsWith('-> fail') && !c.endsWith('-> pass'),
      ).length;
      expect(changes).toEqual([]);

      // What the fault made unknown keeps its last good value, with its age.
      const transient = facts.filter(
        f => f.unknownReason === 'error' || f.unknownReason === 'rate_limited',
      );
      expect(transient.length).toBeGreaterThan(0);
      for (const f of transient) {
        expect({ id: f.factId, stale: f.value !== null }).toEqual({
          id: f.factId,
          stale: true,
        });
        expect(f.lastGoodObservedAt).toBe(NOW.toISOString());
        expect(f.observedAt).toBe(CYCLE_2.toISOString());
      }
      report.staleFacts += transient.length;

      // The run is recorded; a rate limit stops it and says so.
      const limited = RATE_LIMIT_FAULTS.includes(fault);
      const saysWhy = /^Stopped early: .*rate limit/i.test(run?.message ?? '');
      report.runsSayingWhy += saysWhy ? 1 : 0;
      expect({
        status: run?.status,
        saysRateLimit: saysWhy,
      }).toEqual({ status: 'succeeded', saysRateLimit: limited });
    },
  );
});
