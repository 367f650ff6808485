import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { CollectedFact } from 'backstage-plugin-compliance-node';
import { setupServer } from 'msw/node';
import { readGithubComplianceConfig } from './config';
import { GithubCollector } from './GithubCollector';
import { GITHUB_FACT_DESCRIPTORS } from './githubFactIds';
import {
  Fault,
  faultHandler,
  FAULTS,
  Phase,
  PHASES,
  RATE_LIMIT_FAULTS,
  scenarioHandlers,
} from './__testUtils__/faultyGithub';
import {
  byId,
  context,
  memoryState,
  NOW,
  payments,
} from './__testUtils__/replayedGithub';

// Every phase × every fault, driven through the real collector: a good
// cycle, then a cycle with the fault. What the faulty cycle reports is
// compared with what the same cycle reports without the fault.

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const TRANSIENT = new Set(['error', 'rate_limited']);
let testId = 0;

function newCollector() {
  testId += 1;
  const config = new ConfigReader({
    integrations: { github: [{ host: 'github.com', token: 'ghp_test' }] },
  });
  return GithubCollector.create({
    config: readGithubComplianceConfig(config),
    integrations: ScmIntegrations.fromConfig(config),
    logger: context().ctx.logger,
    retry: {
      retryAfterBaseValue: 1,
      retries: 1,
      requestTimeoutMs: 100,
      graphqlIntervalMs: 0,
      throttleIdPrefix: `fault-${testId}`,
    },
    now: () => NOW,
  });
}

/** Runs a good cycle, then cycle 2 with an optional fault. */
async function twoCycles(fault?: { phase: Phase; fault: Fault }) {
  // What carries over between cycles is the state (ETags, runs). A new
  // collector per cycle also has its own GraphQL throttle (1 request/s).
  const state = memoryState();
  server.resetHandlers(...scenarioHandlers(1));
  await newCollector().collect([payments], context(state).ctx);
  const collector = newCollector();
  const hits: string[] = [];
  server.resetHandlers(
    ...(fault ? [faultHandler(fault.phase, fault.fault, hits)] : []),
    ...scenarioHandlers(2),
  );
  const second = context(state);
  const facts = byId(await collector.collect([payments], second.ctx));
  return { facts, stop: second.stop, hits };
}

type Finding = { factId: string; problem: string };

/**
 * What the faulty cycle got wrong: a value the good cycle does not report
 * (which could be a false fail or a false pass), or an unknown that does
 * not keep the last good value.
 */
function findings(
  faulty: Map<string, CollectedFact>,
  reference: Map<string, CollectedFact>,
): Finding[] {
  const out: Finding[] = [];
  for (const [factId, good] of reference) {
    const fact = faulty.get(factId);
    if (!fact) continue; // not reported: the engine keeps what it had
    if (fact.unknownReason) {
      const same =
        good.unknownReason === fact.unknownReason && good.value === undefined;
      if (!TRANSIENT.has(fact.unknownReason) && !same) {
        out.push({
          factId,
          problem: `unknown (${fact.unknownReason}) drops the last good value: ${fact.message}`,
        });
      }
    } else if (JSON.stringify(fact.value) !== JSON.stringify(good.value)) {
      out.push({
        factId,
        problem: `value ${JSON.stringify(
          fact.value,
        )} instead of ${JSON.stringify(good.value)}`,
      });
    }
  }
  return out;
}

const cases = (Object.keys(PHASES) as Phase[]).flatMap(phase =>
  (Object.keys(FAULTS) as Fault[]).map(fault => ({ phase, fault })),
);
const report = { cases: 0, falseResults: 0, unknownFacts: 0 };

describe('fault injection at the GitHub boundary (collector)', () => {
  let reference: Map<string, CollectedFact>;

  beforeAll(async () => {
    reference = (await twoCycles()).facts;
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `GitHub fault matrix (collector): ${report.cases} cases (${
        Object.keys(PHASES).length
      } phases × ${Object.keys(FAULTS).length} faults), ${
        report.falseResults
      } false results, ${report.unknownFacts} facts reported unknown`,
    );
  });

  it('reports every fact in the good cycles, with the data each phase needs', () => {
    expect(reference.size).toBe(GITHUB_FACT_DESCRIPTORS.length);
    expect(
      [...reference.values()].filter(f => f.unknownReason).map(f => f.factId),
    ).toEqual([]);
  });

  it.each(cases)(
    '$phase answering $fault: no false result, the last good value kept',
    async ({ phase, fault }) => {
      const { facts, stop, hits } = await twoCycles({ phase, fault });
      report.cases += 1;
      // the fault was met
      expect(hits.length).toBeGreaterThan(0);
      const found = findings(facts, reference);
      report.falseResults += found.length;
      report.unknownFacts += [...facts.values()].filter(
        f => f.unknownReason,
      ).length;
      expect(found).toEqual([]);
      // the fault shows: something is unknown (transiently) …
      expect(
        [...facts.values()].some(f => TRANSIENT.has(f.unknownReason ?? '')),
      ).toBe(true);
      // … and a rate limit ends the cycle, saying why
      const limited = RATE_LIMIT_FAULTS.includes(fault);
      const reasons = stop.mock.calls.map(([reason]) => String(reason));
      expect({
        stopped: reasons.length > 0,
        saysRateLimit: reasons.some(r => /rate limit/i.test(r)),
      }).toEqual({ stopped: limited, saysRateLimit: limited });
    },
  );
});
