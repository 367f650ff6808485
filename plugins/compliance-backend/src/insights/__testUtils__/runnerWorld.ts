import { mockServices } from '@backstage/backend-test-utils';
import type { SetupServer } from 'msw/node';
import type { Knex } from 'knex';
import { createPipeline } from '../../__testUtils__/pipeline';
import { syntheticEntities } from '../../__testUtils__/syntheticCatalog';
import {
  anthropicHandler,
  FakeCounters,
  FakeReply,
  openAiHandler,
} from './fakeLlm';
import type { InsightsSettings } from '../config';
import { InsightRunner } from '../InsightRunner';
import { AnthropicInsightProvider, OpenAiInsightProvider } from '../providers';

/*
 * A small engine (synthetic catalog, one evaluation cycle) with an
 * InsightRunner whose providers are msw fakes, for the runner tests.
 */

const OPENAI = 'https://llm.example.test/v1';
const ANTHROPIC = 'https://anthropic.example.test';
const pricing = { inputPerMillionTokens: 1, outputPerMillionTokens: 4 };

export const settings = (
  overrides: Partial<InsightsSettings> = {},
): InsightsSettings => ({
  enabled: true,
  schedule: { frequency: { minutes: 5 }, timeout: { minutes: 5 } },
  maxAttempts: 3,
  leaseMs: 60_000,
  regenerateCooldownMs: 10 * 60_000,
  unhealthyForMs: 15 * 60_000,
  maxOutputTokens: 800,
  budget: { jobsPerCycle: 100, tokensPerCycle: 10_000_000 },
  providers: [],
  ...overrides,
});

/** The test clock: tests move `now`. */
export interface TestClock {
  now: Date;
}

/** Builds the engine and a runner with the scripted fake providers. */
export async function createRunnerWorld(
  knex: Knex,
  server: SetupServer,
  clock: TestClock,
  options: {
    openai?: (call: number) => FakeReply;
    anthropic?: (call: number) => FakeReply;
    settings?: Partial<InsightsSettings>;
  },
) {
  clock.now = new Date('2026-12-01T10:00:00Z');
  const pipeline = await createPipeline({
    knex,
    entities: syntheticEntities(4, { groups: 2, systems: 1 }),
  });
  await pipeline.runCycle();
  const counters: FakeCounters = { openai: 0, anthropic: 0 };
  const providers = [];
  if (options.openai) {
    const script = options.openai;
    server.use(openAiHandler(OPENAI, (_d, n) => script(n), counters));
    providers.push({
      provider: new OpenAiInsightProvider({
        id: 'openai',
        model: 'gpt-test',
        baseUrl: OPENAI,
        apiKey: 'sk-test',
        timeoutMs: 500,
      }),
      pricing,
    });
  }
  if (options.anthropic) {
    const script = options.anthropic;
    server.use(anthropicHandler(ANTHROPIC, (_d, n) => script(n), counters));
    providers.push({
      provider: new AnthropicInsightProvider({
        id: 'anthropic',
        model: 'claude-test',
        baseUrl: ANTHROPIC,
        apiKey: 'sk-ant-test',
        timeoutMs: 500,
      }),
      pricing,
    });
  }
  const runner = new InsightRunner({
    stores: pipeline.stores,
    catalogue: pipeline.catalogue,
    providers,
    settings: settings(options.settings),
    logger: mockServices.logger.mock(),
    clock: () => clock.now,
  });
  const refs = await pipeline.stores.insights.listEvaluatedRefs(100);
  return { runner, counters, refs, stores: pipeline.stores, pipeline };
}
