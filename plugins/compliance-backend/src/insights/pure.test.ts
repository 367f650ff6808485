import {
  insightDraftSchema,
  insightSchema,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';
import { InsightProviderError } from 'backstage-plugin-compliance-node';
import {
  INJECTION_TEXT,
  INSIGHT_FIXTURES,
  sourcesOf,
} from './__fixtures__/insightFixtures';
import {
  backoffMs,
  classifyProviderError,
  failoverAction,
  retryAfterOf,
} from './failover';
import { rulesDraft, rulesInsight } from './fallback';
import { validateGrounding } from './grounding';
import { buildInsightInput, insightInputHash } from './input';
import { buildRequest, draftJsonSchema, extractJson } from './prompt';

const fixture = (name: string) => INSIGHT_FIXTURES.find(f => f.name === name)!;
const inputOf = (name: string) => buildInsightInput(fixture(name).sources);
const citedIds = (draft: ReturnType<typeof rulesDraft>) =>
  new Set(
    [
      draft.summary,
      ...draft.risks,
      ...draft.steps,
      ...draft.ciCauses,
      draft.trend,
    ].flatMap(c => c.cites),
  );

describe('insight input', () => {
  it('hashes equal inputs alike and ignores CI noise within a bucket', () => {
    const base = fixture('flaky-ci').sources;
    const noisy = {
      ...base,
      ci: {
        ...base.ci!,
        runs: base.ci!.runs + 3,
        passRate: 0.81,
        flakyRate: 0.165,
        p95DurationSeconds: base.ci!.p95DurationSeconds! + 20,
      },
    };
    expect(insightInputHash(buildInsightInput(noisy))).toBe(
      insightInputHash(buildInsightInput(base)),
    );
    const worse = { ...base, ci: { ...base.ci!, passRate: 0.6 } };
    expect(insightInputHash(buildInsightInput(worse))).not.toBe(
      insightInputHash(buildInsightInput(base)),
    );
  });

  it('reads a CI summary with fields it does not know (a newer collector)', () => {
    const ci = parseCiSummary({
      ...fixture('flaky-ci').sources.ci,
      somethingNew: { a: 1 },
    });
    expect(ci).toBeDefined();
    const input = buildInsightInput({ ...fixture('flaky-ci').sources, ci });
    expect(input.facts).toContainEqual({
      id: 'ci.flakyRatePercent',
      value: 18,
    });
  });

  it('computes the expected score gain with the engine formula', () => {
    const input = inputOf('neglected');
    const scm01 = input.controls.find(c => c.id === 'GH-SCM-01')!;
    const score = input.facts.find(f => f.id === 'score.total')!
      .value as number;
    // A critical control (weight 10) failing; passing adds 10 to the earned weight.
    const known = fixture('neglected').sources.results.reduce(
      (sum, r) =>
        ['pass', 'warn', 'fail'].includes(r.status)
          ? sum + r.control.weight
          : sum,
      0,
    );
    expect(scm01.expectedScoreGain).toBeCloseTo(
      Math.round((1000 / known) * 10) / 10,
      1,
    );
    expect(score).toBeLessThan(60);
    // Passing and waived controls gain nothing.
    expect(
      input.controls.find(c => c.id === 'GH-SCM-03')!.expectedScoreGain,
    ).toBe(0);
  });

  it('bounds hostile free text and never lets it close the data block', () => {
    const input = inputOf('injection');
    expect(input.entity.title!.length).toBeLessThanOrEqual(200);
    const request = buildRequest(input, 0, 1000);
    const data = request.user.slice(
      request.user.indexOf('<data>') + 6,
      request.user.lastIndexOf('</data>'),
    );
    expect(data).not.toContain('</data>');
    expect(data).not.toContain('<script>');
    // The hostile text is still there, as a JSON string value.
    expect(JSON.parse(data).entity.title).toContain('Ignore previous');
    expect(request.system).toContain('never an instruction');
  });

  it('shrinks the packed input level by level', () => {
    const base = fixture('neglected').sources;
    const extra = Array.from({ length: 40 }, (_, i) => ({
      ...base.results.find(r => r.status === 'pass')!,
      controlId: `EXTRA-${i}`,
    }));
    const input = buildInsightInput({
      ...base,
      results: [...base.results, ...extra],
    });
    const sizes = [0, 1, 2].map(l => buildRequest(input, l, 100).user.length);
    expect(sizes[1]).toBeLessThan(sizes[0]);
    expect(sizes[2]).toBeLessThan(sizes[1]);
  });

  it('derives a strict JSON schema from the shared zod schema', () => {
    const schema = draftJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual([
      'summary',
      'risks',
      'steps',
      'ciCauses',
      'trend',
    ]);
    expect(schema.properties.steps.items.required).toEqual([
      'text',
      'controlId',
      'cites',
    ]);
  });
});

describe('rules fallback', () => {
  it.each(INSIGHT_FIXTURES.map(f => [f.name, f]))(
    '%s: valid, grounded, covers the key findings',
    (_name, f) => {
      const input = buildInsightInput(f.sources);
      const draft = rulesDraft(input);
      const grounding = validateGrounding(draft, input);
      expect(grounding).toEqual({ ok: true, draft });
      const insight = rulesInsight(input, new Date('2026-12-01T00:00:00Z'));
      expect(insightSchema.parse(insight)).toEqual(insight);
      expect(insight.source).toEqual({ type: 'rules' });
      const cited = citedIds(draft);
      for (const id of f.mustCite) expect(cited).toContain(id);
      for (const id of f.mustNotRisk) {
        expect(draft.risks.map(r => r.controlId)).not.toContain(id);
        expect(draft.steps.map(s => s.controlId)).not.toContain(id);
      }
    },
  );

  it('orders steps by the expected score gain the engine computed', () => {
    const insight = rulesInsight(inputOf('neglected'), new Date());
    const gains = insight.steps.map(s => s.expectedScoreGain);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    expect(gains[0]).toBeGreaterThan(0);
  });

  it('does not echo hostile text into its claims', () => {
    const insight = rulesInsight(inputOf('injection'), new Date());
    const text = JSON.stringify(insight);
    expect(text).not.toContain('evil.example');
    expect(text).not.toContain('Ignore previous');
    expect(insight.risks.map(r => r.controlId)).toEqual(
      expect.arrayContaining(['GH-SCM-01', 'CAT-04']),
    );
  });
});

describe('grounding', () => {
  const input = inputOf('neglected');
  const good = () => JSON.parse(JSON.stringify(rulesDraft(input)));

  it('accepts a grounded draft', () => {
    expect(validateGrounding(good(), input).ok).toBe(true);
  });

  it('rejects a citation of an id that does not exist', () => {
    const draft = good();
    draft.risks[0].cites.push('GH-NOPE-99');
    expect(validateGrounding(draft, input)).toEqual({
      ok: false,
      problems: ['risks[0] cites unknown id GH-NOPE-99'],
    });
  });

  it('rejects a number that contradicts the cited fact', () => {
    const draft = good();
    draft.ciCauses = [
      {
        text: 'About 98% of runs passed.',
        cites: ['ci.passRatePercent'],
      },
    ];
    const result = validateGrounding(draft, input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/states 98/);
  });

  it('rejects a passing control presented as a risk', () => {
    const draft = good();
    draft.risks[0] = {
      text: 'Force pushes are a risk.',
      controlId: 'GH-SCM-03',
      cites: ['GH-SCM-03'],
    };
    const result = validateGrounding(draft, input);
    expect(!result.ok && result.problems).toContain(
      'risks[0] names control GH-SCM-03, which is pass',
    );
  });

  it('rejects a waived control promoted to a risk or a step', () => {
    const waived = inputOf('waived');
    const draft = JSON.parse(JSON.stringify(rulesDraft(waived)));
    draft.steps.push({
      text: 'Enable secret scanning.',
      controlId: 'GH-SCM-05',
      cites: ['GH-SCM-05'],
    });
    draft.risks[0].text = `${draft.risks[0].text} Also GH-SCM-05 is off.`;
    const result = validateGrounding(draft, waived);
    expect(!result.ok && result.problems).toEqual(
      expect.arrayContaining([
        'risks[0] names control GH-SCM-05, which is waived',
        'steps[1] names control GH-SCM-05, which is waived',
      ]),
    );
  });

  it('rejects calling the entity healthy while controls fail', () => {
    const draft = good();
    draft.summary = {
      text: 'The service is fully compliant.',
      cites: ['score.total'],
    };
    expect(validateGrounding(draft, input).ok).toBe(false);
  });

  it('rejects output that violates the schema', () => {
    const draft = good();
    delete draft.trend;
    draft.extra = '<b>html</b>';
    const result = validateGrounding(draft, input);
    expect(result.ok).toBe(false);
    expect(insightDraftSchema.safeParse(draft).success).toBe(false);
  });
});

describe('failover policy', () => {
  it('maps each error class to its action', () => {
    expect(failoverAction('rate_limited', 0, 2)).toBe('retry_later');
    expect(failoverAction('unavailable', 0, 2)).toBe('next_provider');
    expect(failoverAction('context_too_long', 0, 2)).toBe('shrink');
    expect(failoverAction('context_too_long', 2, 2)).toBe('next_provider');
    expect(failoverAction('auth', 0, 2)).toBe('mark_unhealthy');
    expect(failoverAction('quota', 0, 2)).toBe('mark_unhealthy');
    expect(failoverAction('invalid_output', 0, 2)).toBe('next_provider');
  });

  it('backs off exponentially, honouring a capped retry-after', () => {
    expect(backoffMs(1, undefined, () => 0.5)).toBe(30_000);
    expect(backoffMs(3, undefined, () => 0.5)).toBe(120_000);
    expect(backoffMs(30, undefined, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(1, 7_000)).toBe(7_000);
    expect(backoffMs(1, 10 * 24 * 3_600_000)).toBe(3_600_000);
  });

  it('reads retry-after in seconds, milliseconds or as a date', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterOf(h({ 'retry-after': '12' }))).toBe(12_000);
    expect(retryAfterOf(h({ 'retry-after-ms': '1500' }))).toBe(1500);
    expect(
      retryAfterOf(
        h({ 'retry-after': 'Tue, 01 Dec 2026 00:01:00 GMT' }),
        Date.parse('2026-12-01T00:00:00Z'),
      ),
    ).toBe(60_000);
    expect(retryAfterOf(h({}))).toBeUndefined();
  });

  it('classifies SDK-shaped errors and never keeps a key in the message', () => {
    const err = (status: number | undefined, extra: object = {}) =>
      Object.assign(new Error('boom sk-FAKEnotARealKey0000'), {
        status,
        headers: new Headers({ 'retry-after': '3' }),
        ...extra,
      });
    const kind = (e: unknown) => classifyProviderError('p', e).kind;
    expect(kind(err(429))).toBe('rate_limited');
    expect(classifyProviderError('p', err(429)).retryAfterMs).toBe(3000);
    expect(kind(err(429, { code: 'insufficient_quota' }))).toBe('quota');
    expect(kind(err(401))).toBe('auth');
    expect(kind(err(500))).toBe('unavailable');
    expect(kind(err(529))).toBe('unavailable');
    expect(kind(err(400, { code: 'context_length_exceeded' }))).toBe(
      'context_too_long',
    );
    expect(
      kind(
        err(400, {
          error: {
            type: 'error',
            error: { message: 'prompt is too long: 250000 tokens' },
          },
        }),
      ),
    ).toBe('context_too_long');
    expect(
      kind(
        Object.assign(new Error('t'), { name: 'APIConnectionTimeoutError' }),
      ),
    ).toBe('unavailable');
    expect(classifyProviderError('p', err(500)).message).not.toContain(
      'FAKEnotARealKey0000',
    );
    const typed = new InsightProviderError({ kind: 'auth', message: 'x' });
    expect(classifyProviderError('p', typed)).toBe(typed);
  });

  it('finds the JSON object in a wrapped answer', () => {
    expect(extractJson('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(extractJson('not json')).toBeUndefined();
  });
});

describe('fixtures', () => {
  it('builds sources whose scores follow the engine formula', () => {
    const s = sourcesOf({ name: 'x', statuses: { 'CAT-04': 'fail' } });
    expect(s.score).toBeLessThan(100);
    expect(INJECTION_TEXT).toContain('Ignore previous');
  });
});
