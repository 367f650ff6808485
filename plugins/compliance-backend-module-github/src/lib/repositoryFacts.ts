import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import {
  classifyGraphqlError,
  fieldError,
  GithubAnswer,
  GraphqlErrorEntry,
  unknownOf,
} from './classify';
import { FactSink } from './factSink';
import { GithubRepositoryRef, repositoryUrl } from './repository';

const DAY_MS = 86_400_000;
const SOURCE = 'GraphQL repository';
const DEPENDENCY_UPDATE_FILES = [
  'dependabotYml',
  'dependabotYaml',
  'renovateJson',
  'renovateJson5',
  'renovateGithub',
  'renovaterc',
  'renovatercJson',
] as const;

/** Whether an alert severity (any case) is critical or high. */
export function isCriticalOrHigh(severity: string | null | undefined) {
  const level = severity?.toUpperCase();
  return level === 'CRITICAL' || level === 'HIGH';
}

/**
 * Whether the GraphQL list of open Dependabot alerts (which GraphQL cannot
 * filter by severity) holds fewer alerts than are open: then the critical
 * and high ones are counted over REST instead.
 */
export function dependabotAlertsTruncated(node: RepositoryNode): boolean {
  const alerts = node.vulnerabilityAlerts;
  return Boolean(
    alerts &&
      node.hasVulnerabilityAlertsEnabled !== false &&
      alerts.totalCount > (alerts.nodes?.length ?? 0),
  );
}

/** What the GraphQL facts of one repository are derived from. */
export interface RepositoryFactsInput {
  ref: Pick<GithubRepositoryRef, 'host' | 'owner' | 'repo'>;
  node: RepositoryNode;
  /** GraphQL errors of this repository's alias. */
  errors: readonly GraphqlErrorEntry[];
  now: Date;
  /** Age after which an open critical/high Dependabot alert is overdue. */
  staleAlertDays: number;
}

/** Writes facts of one repository from one GraphQL node. */
class GraphqlFactWriter {
  readonly sink = new FactSink();
  readonly #url: string;

  constructor(private readonly input: RepositoryFactsInput) {
    this.#url = repositoryUrl(input.ref);
  }

  evidence(path = '') {
    return { source: SOURCE, url: `${this.#url}${path}` };
  }

  /** The error of a field, if GraphQL reported one. */
  error(...path: string[]) {
    const hit = fieldError(this.input.errors, ...path);
    return hit ? classifyGraphqlError(hit) : undefined;
  }

  unknown(id: string, answer: GithubAnswer) {
    const { reason, message } = unknownOf(
      answer,
      'GitHub GraphQL error',
      'feature_unavailable',
    );
    this.sink.unknown(id, reason, message);
  }

  /** `value` unless the field it is read from has an error. */
  setUnlessError(
    id: string,
    errorPath: string[],
    value: () => boolean | number | string | null,
    path = '',
  ) {
    const error = this.error(...errorPath);
    if (error) this.unknown(id, error);
    else this.sink.set(id, value(), this.evidence(path));
  }
}

function ratio(part: number, whole: number) {
  return Math.round((part / whole) * 1000) / 1000;
}

function hygieneFacts(w: GraphqlFactWriter, input: RepositoryFactsInput) {
  const { node, ref, now } = input;
  w.sink.set(F.repoArchived, Boolean(node.isArchived), w.evidence());
  if (node.visibility) {
    const visibility = node.visibility.toLocaleLowerCase('en-US');
    w.sink.set(F.repoVisibility, visibility, w.evidence());
  }
  w.setUnlessError(
    F.repoLicense,
    ['licenseInfo'],
    () => node.licenseInfo?.spdxId ?? null,
  );
  w.setUnlessError(
    F.securityPolicyEnabled,
    ['isSecurityPolicyEnabled'],
    () => Boolean(node.isSecurityPolicyEnabled),
    '/security/policy',
  );

  if (node.isEmpty || !node.defaultBranchRef) {
    const message = `Repository ${ref.owner}/${ref.repo} is empty (no default branch)`;
    w.sink.unknown(F.repoDaysSinceLastCommit, 'feature_unavailable', message);
    w.sink.set(F.codeownersPresent, false, w.evidence());
    w.sink.set(F.codeownersErrors, 0, w.evidence());
    w.sink.set(F.dependencyUpdatesConfigured, false, w.evidence());
    w.sink.unknown(F.commitsSignedRatio, 'feature_unavailable', message);
    return;
  }
  const commit = node.defaultBranchRef.target;
  if (commit?.committedDate) {
    const days = Math.floor(
      (now.getTime() - Date.parse(commit.committedDate)) / DAY_MS,
    );
    w.sink.set(
      F.repoDaysSinceLastCommit,
      Math.max(0, days),
      w.evidence('/commits'),
    );
  }
  const codeownersError =
    w.error('coGithub') ?? w.error('coRoot') ?? w.error('coDocs');
  if (codeownersError) w.unknown(F.codeownersPresent, codeownersError);
  else {
    const present = Boolean(node.coGithub || node.coRoot || node.coDocs);
    w.sink.set(F.codeownersPresent, present, w.evidence());
  }
  w.setUnlessError(
    F.codeownersErrors,
    ['codeowners'],
    () => node.codeowners?.errors?.length ?? 0,
  );
  w.sink.set(
    F.dependencyUpdatesConfigured,
    DEPENDENCY_UPDATE_FILES.some(file => Boolean(node[file])),
    w.evidence(),
  );
  const history = commit?.history?.nodes ?? [];
  if (history.length) {
    const signed = history.filter(n => n.signature?.isValid).length;
    w.sink.set(
      F.commitsSignedRatio,
      ratio(signed, history.length),
      w.evidence('/commits'),
    );
  }
}

function dependabotFacts(w: GraphqlFactWriter, input: RepositoryFactsInput) {
  const { node, now, staleAlertDays } = input;
  const settings = w.evidence('/settings/security_analysis');
  const enabledError = w.error('hasVulnerabilityAlertsEnabled');
  const alertsError = w.error('vulnerabilityAlerts');
  const disabled =
    enabledError?.kind === 'feature_disabled' ||
    alertsError?.kind === 'feature_disabled' ||
    node.hasVulnerabilityAlertsEnabled === false;
  if (disabled) {
    w.sink.set(F.dependabotAlertsEnabled, false, settings);
    const message = 'Dependabot alerts are disabled for this repository';
    w.sink.unknownAll(
      [F.dependabotOpenCriticalHigh, F.dependabotOverdueCriticalHigh],
      'feature_unavailable',
      message,
    );
    return;
  }
  if (enabledError) {
    w.unknown(F.dependabotAlertsEnabled, enabledError);
  } else if (node.hasVulnerabilityAlertsEnabled === true) {
    w.sink.set(F.dependabotAlertsEnabled, true, settings);
  }
  if (alertsError || !node.vulnerabilityAlerts) {
    const answer: GithubAnswer = alertsError ?? {
      kind: 'unknown',
      reason: 'insufficient_permission',
      message: 'Dependabot alerts are not visible to these credentials',
    };
    w.unknown(F.dependabotOpenCriticalHigh, answer);
    w.unknown(F.dependabotOverdueCriticalHigh, answer);
    return;
  }
  if (dependabotAlertsTruncated(node)) {
    // Counted over REST (filtered by severity) in the REST phase.
    return;
  }
  const severe = node.vulnerabilityAlerts.nodes.filter(a =>
    isCriticalOrHigh(a.securityVulnerability?.severity),
  );
  const cutoff = now.getTime() - staleAlertDays * DAY_MS;
  const alerts = w.evidence('/security/dependabot');
  w.sink.set(F.dependabotOpenCriticalHigh, severe.length, alerts);
  w.sink.set(
    F.dependabotOverdueCriticalHigh,
    severe.filter(a => Date.parse(a.createdAt) < cutoff).length,
    alerts,
  );
}

function pullRequestFacts(w: GraphqlFactWriter, input: RepositoryFactsInput) {
  const error = w.error('pullRequests');
  if (error) {
    w.unknown(F.mergedPullRequests, error);
    w.unknown(F.reviewedRatio, error);
    w.unknown(F.changesChecksNotGreenRatio, error);
    w.unknown(F.changesUnapprovedRatio, error);
    w.unknown(F.changesOffenders, error);
    return;
  }
  const prs = (input.node.pullRequests?.nodes ?? []).filter(
    pr =>
      pr.author &&
      pr.author.__typename !== 'Bot' &&
      !pr.author.login.endsWith('[bot]'),
  );
  const reviewed = prs.filter(pr =>
    (pr.reviews?.nodes ?? []).some(
      r => r.author && r.author.login !== pr.author?.login,
    ),
  ).length;
  const evidence = w.evidence('/pulls?q=is%3Amerged');
  w.sink.set(F.mergedPullRequests, prs.length, evidence);
  w.sink.set(
    F.reviewedRatio,
    prs.length ? ratio(reviewed, prs.length) : null,
    evidence,
  );
  const changes = changeManagement(prs);
  w.sink.set(
    F.changesChecksNotGreenRatio,
    prs.length ? ratio(changes.checksNotGreen, prs.length) : null,
    evidence,
  );
  w.sink.set(
    F.changesUnapprovedRatio,
    prs.length ? ratio(changes.unapproved, prs.length) : null,
    evidence,
  );
  w.sink.set(F.changesOffenders, changes.offenders, evidence);
}

type MergedPullRequest = NonNullable<
  RepositoryFactsInput['node']['pullRequests']
>['nodes'][number];

/**
 * Change management over merged pull requests (SOC 2 CC8.1, ISO 27001
 * A.8.32): which were merged with their head checks failing or missing
 * (no check reported, still pending, or a required check never reported)
 * and which without an approval from someone other than the author. Pure.
 */
export function changeManagement(prs: MergedPullRequest[]) {
  let checksNotGreen = 0;
  let unapproved = 0;
  const offenders: Array<{
    number: number | null;
    url: string | null;
    mergedAt: string | null;
    author: string | null;
    /** Logins of the approving reviewers (none independent when `missing` says so). */
    reviewers: string[];
    missing: string[];
  }> = [];
  for (const pr of prs) {
    const missing: string[] = [];
    const state =
      pr.commits?.nodes?.[0]?.commit?.statusCheckRollup?.state ?? null;
    if (state === 'FAILURE' || state === 'ERROR') {
      missing.push('checks failing at merge');
    } else if (state !== 'SUCCESS') {
      missing.push(
        state === null
          ? 'no checks reported at merge'
          : `checks ${state.toLowerCase()} at merge`,
      );
    }
    if (missing.length) checksNotGreen++;
    const approved = (pr.reviews?.nodes ?? []).some(
      r => r.author && r.author.login !== pr.author?.login,
    );
    if (!approved) {
      unapproved++;
      missing.push('independent approval');
    }
    if (missing.length && offenders.length < 30) {
      offenders.push({
        number: typeof pr.number === 'number' ? pr.number : null,
        url:
          typeof pr.url === 'string' && /^https:\/\//.test(pr.url)
            ? pr.url.slice(0, 500)
            : null,
        mergedAt: typeof pr.mergedAt === 'string' ? pr.mergedAt : null,
        author: pr.author?.login?.slice(0, 100) ?? null,
        reviewers: [
          ...new Set(
            (pr.reviews?.nodes ?? []).flatMap(r =>
              typeof r.author?.login === 'string'
                ? [r.author.login.slice(0, 100)]
                : [],
            ),
          ),
        ].slice(0, 10),
        missing,
      });
    }
  }
  return { checksNotGreen, unapproved, offenders };
}

/**
 * The facts of one repository that GraphQL answers: hygiene, Dependabot
 * alerts and reviews of merged pull requests. A field GraphQL reported an
 * error for makes its fact unknown, never a fail.
 */
export function deriveRepositoryFacts(input: RepositoryFactsInput): FactSink {
  const writer = new GraphqlFactWriter(input);
  hygieneFacts(writer, input);
  dependabotFacts(writer, input);
  pullRequestFacts(writer, input);
  return writer.sink;
}
