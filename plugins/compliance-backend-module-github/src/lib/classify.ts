import { ErrorLike, isError } from '@backstage/errors';
import { UnknownReason } from 'backstage-plugin-compliance-common';

/**
 * What a GitHub error answer means for a fact, per the reference's
 * fail-vs-unknown table.
 *
 * @public
 */
export type GithubAnswer =
  | { kind: 'not_modified' }
  /** 404 "Branch not protected": the branch exists and has no classic protection. */
  | { kind: 'branch_not_protected' }
  /** The feature (Dependabot alerts, secret scanning, code scanning) is off. */
  | { kind: 'feature_disabled'; message: string }
  /** 409: the repository has no commits. */
  | { kind: 'empty_repository'; message: string }
  /** The answer proves nothing about the setting. */
  | {
      kind: 'unknown';
      reason: UnknownReason;
      message: string;
      status?: number;
      /** The permission GitHub says is missing (`X-Accepted-GitHub-Permissions`). */
      acceptedPermissions?: string;
    };

/** The parts of an HTTP error answer the classification reads. */
export interface GithubErrorAnswer {
  status?: number;
  message?: string;
  headers?: Record<string, string | number | undefined>;
}

const FEATURE_DISABLED =
  /\b(disabled|not enabled|must be enabled|no analysis found)\b/i;

/** Primary and secondary rate limits and abuse detection, by GitHub's wording. */
const RATE_LIMITED = /rate limit|abuse detection/i;

/**
 * Thrown when GitHub answers `200` with a body that does not have the shape
 * of the endpoint's answer (broken or truncated JSON, an HTML error page
 * from a proxy). Such an answer proves nothing: it is an `error`, which keeps
 * the last good value, never a value derived from an empty body.
 *
 * @public
 */
export class MalformedAnswerError extends Error {
  constructor(what: string) {
    super(`GitHub answered ${what} with a body that is not its JSON answer`);
    this.name = 'MalformedAnswerError';
  }
}

function header(
  headers: GithubErrorAnswer['headers'],
  name: string,
): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
}

/**
 * Classifies a GitHub REST error answer. The message, not only the status,
 * separates "absent" (a fail) from "not allowed to see" (unknown).
 *
 * @public
 */
export function classifyGithubError(answer: GithubErrorAnswer): GithubAnswer {
  const status = answer.status;
  const message = (answer.message ?? '').trim();
  const permissions = header(answer.headers, 'x-accepted-github-permissions');
  if (status === 304) {
    return { kind: 'not_modified' };
  }
  if (
    status === 429 ||
    (status === 403 &&
      (header(answer.headers, 'x-ratelimit-remaining') === '0' ||
        header(answer.headers, 'retry-after') !== undefined ||
        RATE_LIMITED.test(message))) ||
    // The throttling plugin's "GraphQL Rate Limit Exceeded" has no status.
    (status === undefined && RATE_LIMITED.test(message))
  ) {
    return {
      kind: 'unknown',
      reason: 'rate_limited',
      status,
      message: `GitHub rate limit reached: ${message || status}`,
    };
  }
  if (status === 404 && /branch not protected/i.test(message)) {
    return { kind: 'branch_not_protected' };
  }
  if (status === 409) {
    return {
      kind: 'empty_repository',
      message: message || 'Git Repository is empty.',
    };
  }
  if (
    (status === 403 || status === 404 || status === 422) &&
    FEATURE_DISABLED.test(message) &&
    !/resource not accessible/i.test(message)
  ) {
    return { kind: 'feature_disabled', message };
  }
  if (status === 401) {
    return {
      kind: 'unknown',
      reason: 'no_credentials',
      status,
      message: `GitHub rejected the configured credentials (401 ${
        message || 'Bad credentials'
      })`,
    };
  }
  if (status === 403 || status === 404) {
    const needs = permissions ? ` (needs ${permissions})` : '';
    return {
      kind: 'unknown',
      reason: 'insufficient_permission',
      status,
      acceptedPermissions: permissions,
      message:
        status === 404
          ? `GitHub answered 404 ${
              message || 'Not Found'
            }; the credentials cannot tell an absent setting from a hidden one${needs}`
          : `GitHub answered 403 ${message || 'Forbidden'}${needs}`,
    };
  }
  return {
    kind: 'unknown',
    reason: 'error',
    status,
    message: status
      ? `GitHub answered ${status} ${message}`.trim()
      : `GitHub request failed: ${message || 'network error'}`,
  };
}

/** One entry of a GraphQL `errors` array. */
export interface GraphqlErrorEntry {
  type?: string;
  message?: string;
  path?: Array<string | number>;
}

/**
 * Classifies a GraphQL field error (an entry of `errors[]` of a 200 answer).
 *
 * @public
 */
export function classifyGraphqlError(
  error: GraphqlErrorEntry,
): Extract<GithubAnswer, { kind: 'unknown' | 'feature_disabled' }> {
  const message = error.message ?? 'GraphQL error';
  if (error.type === 'RATE_LIMITED' || RATE_LIMITED.test(message)) {
    return { kind: 'unknown', reason: 'rate_limited', message };
  }
  if (
    error.type === 'FORBIDDEN' ||
    /resource not accessible|must have (admin|push)|permission/i.test(message)
  ) {
    return {
      kind: 'unknown',
      reason: 'insufficient_permission',
      message: `GitHub GraphQL: ${message}`,
    };
  }
  if (FEATURE_DISABLED.test(message)) {
    return { kind: 'feature_disabled', message };
  }
  if (error.type === 'NOT_FOUND') {
    return {
      kind: 'unknown',
      reason: 'insufficient_permission',
      message: `GitHub GraphQL: ${message}`,
    };
  }
  return {
    kind: 'unknown',
    reason: 'error',
    message: `GitHub GraphQL: ${message}`,
  };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The `response` of an Octokit `RequestError`, read without trusting its shape. */
function responseOf(error: ErrorLike): { headers?: unknown; data?: unknown } {
  return isObject(error.response) ? error.response : {};
}

function headersOf(value: unknown): GithubErrorAnswer['headers'] {
  if (!isObject(value)) return undefined;
  const headers: NonNullable<GithubErrorAnswer['headers']> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry === 'string' || typeof entry === 'number') {
      headers[name] = entry;
    }
  }
  return headers;
}

/**
 * Classifies what a failed Octokit request threw: an HTTP error answer
 * (status, GitHub's message and headers) or a network error.
 */
export function classifyRequestError(error: unknown): GithubAnswer {
  if (!isError(error)) {
    return classifyGithubError({ message: String(error) });
  }
  if (error.name === 'MalformedAnswerError') {
    return { kind: 'unknown', reason: 'error', message: error.message };
  }
  const response = responseOf(error);
  if (!isObject(error.response)) {
    // No answer at all: network error, timeout, abort. Octokit reports
    // these as status 500; saying "GitHub answered 500" would be wrong.
    return classifyGithubError({ message: error.message });
  }
  const data = response.data;
  const graphqlErrors =
    isObject(data) && 'errors' in data && Array.isArray(data.errors)
      ? (data.errors as unknown[])
      : [];
  if (
    graphqlErrors.some(
      e => isObject(e) && 'type' in e && e.type === 'RATE_LIMITED',
    )
  ) {
    return {
      kind: 'unknown',
      reason: 'rate_limited',
      message: 'GitHub GraphQL rate limit reached',
    };
  }
  const message =
    isObject(data) && 'message' in data && typeof data.message === 'string'
      ? data.message
      : error.message;
  return classifyGithubError({
    status: typeof error.status === 'number' ? error.status : undefined,
    message,
    headers: headersOf(response.headers),
  });
}

/**
 * Why a fact is unknown after an answer that did not prove its value:
 * `otherReason` for answers that are not `unknown` themselves (a disabled
 * feature, an empty repository).
 */
export function unknownOf(
  answer: GithubAnswer,
  fallbackMessage: string,
  otherReason: UnknownReason = 'error',
): { reason: UnknownReason; message: string } {
  return {
    reason: answer.kind === 'unknown' ? answer.reason : otherReason,
    message: 'message' in answer ? answer.message : fallbackMessage,
  };
}

/**
 * The GraphQL error of one field of an aliased repository, `path` being the
 * field path after the alias (e.g. `defaultBranchRef`, `rules`).
 */
export function fieldError(
  errors: readonly GraphqlErrorEntry[],
  ...path: string[]
): GraphqlErrorEntry | undefined {
  return errors.find(e => path.every((p, i) => e.path?.[i + 1] === p));
}
