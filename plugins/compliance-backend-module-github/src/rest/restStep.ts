import { JsonValue } from 'backstage-plugin-compliance-common';
import { GithubOctokit } from '../client/GithubClients';

/** Path and query parameters of a REST request. */
export type RouteParams = Record<string, string | number | boolean>;

/** The repository a REST step reads. */
export interface RestTarget {
  owner: string;
  repo: string;
  /** The default branch; empty when the repository has none. */
  branch: string;
}

/**
 * One REST request the collector sends conditionally (with the ETag of the
 * last answer), and what it keeps of the answer.
 */
export interface RestStep<P extends RouteParams, D, T extends JsonValue> {
  /** The Octokit route; part of the ETag state key. */
  route: string;
  params(target: RestTarget): P;
  /** Sends the request with a literal route, so that Octokit types `data`. */
  send(
    octokit: GithubOctokit,
    params: P & { headers: { 'if-none-match'?: string } },
  ): Promise<{ data: D; headers: { etag?: string; link?: string } }>;
  /**
   * What the collector keeps of a `200` answer (stored with its ETag).
   * Throws `MalformedAnswerError` when the body does not have the shape of
   * the answer: a value must never be derived from a broken body.
   */
  derive(data: D, headers: { link?: string }): T;
  /** Reads a kept value back; `undefined` when it does not have the shape. */
  read(value: JsonValue): T | undefined;
}

/** A step's route and parameters, without its answer types. */
export type RestRequest = Pick<
  RestStep<RouteParams, unknown, JsonValue>,
  'route' | 'params'
>;
