import { JsonValue } from 'backstage-plugin-compliance-common';
import { CollectorStateStore } from 'backstage-plugin-compliance-node';
import { GithubOctokit } from '../client/GithubClients';
import { classifyRequestError, GithubAnswer } from '../lib/classify';
import { isJsonObject, isString } from '../lib/json';
import { stateKey } from '../lib/stateKey';
import { RestRequest, RestStep, RestTarget, RouteParams } from './restStep';

/** How long a "not protected" or "feature disabled" answer is reused. */
const NEGATIVE_TTL_MS = 6 * 3_600_000;

/** An error answer worth remembering: it proves a setting is off. */
export type NegativeAnswer = Extract<
  GithubAnswer,
  { kind: 'branch_not_protected' | 'feature_disabled' }
>;

/**
 * What the collector keeps of one conditional request: the ETag of the
 * last `200` answer with the value derived from it, or an error answer
 * (which carries no ETag) with when it was seen.
 */
export type EtagEntry =
  | { etag: string; value: JsonValue }
  | { negative: NegativeAnswer; at: string };

function readNegativeAnswer(
  value: JsonValue | undefined,
): NegativeAnswer | undefined {
  if (!isJsonObject(value)) return undefined;
  if (value.kind === 'branch_not_protected') {
    return { kind: 'branch_not_protected' };
  }
  if (value.kind === 'feature_disabled' && isString(value.message)) {
    return { kind: 'feature_disabled', message: value.message };
  }
  return undefined;
}

/** Reads a stored ETag entry; `undefined` for anything else. */
export function readEtagEntry(
  value: JsonValue | undefined,
): EtagEntry | undefined {
  if (!isJsonObject(value)) return undefined;
  if (isString(value.etag) && value.value !== undefined) {
    return { etag: value.etag, value: value.value };
  }
  const negative = readNegativeAnswer(value.negative);
  if (negative && isString(value.at)) {
    return { negative, at: value.at };
  }
  return undefined;
}

/** The answer of a conditional request. */
export type ConditionalResult<T> =
  | { ok: true; value: T; notModified: boolean }
  | { ok: false; answer: GithubAnswer };

/**
 * Conditional REST requests of one credential bucket: sends the ETag of the
 * last answer (a `304` costs no rate limit and reuses the kept value) and
 * reuses "not protected"/"feature disabled" answers for a few hours.
 */
export class EtagCache {
  readonly #clientKey: string;
  readonly #now: () => Date;
  readonly #entries = new Map<string, EtagEntry>();
  readonly #writes: Array<{ key: string; value: EtagEntry }> = [];

  private constructor(clientKey: string, now: () => Date) {
    this.#clientKey = clientKey;
    this.#now = now;
  }

  /** Loads the entries of every request of `steps` for `targets`. */
  static async load(options: {
    state: CollectorStateStore;
    clientKey: string;
    now: () => Date;
    steps: readonly RestRequest[];
    targets: readonly RestTarget[];
  }): Promise<EtagCache> {
    const cache = new EtagCache(options.clientKey, options.now);
    const keys = options.targets.flatMap(target =>
      options.steps.map(step => cache.key(step.route, step.params(target))),
    );
    const stored = keys.length ? await options.state.getMany(keys) : new Map();
    for (const [key, value] of stored) {
      const entry = readEtagEntry(value);
      if (entry) cache.#entries.set(key, entry);
    }
    return cache;
  }

  /** The state key of one request. */
  key(route: string, params: RouteParams): string {
    return stateKey('etag', this.#clientKey, route, JSON.stringify(params));
  }

  /** Entries written since the cache was loaded. */
  get writes(): ReadonlyArray<{ key: string; value: EtagEntry }> {
    return this.#writes;
  }

  /**
   * Sends one step's request, conditionally. `reuseNegative: false` asks
   * again even while a remembered error answer is fresh.
   */
  async request<P extends RouteParams, D, T extends JsonValue>(
    octokit: GithubOctokit,
    step: RestStep<P, D, T>,
    target: RestTarget,
    options: { reuseNegative?: boolean } = {},
  ): Promise<ConditionalResult<T>> {
    const params = step.params(target);
    const key = this.key(step.route, params);
    const cached = this.#entries.get(key);
    let validator: { etag: string; value: T } | undefined;
    if (cached && 'negative' in cached) {
      const age = this.#now().getTime() - Date.parse(cached.at);
      if ((options.reuseNegative ?? true) && age < NEGATIVE_TTL_MS) {
        return { ok: false, answer: cached.negative };
      }
    } else if (cached) {
      const value = step.read(cached.value);
      validator =
        value === undefined ? undefined : { etag: cached.etag, value };
    }
    try {
      const response = await step.send(octokit, {
        ...params,
        headers: validator ? { 'if-none-match': validator.etag } : {},
      });
      const value = step.derive(response.data, response.headers);
      const etag = response.headers.etag;
      if (etag) {
        this.#remember(key, { etag, value });
      }
      return { ok: true, value, notModified: false };
    } catch (error) {
      const answer = classifyRequestError(error);
      if (answer.kind === 'not_modified' && validator) {
        return { ok: true, value: validator.value, notModified: true };
      }
      if (
        answer.kind === 'branch_not_protected' ||
        answer.kind === 'feature_disabled'
      ) {
        this.#remember(key, {
          negative: answer,
          at: this.#now().toISOString(),
        });
      }
      return { ok: false, answer };
    }
  }

  #remember(key: string, value: EtagEntry) {
    this.#entries.set(key, value);
    this.#writes.push({ key, value });
  }
}
