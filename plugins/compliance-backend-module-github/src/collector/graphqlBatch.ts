import { LoggerService } from '@backstage/backend-plugin-api';
import { GithubClient } from '../client/GithubClients';
import {
  buildRepositoryQuery,
  repositoryAlias,
  RepositoryQueryAnswer,
} from '../client/repositoryQuery';
import { GITHUB_FACT_DESCRIPTORS } from '../githubFactIds';
import {
  classifyGraphqlError,
  classifyRequestError,
  MalformedAnswerError,
  unknownOf,
} from '../lib/classify';
import { deriveRepositoryFacts } from '../lib/repositoryFacts';
import { RepoWork } from './repoWork';

/** Every fact id: what a repository GraphQL could not read gets. */
export const ALL_FACT_IDS = GITHUB_FACT_DESCRIPTORS.map(d => d.id);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a `200` body has the shape of a GraphQL answer. */
function isGraphqlAnswer(value: unknown): value is RepositoryQueryAnswer {
  if (!isObject(value)) return false;
  const { data, errors } = value;
  return (
    (data === undefined || data === null || isObject(data)) &&
    (errors === undefined ||
      (Array.isArray(errors) && errors.every(isObject))) &&
    (data !== undefined || errors !== undefined)
  );
}

/** How a GraphQL batch went. */
export type GraphqlBatchOutcome = 'ok' | 'failed' | 'rate_limited';

/**
 * Reads a batch of repositories with one GraphQL query: sets the node and
 * the GraphQL facts of every repository GraphQL answered for, and marks
 * every fact unknown for the others.
 */
export async function readRepositoryBatch(
  client: GithubClient,
  chunk: RepoWork[],
  options: { now: Date; staleAlertDays: number; logger: LoggerService },
): Promise<GraphqlBatchOutcome> {
  let answer: RepositoryQueryAnswer;
  try {
    const response = await client.octokit.request<RepositoryQueryAnswer>({
      method: 'POST',
      url: '/graphql',
      query: buildRepositoryQuery(chunk.map(c => c.ref)),
    });
    answer = response.data;
    if (!isGraphqlAnswer(answer)) {
      throw new MalformedAnswerError('POST /graphql');
    }
  } catch (error) {
    const classified = classifyRequestError(error);
    const { reason, message } = unknownOf(
      classified,
      'GitHub GraphQL request failed',
    );
    options.logger.warn('GitHub GraphQL batch failed', {
      bucket: client.key,
      repos: chunk.length,
      reason,
      status: classified.kind === 'unknown' ? classified.status : undefined,
    });
    for (const item of chunk) {
      item.sink.unknownAll(ALL_FACT_IDS, reason, message);
    }
    return reason === 'rate_limited' ? 'rate_limited' : 'failed';
  }

  const errors = answer.errors ?? [];
  const rateLimit = answer.data?.rateLimit;
  if (typeof rateLimit?.remaining === 'number') {
    client.budget.observeGraphql(rateLimit.remaining, rateLimit.resetAt);
  }
  if (errors.some(e => e.type === 'RATE_LIMITED') && !answer.data) {
    for (const item of chunk) {
      item.sink.unknownAll(
        ALL_FACT_IDS,
        'rate_limited',
        'GitHub GraphQL rate limit reached',
      );
    }
    return 'rate_limited';
  }
  chunk.forEach((item, index) => {
    const alias = repositoryAlias(index);
    const found = answer.data?.[alias];
    const node = isObject(found) ? found : undefined;
    const own = errors.filter(e => e.path?.[0] === alias);
    if (!node) {
      const top = own.find(e => (e.path?.length ?? 0) <= 1) ?? own[0];
      const classified: ReturnType<typeof classifyGraphqlError> = top
        ? classifyGraphqlError(top)
        : {
            kind: 'unknown',
            reason: 'error',
            message: 'GitHub returned no data',
          };
      const { reason, message } = unknownOf(
        classified,
        classified.message,
        'insufficient_permission',
      );
      const { owner, repo, host } = item.ref;
      // GitHub answers NOT_FOUND alike for a repository that does not exist
      // and one the credentials may not see: never a pass or a fail.
      item.sink.unknownAll(
        ALL_FACT_IDS,
        reason,
        top?.type === 'NOT_FOUND'
          ? `Repository ${owner}/${repo} on ${host} does not exist or is not visible to these credentials (${message})`
          : `Repository ${owner}/${repo} on ${host} could not be read: ${message}`,
      );
      return;
    }
    item.graphql = { node, errors: own };
    item.sink.merge(
      deriveRepositoryFacts({
        ref: item.ref,
        node,
        errors: own,
        now: options.now,
        staleAlertDays: options.staleAlertDays,
      }),
    );
  });
  return 'ok';
}
