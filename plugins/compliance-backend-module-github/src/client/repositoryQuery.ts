import { GraphqlErrorEntry } from '../lib/classify';
import { RuleParameters, VisibleProtection } from '../lib/protection';

/**
 * The batched GraphQL query: one aliased `repository` per repo, all
 * expanding one fragment. Field choice follows the reference (§3.4).
 */
const REPOSITORY_FRAGMENT = `
fragment ComplianceRepo on Repository {
  isArchived
  isEmpty
  visibility
  viewerPermission
  licenseInfo { spdxId }
  isSecurityPolicyEnabled
  hasVulnerabilityAlertsEnabled
  vulnerabilityAlerts(states: [OPEN], first: 100) {
    totalCount
    nodes { createdAt securityVulnerability { severity } }
  }
  codeowners { errors { kind line path } }
  coGithub: object(expression: "HEAD:.github/CODEOWNERS") { id }
  coRoot: object(expression: "HEAD:CODEOWNERS") { id }
  coDocs: object(expression: "HEAD:docs/CODEOWNERS") { id }
  dependabotYml: object(expression: "HEAD:.github/dependabot.yml") { id }
  dependabotYaml: object(expression: "HEAD:.github/dependabot.yaml") { id }
  renovateJson: object(expression: "HEAD:renovate.json") { id }
  renovateJson5: object(expression: "HEAD:renovate.json5") { id }
  renovateGithub: object(expression: "HEAD:.github/renovate.json") { id }
  renovaterc: object(expression: "HEAD:.renovaterc") { id }
  renovatercJson: object(expression: "HEAD:.renovaterc.json") { id }
  pullRequests(states: MERGED, first: 30, orderBy: { field: UPDATED_AT, direction: DESC }) {
    nodes {
      number
      url
      mergedAt
      author { __typename login }
      reviews(states: APPROVED, first: 10) { nodes { author { login } } }
      commits(last: 1) { nodes { commit { statusCheckRollup { state } } } }
    }
  }
  defaultBranchRef {
    name
    refUpdateRule {
      allowsDeletions allowsForcePushes requiredApprovingReviewCount
      requiredStatusCheckContexts requiresCodeOwnerReviews requiresSignatures
    }
    rules(first: 20) {
      nodes {
        type
        repositoryRuleset { databaseId bypassActors(first: 1) { totalCount } }
        parameters {
          ... on PullRequestParameters {
            requiredApprovingReviewCount requireCodeOwnerReview
            dismissStaleReviewsOnPush requireLastPushApproval
          }
          ... on RequiredStatusChecksParameters {
            strictRequiredStatusChecksPolicy
            requiredStatusChecks { context }
          }
        }
      }
    }
    target {
      ... on Commit {
        oid
        committedDate
        statusCheckRollup { state }
        checkSuites(first: 1) { totalCount }
        history(first: 30) {
          nodes {
            oid
            committedDate
            signature { isValid }
            statusCheckRollup {
              contexts(first: 30) {
                nodes {
                  __typename
                  ... on StatusContext { context state createdAt targetUrl description }
                  ... on CheckRun {
                    databaseId name status conclusion startedAt completedAt detailsUrl title
                    checkSuite { app { slug } }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`;

/** Escapes a string for a GraphQL string literal. */
function literal(value: string) {
  return JSON.stringify(value);
}

/** The alias of the repository at `index` in a batch. */
export function repositoryAlias(index: number): RepositoryAlias {
  return `r${index}`;
}

/** Builds the query for a batch of repositories (aliases `r0`, `r1`, …). */
export function buildRepositoryQuery(
  repos: Array<{ owner: string; repo: string }>,
): string {
  const fields = repos
    .map(
      (r, i) =>
        `  ${repositoryAlias(i)}: repository(owner: ${literal(
          r.owner,
        )}, name: ${literal(r.repo)}) { ...ComplianceRepo }`,
    )
    .join('\n');
  return `query ComplianceRepositories {\n  rateLimit { cost remaining resetAt }\n${fields}\n}\n${REPOSITORY_FRAGMENT}`;
}

type Maybe<T> = T | null | undefined;

/** The shape of one aliased repository in the answer. */
export interface RepositoryNode {
  isArchived?: boolean;
  isEmpty?: boolean;
  visibility?: string;
  viewerPermission?: Maybe<string>;
  licenseInfo?: Maybe<{ spdxId: Maybe<string> }>;
  isSecurityPolicyEnabled?: Maybe<boolean>;
  hasVulnerabilityAlertsEnabled?: Maybe<boolean>;
  vulnerabilityAlerts?: Maybe<{
    totalCount: number;
    nodes: Array<{
      createdAt: string;
      securityVulnerability: Maybe<{ severity: string }>;
    }>;
  }>;
  codeowners?: Maybe<{
    errors: Array<{ kind: string; line: number; path: string }>;
  }>;
  coGithub?: Maybe<{ id: string }>;
  coRoot?: Maybe<{ id: string }>;
  coDocs?: Maybe<{ id: string }>;
  dependabotYml?: Maybe<{ id: string }>;
  dependabotYaml?: Maybe<{ id: string }>;
  renovateJson?: Maybe<{ id: string }>;
  renovateJson5?: Maybe<{ id: string }>;
  renovateGithub?: Maybe<{ id: string }>;
  renovaterc?: Maybe<{ id: string }>;
  renovatercJson?: Maybe<{ id: string }>;
  pullRequests?: Maybe<{
    nodes: Array<{
      number?: number;
      url?: string;
      mergedAt?: Maybe<string>;
      author: Maybe<{ __typename?: string; login: string }>;
      reviews: Maybe<{ nodes: Array<{ author: Maybe<{ login: string }> }> }>;
      commits?: Maybe<{
        nodes: Array<
          Maybe<{ commit: { statusCheckRollup: Maybe<{ state: string }> } }>
        >;
      }>;
    }>;
  }>;
  defaultBranchRef?: Maybe<{
    name: string;
    refUpdateRule?: Maybe<VisibleProtection>;
    rules?: Maybe<{
      nodes: Array<{
        type: string;
        repositoryRuleset?: Maybe<{
          databaseId: Maybe<number>;
          bypassActors?: Maybe<{ totalCount: number }>;
        }>;
        parameters?: Maybe<RuleParameters>;
      }>;
    }>;
    target?: Maybe<{
      oid?: string;
      committedDate?: string;
      statusCheckRollup?: Maybe<{ state: string }>;
      checkSuites?: Maybe<{ totalCount: number }>;
      history?: Maybe<{
        nodes: Array<HistoryCommitNode>;
      }>;
    }>;
  }>;
}

/** A status context or check run of a commit's `statusCheckRollup`. */
export type RollupContextNode =
  | {
      __typename: 'StatusContext';
      context?: Maybe<string>;
      state?: Maybe<string>;
      createdAt?: Maybe<string>;
      targetUrl?: Maybe<string>;
      description?: Maybe<string>;
    }
  | {
      __typename: 'CheckRun';
      databaseId?: Maybe<number>;
      name?: Maybe<string>;
      status?: Maybe<string>;
      conclusion?: Maybe<string>;
      startedAt?: Maybe<string>;
      completedAt?: Maybe<string>;
      detailsUrl?: Maybe<string>;
      title?: Maybe<string>;
      checkSuite?: Maybe<{ app?: Maybe<{ slug?: Maybe<string> }> }>;
    };

/** One commit of the default branch's history. */
export interface HistoryCommitNode {
  oid?: string;
  committedDate?: string;
  signature: Maybe<{ isValid: boolean }>;
  statusCheckRollup?: Maybe<{
    contexts?: Maybe<{ nodes?: Maybe<Array<Maybe<RollupContextNode>>> }>;
  }>;
}

/** The alias of one repository in the batched query. */
export type RepositoryAlias = `r${number}`;

/** The answer of the batched query. */
export interface RepositoryQueryAnswer {
  data?: {
    rateLimit?: Maybe<{ cost: number; remaining: number; resetAt: string }>;
    [alias: RepositoryAlias]: Maybe<RepositoryNode>;
  } | null;
  errors?: GraphqlErrorEntry[];
}
