import { ConfigReader } from '@backstage/config';
import { readInsightsConfig } from './config';

const read = (insights: any) =>
  readInsightsConfig(new ConfigReader({ compliance: { insights } }));

describe('readInsightsConfig', () => {
  it('defaults to rules only, with a budget and a schedule', () => {
    const s = readInsightsConfig(new ConfigReader({}));
    expect(s).toMatchObject({
      enabled: true,
      providers: [],
      maxAttempts: 5,
      leaseMs: 300_000,
      budget: { jobsPerCycle: 50, tokensPerCycle: 200_000 },
      schedule: { frequency: { minutes: 5 } },
    });
  });

  it('reads providers in order with their secrets, headers and prices', () => {
    const s = read({
      providers: [
        {
          id: 'azure',
          type: 'openai',
          baseUrl: 'https://my.openai.azure.com/openai/v1',
          model: 'gpt-4o-mini',
          headers: { 'api-key': 'secret' },
          timeout: { seconds: 20 },
          pricing: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
        },
        { type: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'k' },
      ],
      budget: { jobsPerCycle: 5, tokensPerCycle: 1000 },
    });
    expect(s.providers.map(p => [p.id, p.type, p.timeoutMs])).toEqual([
      ['azure', 'openai', 20_000],
      ['anthropic', 'anthropic', 60_000],
    ]);
    expect(s.providers[0]).toMatchObject({
      headers: { 'api-key': 'secret' },
      pricing: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
    });
    expect(s.budget).toEqual({ jobsPerCycle: 5, tokensPerCycle: 1000 });
  });

  it('accepts a lease that covers every provider timeout, and reads the regenerate cooldown', () => {
    const s = read({
      lease: { minutes: 2 },
      regenerateCooldown: { minutes: 30 },
      providers: [
        { id: 'a', type: 'openai', model: 'm', timeout: { seconds: 60 } },
        { id: 'b', type: 'anthropic', model: 'n', timeout: { seconds: 60 } },
      ],
    });
    expect(s.leaseMs).toBe(120_000);
    expect(s.regenerateCooldownMs).toBe(30 * 60_000);
    expect(read({}).regenerateCooldownMs).toBe(10 * 60_000);
  });

  it.each([
    [{ providers: [{ type: 'openai' }] }, /model/],
    [
      { providers: [{ type: 'openai', model: 'm', baseUrl: 'file:///x' }] },
      /providers\[0\]\.baseUrl must be an http\(s\) URL/,
    ],
    [
      {
        providers: [
          { type: 'openai', model: 'm' },
          { type: 'openai', model: 'n' },
        ],
      },
      /id "openai" is used twice/,
    ],
    [
      { providers: [{ type: 'openai', model: 'm', responseFormat: 'xml' }] },
      /responseFormat must be/,
    ],
    [
      {
        providers: [
          {
            type: 'openai',
            model: 'm',
            pricing: { inputPerMillionTokens: -1 },
          },
        ],
      },
      /pricing\.inputPerMillionTokens must be a number of at least 0/,
    ],
    [
      { maxAttempts: 0 },
      /compliance\.insights\.maxAttempts must be a whole number/,
    ],
    [{ budget: { jobsPerCycle: 1.5 } }, /budget\.jobsPerCycle/],
    [{ lease: 'soon' }, /compliance\.insights\.lease/],
    [
      {
        lease: { seconds: 90 },
        providers: [
          { id: 'a', type: 'openai', model: 'm', timeout: { seconds: 60 } },
          { id: 'b', type: 'anthropic', model: 'n', timeout: { seconds: 60 } },
        ],
      },
      /compliance\.insights\.lease \(90000 ms\) must be at least the sum of the providers' timeouts \(120000 ms for 2 providers\)/,
    ],
    [
      { regenerateCooldown: 'often' },
      /compliance\.insights\.regenerateCooldown/,
    ],
  ])('rejects %j naming the key', (insights, message) => {
    expect(() => read(insights)).toThrow(message);
  });
});
