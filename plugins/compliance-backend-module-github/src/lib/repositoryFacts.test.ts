import { JsonValue, loginsInValue } from 'backstage-plugin-compliance-common';
import graphqlRepository from '../__fixtures__/graphql-repository.json';
import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { GraphqlErrorEntry } from './classify';
import { FactSink } from './factSink';
import { deriveRepositoryFacts, isCriticalOrHigh } from './repositoryFacts';

const ref = { host: 'github.com', owner: 'acme', repo: 'payments' };
const now = new Date('2025-06-15T12:00:00Z');

function node(mutate: (n: any) => void = () => {}): RepositoryNode {
  const copy = JSON.parse(JSON.stringify(graphqlRepository.data.r0));
  mutate(copy);
  return copy;
}

function derive(
  repository: RepositoryNode,
  errors: GraphqlErrorEntry[] = [],
): FactSink {
  return deriveRepositoryFacts({
    ref,
    node: repository,
    errors,
    now,
    staleAlertDays: 30,
  });
}

const value = (sink: FactSink, id: string) => {
  const entry = sink.get(id);
  return entry && 'value' in entry ? entry.value : undefined;
};
const reason = (sink: FactSink, id: string) => {
  const entry = sink.get(id);
  return entry && 'unknownReason' in entry ? entry.unknownReason : undefined;
};

describe('deriveRepositoryFacts', () => {
  it('derives hygiene, Dependabot and review facts from one GraphQL node', () => {
    const sink = derive(node());
    expect(value(sink, F.repoArchived)).toBe(false);
    expect(value(sink, F.repoVisibility)).toBe('private');
    expect(value(sink, F.repoLicense)).toBe('Apache-2.0');
    expect(value(sink, F.repoDaysSinceLastCommit)).toBe(1);
    expect(value(sink, F.codeownersPresent)).toBe(true);
    expect(value(sink, F.codeownersErrors)).toBe(0);
    expect(value(sink, F.securityPolicyEnabled)).toBe(true);
    expect(value(sink, F.commitsSignedRatio)).toBe(0.75);
    expect(value(sink, F.dependencyUpdatesConfigured)).toBe(true);
    expect(value(sink, F.dependabotAlertsEnabled)).toBe(true);
    expect(value(sink, F.dependabotOpenCriticalHigh)).toBe(2);
    expect(value(sink, F.dependabotOverdueCriticalHigh)).toBe(1);
    expect(value(sink, F.mergedPullRequests)).toBe(3);
    expect(value(sink, F.reviewedRatio)).toBe(0.667);
    expect(sink.get(F.repoDaysSinceLastCommit)?.evidence).toEqual({
      source: 'GraphQL repository',
      url: 'https://github.com/acme/payments/commits',
    });
  });

  it('makes a fact unknown, never false, when its field has an error', () => {
    const sink = derive(
      node(n => {
        n.licenseInfo = null;
        n.pullRequests = null;
      }),
      [
        {
          type: 'FORBIDDEN',
          message: 'Resource not accessible by integration',
          path: ['r0', 'licenseInfo'],
        },
        { type: 'FORBIDDEN', message: 'nope', path: ['r0', 'pullRequests'] },
      ],
    );
    expect(reason(sink, F.repoLicense)).toBe('insufficient_permission');
    expect(reason(sink, F.mergedPullRequests)).toBe('insufficient_permission');
    expect(reason(sink, F.reviewedRatio)).toBe('insufficient_permission');
    expect(value(sink, F.repoArchived)).toBe(false);
  });

  it('treats disabled Dependabot alerts as off and their counts as unknown', () => {
    const sink = derive(
      node(n => {
        n.hasVulnerabilityAlertsEnabled = false;
      }),
    );
    expect(value(sink, F.dependabotAlertsEnabled)).toBe(false);
    expect(reason(sink, F.dependabotOpenCriticalHigh)).toBe(
      'feature_unavailable',
    );
  });

  it('says hidden Dependabot alerts are a permission question', () => {
    const sink = derive(
      node(n => {
        n.vulnerabilityAlerts = null;
      }),
    );
    expect(reason(sink, F.dependabotOverdueCriticalHigh)).toBe(
      'insufficient_permission',
    );
  });

  it('reports an empty repository without a default branch', () => {
    const sink = derive(
      node(n => {
        n.isEmpty = true;
        n.defaultBranchRef = null;
      }),
    );
    expect(reason(sink, F.repoDaysSinceLastCommit)).toBe('feature_unavailable');
    expect(reason(sink, F.commitsSignedRatio)).toBe('feature_unavailable');
    expect(value(sink, F.codeownersPresent)).toBe(false);
    expect(value(sink, F.dependencyUpdatesConfigured)).toBe(false);
  });

  it('leaves bots out of the review ratio', () => {
    const sink = derive(
      node(n => {
        n.pullRequests.nodes = [
          { author: { __typename: 'Bot', login: 'renovate' }, reviews: null },
          { author: { login: 'dependabot[bot]' }, reviews: null },
        ];
      }),
    );
    expect(value(sink, F.mergedPullRequests)).toBe(0);
    expect(value(sink, F.reviewedRatio)).toBeNull();
  });
});

describe('people in change-management evidence', () => {
  it('names pull request authors and reviewers where the engine looks for people', () => {
    // The seam: the shared loginsInValue reads what this module writes.
    const offenders = value(derive(node()), F.changesOffenders) as JsonValue;
    expect(loginsInValue(offenders)).toEqual(['bob', 'carol']);
  });
});

describe('isCriticalOrHigh', () => {
  it('reads GraphQL and REST severities', () => {
    expect(isCriticalOrHigh('CRITICAL')).toBe(true);
    expect(isCriticalOrHigh('high')).toBe(true);
    expect(isCriticalOrHigh('MODERATE')).toBe(false);
    expect(isCriticalOrHigh(null)).toBe(false);
  });
});
