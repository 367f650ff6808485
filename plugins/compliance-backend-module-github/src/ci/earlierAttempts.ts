import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { GithubOctokit, RateBudget } from '../client/GithubClients';
import {
  isCheckSuiteNodeId,
  isFailedConclusion,
  runsNeedingAttemptLookup,
  StoredRun,
} from '../lib/ciStats';
import {
  classifyRequestError,
  GithubAnswer,
  MalformedAnswerError,
} from '../lib/classify';
import { isRecord } from '../lib/json';

/** Check suites asked about in one GraphQL query. */
export const MAX_SUITES_PER_QUERY = 100;
/** REST earlier-attempt lookups per repository per cycle (runs without a check suite id). */
const MAX_REST_LOOKUPS = 1;
const ATTEMPT_ROUTE =
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}';
const SUITES_SOURCE = 'GraphQL CheckSuite.checkRuns (superseded attempts)';
/** The conclusions {@link isFailedConclusion} counts as failures, in GraphQL spelling. */
const FAILED_STATES = '[FAILURE, TIMED_OUT, STARTUP_FAILURE]';
/**
 * One query asking, for each check suite (the suite of a workflow run is
 * kept across its attempts), how many failed check runs it holds in all
 * attempts and in the latest one. Ids travel as variables, never in the
 * query text.
 */
export function earlierAttemptQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$s${i}: ID!`);
  const fields = Array.from(
    { length: count },
    (_, i) =>
      `s${i}: node(id: $s${i}) { ... on CheckSuite { ` +
      `all: checkRuns(first: 1, filterBy: {checkType: ALL, conclusions: ${FAILED_STATES}}) { totalCount } ` +
      `latest: checkRuns(first: 1, filterBy: {checkType: LATEST, conclusions: ${FAILED_STATES}}) { totalCount } } }`,
  );
  return `query(${vars.join(', ')}) { ${fields.join(
    ' ',
  )} rateLimit { cost remaining resetAt } }`;
}

function countOf(value: unknown): number | undefined {
  const total = isRecord(value) ? value.totalCount : undefined;
  return typeof total === 'number' && Number.isInteger(total) && total >= 0
    ? total
    : undefined;
}

/**
 * Whether a suite answer proves the run was re-run after a failure: a
 * failed check run superseded by a later attempt (more failures over all
 * attempts than in the latest). `undefined` when the answer proves nothing.
 */
export function rerunAfterFailureOf(node: unknown): boolean | undefined {
  if (!isRecord(node)) return undefined;
  const all = countOf(node.all);
  const latest = countOf(node.latest);
  if (all === undefined || latest === undefined || latest > all) {
    return undefined;
  }
  return all > latest;
}

/** A repository's runs whose earlier attempts are to be read. */
export interface AttemptLookup {
  owner: string;
  repo: string;
  repositoryKey: string;
  runs: StoredRun[];
  /** Set when a lookup failed transiently: the runs stay "assumed flaky". */
  error?: GithubAnswer;
}

function transient(answer: GithubAnswer): boolean {
  return (
    answer.kind === 'unknown' &&
    (answer.reason === 'error' || answer.reason === 'rate_limited')
  );
}

async function askSuites(
  octokit: GithubOctokit,
  runs: StoredRun[],
  budget?: RateBudget,
): Promise<void> {
  const variables = Object.fromEntries(
    runs.map((run, i) => [`s${i}`, run.checkSuiteNodeId]),
  );
  const response = await octokit.request({
    method: 'POST',
    url: '/graphql',
    query: earlierAttemptQuery(runs.length),
    variables,
  });
  const body: unknown = response.data;
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data)) {
    throw new MalformedAnswerError(SUITES_SOURCE);
  }
  const rateLimit = data.rateLimit;
  if (isRecord(rateLimit) && typeof rateLimit.remaining === 'number') {
    budget?.observeGraphql(
      rateLimit.remaining,
      typeof rateLimit.resetAt === 'string' ? rateLimit.resetAt : undefined,
    );
  }
  runs.forEach((run, i) => {
    const found = rerunAfterFailureOf(data[`s${i}`]);
    if (found !== undefined) run.rerunAfterFailure = found;
  });
}

/** The REST answer for one run without a check suite id. */
async function askAttempt(
  octokit: GithubOctokit,
  lookup: AttemptLookup,
  run: StoredRun,
): Promise<void> {
  const attempt = await octokit.request(ATTEMPT_ROUTE, {
    owner: lookup.owner,
    repo: lookup.repo,
    run_id: run.id,
    attempt_number: run.attempt - 1,
  });
  const conclusion = isRecord(attempt.data)
    ? attempt.data.conclusion
    : undefined;
  if (typeof conclusion !== 'string') {
    // An attempt that ended has a conclusion; anything else proves nothing.
    throw new MalformedAnswerError(ATTEMPT_ROUTE);
  }
  run.rerunAfterFailure = isFailedConclusion(conclusion);
}

/**
 * Reads whether the earlier attempt of successful re-runs failed (flaky),
 * for the repositories of a batch at once: runs with a check suite id in
 * GraphQL queries of up to {@link MAX_SUITES_PER_QUERY} suites (the
 * repositories share them), the others (and those GraphQL proved nothing
 * about) one REST request each, bounded per repository. A lookup that failed transiently sets the repository's
 * `error`; its runs stay unclassified for the next cycle.
 */
export async function resolveEarlierAttempts(options: {
  octokit: GithubOctokit;
  lookups: AttemptLookup[];
  logger: LoggerService;
  budget?: RateBudget;
}): Promise<void> {
  const { octokit, lookups, logger, budget } = options;
  const bySuite = lookups.flatMap(lookup =>
    runsNeedingAttemptLookup(lookup.runs)
      .filter(run => isCheckSuiteNodeId(run.checkSuiteNodeId))
      .map(run => ({ lookup, run })),
  );
  for (let i = 0; i < bySuite.length; i += MAX_SUITES_PER_QUERY) {
    const part = bySuite.slice(i, i + MAX_SUITES_PER_QUERY);
    try {
      await askSuites(
        octokit,
        part.map(p => p.run),
        budget,
      );
    } catch (error) {
      const answer = classifyRequestError(error);
      for (const { lookup } of part) {
        if (transient(answer)) lookup.error ??= answer;
      }
      logger.debug('Could not read the check suites of re-run workflow runs', {
        suites: part.length,
        error: isError(error) ? error.message : String(error),
      });
    }
  }
  for (const lookup of lookups) {
    // Runs without a suite id, or whose suite proved nothing (GitHub
    // answered null for it), ask REST; a transient GraphQL failure waits.
    const rest = lookup.error
      ? []
      : runsNeedingAttemptLookup(lookup.runs).slice(0, MAX_REST_LOOKUPS);
    for (const run of rest) {
      try {
        await askAttempt(octokit, lookup, run);
      } catch (error) {
        const answer = classifyRequestError(error);
        if (transient(answer)) lookup.error ??= answer;
        logger.debug('Could not read an earlier workflow run attempt', {
          repository: lookup.repositoryKey,
          runId: run.id,
          error: isError(error) ? error.message : String(error),
        });
      }
    }
  }
}
