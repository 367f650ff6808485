import { GithubOctokit } from '../client/GithubClients';
import { RepositoryNode } from '../client/repositoryQuery';
import { GithubAnswer, GraphqlErrorEntry, unknownOf } from '../lib/classify';
import { FactSink } from '../lib/factSink';
import { EtagCache } from './etagCache';
import { RestTarget } from './restStep';

/** What the REST steps of one repository share. */
export interface RestRepositoryContext {
  octokit: GithubOctokit;
  cache: EtagCache;
  target: RestTarget;
  /** The repository's GraphQL answer and the errors of its fields. */
  node: RepositoryNode;
  errors: readonly GraphqlErrorEntry[];
  sink: FactSink;
  /** `https://<host>/<owner>/<repo>` */
  repoUrl: string;
  /**
   * Set when the credentials are known not to be a repository
   * administrator: why admin-only endpoints are not asked.
   */
  nonAdminMessage?: string;
}

/** Marks facts unknown after an answer that did not prove them. */
export function unknownFromAnswer(
  sink: FactSink,
  ids: readonly string[],
  answer: GithubAnswer,
  fallbackMessage = 'GitHub request failed',
) {
  const { reason, message } = unknownOf(answer, fallbackMessage);
  sink.unknownAll(ids, reason, message);
}
