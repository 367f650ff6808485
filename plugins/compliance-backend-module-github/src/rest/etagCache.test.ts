import { CollectorStateStore } from 'backstage-plugin-compliance-node';
import { GithubOctokit } from '../client/GithubClients';
import { isNumber } from '../lib/json';
import { memoryState } from '../__testUtils__/replayedGithub';
import { EtagCache, readEtagEntry } from './etagCache';
import { RestStep } from './restStep';

const target = { owner: 'acme', repo: 'payments', branch: 'main' };
const now = () => new Date('2025-06-15T12:00:00Z');
// The step below never touches Octokit.
const octokit = {} as GithubOctokit;

const httpError = (status: number, message: string) =>
  Object.assign(new Error(message), {
    status,
    response: { headers: {}, data: { message } },
  });

/** A step whose answers the test scripts. */
function scriptedStep(answers: Array<number | Error>) {
  const sent: Array<string | undefined> = [];
  const step: RestStep<{ owner: string; repo: string }, number, number> = {
    route: 'GET /repos/{owner}/{repo}/things',
    params: ({ owner, repo }) => ({ owner, repo }),
    send: async (_octokit, params) => {
      sent.push(params.headers['if-none-match']);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { data: answer ?? 0, headers: { etag: `"v${answer}"` } };
    },
    derive: data => data * 10,
    read: value => (isNumber(value) ? value : undefined),
  };
  return { step, sent };
}

async function load(state: CollectorStateStore, step: RestStep<any, any, any>) {
  return EtagCache.load({
    state,
    clientKey: 'github.com/acme',
    now,
    steps: [step],
    targets: [target],
  });
}

describe('readEtagEntry', () => {
  it('reads validator and negative entries and nothing else', () => {
    expect(readEtagEntry({ etag: '"x"', value: 1 })).toEqual({
      etag: '"x"',
      value: 1,
    });
    expect(
      readEtagEntry({ negative: { kind: 'branch_not_protected' }, at: 'now' }),
    ).toEqual({ negative: { kind: 'branch_not_protected' }, at: 'now' });
    expect(
      readEtagEntry({ negative: { kind: 'unknown' }, at: 'now' }),
    ).toBeUndefined();
    expect(readEtagEntry({ etag: 1, value: 1 })).toBeUndefined();
    expect(readEtagEntry('x')).toBeUndefined();
  });
});

describe('EtagCache', () => {
  it('sends the last ETag and reuses the kept value on 304', async () => {
    const state = memoryState();
    const { step, sent } = scriptedStep([4, httpError(304, 'Not Modified')]);
    const first = await load(state, step);
    expect(await first.request(octokit, step, target)).toEqual({
      ok: true,
      value: 40,
      notModified: false,
    });
    await state.set([...first.writes]);

    const second = await load(state, step);
    expect(await second.request(octokit, step, target)).toEqual({
      ok: true,
      value: 40,
      notModified: true,
    });
    expect(sent).toEqual([undefined, '"v4"']);
    expect(second.writes).toEqual([]);
  });

  it('asks unconditionally when the kept value no longer has its shape', async () => {
    const { step, sent } = scriptedStep([5]);
    const cache = await load(memoryState(), step);
    const key = cache.key(step.route, step.params(target));
    const state = memoryState();
    state.data.set(key, { etag: '"v4"', value: 'old shape' });
    const reloaded = await load(state, step);
    expect(await reloaded.request(octokit, step, target)).toMatchObject({
      value: 50,
    });
    expect(sent).toEqual([undefined]);
  });

  it('remembers "feature disabled" for a while instead of asking again', async () => {
    const state = memoryState();
    const { step, sent } = scriptedStep([
      httpError(404, 'Secret scanning is disabled on this repository.'),
    ]);
    const first = await load(state, step);
    const answer = await first.request(octokit, step, target);
    expect(answer).toMatchObject({
      ok: false,
      answer: { kind: 'feature_disabled' },
    });
    await state.set([...first.writes]);

    const second = await load(state, step);
    expect(await second.request(octokit, step, target)).toEqual(answer);
    expect(sent).toHaveLength(1);
    // … unless the caller knows better
    await second.request(octokit, step, target, { reuseNegative: false });
    expect(sent).toHaveLength(2);
  });

  it('keeps nothing of an error that proves nothing', async () => {
    const { step } = scriptedStep([httpError(502, 'Bad Gateway')]);
    const cache = await load(memoryState(), step);
    expect(await cache.request(octokit, step, target)).toMatchObject({
      ok: false,
      answer: { kind: 'unknown', reason: 'error' },
    });
    expect(cache.writes).toEqual([]);
  });
});
