/*
 * Benchmark of insight quality and cost.
 *
 *   yarn bench:insights
 *
 * Runs the fixture entities (well-run, neglected, flaky CI, permission-limited,
 * archived, no repo, waived, prompt injection) through:
 *
 * - the deterministic rules fallback;
 * - the real InsightRunner (job queue on in-memory SQLite) with an
 *   OpenAI-compatible and an Anthropic provider against counting msw fakes;
 * - a real OpenAI-compatible server when COMPLIANCE_BENCH_OPENAI_BASE_URL,
 *   COMPLIANCE_BENCH_OPENAI_MODEL (and COMPLIANCE_BENCH_OPENAI_API_KEY if it
 *   wants one) are set; prices from COMPLIANCE_BENCH_PRICE_IN/_OUT (USD per
 *   million tokens, default 0).
 *
 * Prints schema validity and grounding rate of the model answers, recall of
 * key findings, forbidden risks, tokens, estimated cost, and the model
 * requests of a second cycle on unchanged inputs (must be 0). The last line
 * is one JSON object with every figure.
 */
import knexFactory, { Knex } from 'knex';
import { setupServer } from 'msw/node';
import type {
  InsightGenerationRequest,
  InsightProvider,
} from 'backstage-plugin-compliance-node';
import { insightSchema } from 'backstage-plugin-compliance-common';
import { noopLogger, runMain } from './support';
import { DatabaseComplianceStore } from '../src/database/DatabaseComplianceStore';
import { DatabaseInsightStore } from '../src/database/DatabaseInsightStore';
import { ControlCatalogue } from '../src/controls/ControlCatalogue';
import { INSIGHT_FIXTURES } from '../src/insights/__fixtures__/insightFixtures';
import {
  anthropicHandler,
  FakeCounters,
  openAiHandler,
} from '../src/insights/__testUtils__/fakeLlm';
import { InsightRunner, PricedProvider } from '../src/insights/InsightRunner';
import { rulesInsight } from '../src/insights/fallback';
import { buildInsightInput, InsightInput } from '../src/insights/input';
import {
  AnthropicInsightProvider,
  OpenAiInsightProvider,
} from '../src/insights/providers';
import { draftOf, scoreAnswer, scoreFindings } from '../src/insights/quality';
import { buildRequest, SHRINK_LEVELS } from '../src/insights/prompt';
import type { InsightsSettings } from '../src/insights/config';

const NOW = new Date('2026-12-01T10:00:00Z');
const FAKE_OPENAI = 'http://fake-openai.bench.invalid/v1';
const FAKE_ANTHROPIC = 'http://fake-anthropic.bench.invalid';
/** Example prices (USD per million tokens) for the fakes' cost estimate. */
const EXAMPLE_PRICING = {
  inputPerMillionTokens: 0.15,
  outputPerMillionTokens: 0.6,
};

const sources = new Map(INSIGHT_FIXTURES.map(f => [f.sources.entityRef, f]));
const refs = [...sources.keys()].sort();

/** The insight store on the bench database, listing the fixtures as the evaluated entities. */
class FixtureInsightStore extends DatabaseInsightStore {
  async listEvaluatedRefs(limit: number, after?: string) {
    return refs.filter(r => after === undefined || r > after).slice(0, limit);
  }
  async deleteOrphans() {
    return 0;
  }
}

/** Which fixture a prompt is about (prompts carry no entity ref). */
const promptOwners = new Map(
  INSIGHT_FIXTURES.flatMap(f =>
    Array.from({ length: SHRINK_LEVELS }, (_, level) => [
      buildRequest(buildInsightInput(f.sources), level, 1500).user,
      f.sources.entityRef,
    ]),
  ) as Array<[string, string]>,
);

/** Wraps a provider to keep every raw answer for scoring. */
function recording(
  provider: InsightProvider,
  answers: Array<{ ref: string; text: string }>,
) {
  return {
    id: provider.id,
    model: provider.model,
    async generate(request: InsightGenerationRequest) {
      const result = await provider.generate(request);
      const ref = promptOwners.get(request.user);
      if (!ref) throw new Error('a prompt of no fixture');
      answers.push({ ref, text: result.text });
      return result;
    },
  };
}

const settings: InsightsSettings = {
  enabled: true,
  schedule: { frequency: { minutes: 5 } },
  maxAttempts: 3,
  leaseMs: 10 * 60_000,
  regenerateCooldownMs: 10 * 60_000,
  unhealthyForMs: 15 * 60_000,
  maxOutputTokens: 1500,
  budget: { jobsPerCycle: 100, tokensPerCycle: 10_000_000 },
  providers: [],
};

interface EngineFigures {
  insights: number;
  answers: number;
  schemaValidity: number | null;
  groundingRate: number | null;
  recall: number;
  forbiddenRisks: number;
  requestsFirstCycle: number;
  requestsSecondCycle: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  missing: Record<string, string[]>;
}

const ratio = (n: number, d: number) =>
  d === 0 ? null : Math.round((n / d) * 1000) / 1000;

function findings(insights: Map<string, ReturnType<typeof draftOf>>) {
  let recall = 0;
  let forbidden = 0;
  const missing: Record<string, string[]> = {};
  for (const f of INSIGHT_FIXTURES) {
    const draft = insights.get(f.sources.entityRef);
    const score = draft
      ? scoreFindings(draft, f)
      : { recall: 0, missing: f.mustCite, forbidden: [] };
    recall += score.recall;
    forbidden += score.forbidden.length;
    if (score.missing.length) missing[f.name] = score.missing;
  }
  return {
    recall: ratio(recall, INSIGHT_FIXTURES.length) ?? 0,
    forbiddenRisks: forbidden,
    missing,
  };
}

function rulesEngine(): EngineFigures {
  const drafts = new Map<string, ReturnType<typeof draftOf>>();
  let valid = 0;
  let grounded = 0;
  for (const f of INSIGHT_FIXTURES) {
    const input = buildInsightInput(f.sources);
    const insight = rulesInsight(input, NOW);
    if (insightSchema.safeParse(insight).success) valid += 1;
    const draft = draftOf(insight);
    if (scoreAnswer(JSON.stringify(draft), input).grounded) grounded += 1;
    drafts.set(f.sources.entityRef, draft);
  }
  return {
    insights: drafts.size,
    answers: drafts.size,
    schemaValidity: ratio(valid, drafts.size),
    groundingRate: ratio(grounded, drafts.size),
    ...findings(drafts),
    requestsFirstCycle: 0,
    requestsSecondCycle: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
}

async function modelEngine(
  knex: Knex,
  provider: InsightProvider,
  pricing: PricedProvider['pricing'],
  requests: () => number,
): Promise<EngineFigures> {
  await knex('compliance_insight_jobs').delete();
  await knex('compliance_insights').delete();
  await knex('compliance_insight_usage').delete();
  const answers: Array<{ ref: string; text: string }> = [];
  const store = new FixtureInsightStore(knex);
  const base = await DatabaseComplianceStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: true },
    } as any,
  });
  const runner = new InsightRunner({
    stores: { ...base, insights: store },
    // Unused: the sources come from the fixtures.
    catalogue: ControlCatalogue.create({
      builtin: [],
      modules: [],
      config: [],
      levels: [],
      frameworks: [],
      kinds: ['component'],
    }),
    providers: [{ provider: recording(provider, answers), pricing }],
    settings,
    logger: noopLogger,
    clock: () => NOW,
    readSources: async rs =>
      new Map(
        rs.flatMap(r =>
          sources.has(r) ? [[r, sources.get(r)!.sources] as const] : [],
        ),
      ),
  });
  const before = requests();
  const first = await runner.runCycle();
  const afterFirst = requests();
  const second = await runner.runCycle();
  const afterSecond = requests();
  if (second.jobs !== 0) throw new Error('the second cycle worked jobs');

  const inputs = new Map<string, InsightInput>(
    INSIGHT_FIXTURES.map(f => [
      f.sources.entityRef,
      buildInsightInput(f.sources),
    ]),
  );
  let valid = 0;
  let grounded = 0;
  for (const a of answers) {
    const score = scoreAnswer(a.text, inputs.get(a.ref)!);
    if (score.schemaValid) valid += 1;
    if (score.grounded) grounded += 1;
  }
  const stored = await store.getInsights(refs);
  const drafts = new Map(
    [...stored].map(([ref, s]) => [ref, draftOf(s.insight)] as const),
  );
  return {
    insights: drafts.size,
    answers: answers.length,
    schemaValidity: ratio(valid, answers.length),
    groundingRate: ratio(grounded, answers.length),
    ...findings(drafts),
    requestsFirstCycle: afterFirst - before,
    requestsSecondCycle: afterSecond - afterFirst,
    inputTokens: first.inputTokens,
    outputTokens: first.outputTokens,
    costUsd: Math.round(first.costUsd * 1e6) / 1e6,
  };
}

function print(name: string, f: EngineFigures) {
  const pct = (v: number | null) =>
    v === null ? 'n/a' : `${Math.round(v * 1000) / 10}%`;
  console.log(`\n${name}`);
  console.log(
    `  insights: ${f.insights}/${INSIGHT_FIXTURES.length}; answers scored: ${f.answers}`,
  );
  console.log(
    `  schema validity: ${pct(f.schemaValidity)}; grounding rate: ${pct(
      f.groundingRate,
    )}`,
  );
  console.log(
    `  recall of key findings: ${pct(f.recall)}; forbidden risks: ${
      f.forbiddenRisks
    }`,
  );
  if (Object.keys(f.missing).length) {
    console.log(`  missed: ${JSON.stringify(f.missing)}`);
  }
  console.log(
    `  tokens: ${f.inputTokens} in, ${f.outputTokens} out; estimated cost $${f.costUsd}`,
  );
  console.log(
    `  model requests: ${f.requestsFirstCycle} in the first cycle, ${f.requestsSecondCycle} in a second cycle on unchanged inputs`,
  );
}

async function main() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await DatabaseComplianceStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  const counters: FakeCounters = { openai: 0, anthropic: 0 };
  const server = setupServer(
    openAiHandler(FAKE_OPENAI, () => ({ kind: 'answer' }), counters),
    anthropicHandler(FAKE_ANTHROPIC, () => ({ kind: 'answer' }), counters),
  );
  server.listen({ onUnhandledRequest: 'bypass' });
  const out: Record<string, EngineFigures> = {};
  try {
    out.rules = rulesEngine();
    print('rules (deterministic fallback)', out.rules);
    out['openai-fake'] = await modelEngine(
      knex,
      new OpenAiInsightProvider({
        id: 'openai-fake',
        model: 'gpt-fake',
        baseUrl: FAKE_OPENAI,
        apiKey: 'test-key-not-real',
        timeoutMs: 10_000,
      }),
      EXAMPLE_PRICING,
      () => counters.openai,
    );
    print(
      'OpenAI-compatible provider, counting fake (example prices)',
      out['openai-fake'],
    );
    out['anthropic-fake'] = await modelEngine(
      knex,
      new AnthropicInsightProvider({
        id: 'anthropic-fake',
        model: 'claude-fake',
        baseUrl: FAKE_ANTHROPIC,
        apiKey: 'test-key-not-real',
        timeoutMs: 10_000,
      }),
      EXAMPLE_PRICING,
      () => counters.anthropic,
    );
    print(
      'Anthropic provider, counting fake (example prices)',
      out['anthropic-fake'],
    );

    const {
      COMPLIANCE_BENCH_OPENAI_BASE_URL: baseUrl,
      COMPLIANCE_BENCH_OPENAI_MODEL: model,
    } = process.env;
    if (baseUrl && model) {
      let real = 0;
      const provider = new OpenAiInsightProvider({
        id: 'openai-real',
        model,
        baseUrl,
        ...(process.env.COMPLIANCE_BENCH_OPENAI_API_KEY
          ? { apiKey: process.env.COMPLIANCE_BENCH_OPENAI_API_KEY }
          : {}),
        timeoutMs: 120_000,
      });
      const counted = {
        id: provider.id,
        model: provider.model,
        generate: (r: InsightGenerationRequest) => {
          real += 1;
          return provider.generate(r);
        },
      };
      out['openai-real'] = await modelEngine(
        knex,
        counted,
        {
          inputPerMillionTokens: Number(
            process.env.COMPLIANCE_BENCH_PRICE_IN ?? 0,
          ),
          outputPerMillionTokens: Number(
            process.env.COMPLIANCE_BENCH_PRICE_OUT ?? 0,
          ),
        },
        () => real,
      );
      print(
        `OpenAI-compatible provider at ${new URL(baseUrl).host} (${model})`,
        out['openai-real'],
      );
    } else {
      console.log(
        '\n(no real provider: set COMPLIANCE_BENCH_OPENAI_BASE_URL and COMPLIANCE_BENCH_OPENAI_MODEL to run one)',
      );
    }
  } finally {
    server.close();
    await knex.destroy();
  }
  const summary = Object.fromEntries(
    Object.entries(out).map(([k, { missing: _m, ...v }]) => [k, v]),
  );
  console.log(
    JSON.stringify({
      bench: 'insights',
      fixtures: INSIGHT_FIXTURES.length,
      engines: summary,
    }),
  );
}

runMain(main);
