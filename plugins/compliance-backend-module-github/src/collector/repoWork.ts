import { RepositoryNode } from '../client/repositoryQuery';
import { GraphqlErrorEntry } from '../lib/classify';
import { FactSink } from '../lib/factSink';
import { GithubRepositoryRef } from '../lib/repository';

/** One repository of a batch, with every entity that points at it. */
export interface RepoWork {
  ref: GithubRepositoryRef;
  /** `host/owner/repo`, lower case. */
  key: string;
  entityRefs: string[];
  /** The repository's facts, copied to every entity at the end. */
  sink: FactSink;
  /** Set once GraphQL answered for the repository. */
  graphql?: { node: RepositoryNode; errors: GraphqlErrorEntry[] };
}
