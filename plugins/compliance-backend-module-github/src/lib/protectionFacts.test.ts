import graphqlRepository from '../__fixtures__/graphql-repository.json';
import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import {
  branchRules,
  deriveProtectionFacts,
  PROTECTION_FACT_IDS,
  visibleProtection,
} from './protectionFacts';

const node: RepositoryNode = JSON.parse(
  JSON.stringify(graphqlRepository.data.r0),
);
const forbidden = (...path: string[]) => ({
  type: 'FORBIDDEN',
  message: 'Resource not accessible by integration',
  path: ['r0', ...path],
});

describe('protection from GraphQL', () => {
  it('reads the non-admin view and the ruleset rules', () => {
    expect(visibleProtection(node, [])).toMatchObject({
      requiredApprovingReviewCount: 2,
    });
    expect(branchRules(node, [])).toEqual({
      state: 'known',
      rules: [
        {
          type: 'PULL_REQUEST',
          rulesetId: 42,
          bypassActors: 0,
          parameters: {
            requiredApprovingReviewCount: 1,
            requireCodeOwnerReview: false,
            dismissStaleReviewsOnPush: true,
            requireLastPushApproval: false,
          },
        },
        {
          type: 'DELETION',
          rulesetId: 42,
          bypassActors: 0,
          parameters: null,
        },
      ],
    });
  });

  it('tells a field it could not read from one that shows no rule', () => {
    expect(
      visibleProtection(node, [forbidden('defaultBranchRef', 'refUpdateRule')]),
    ).toBeUndefined();
    expect(
      visibleProtection({ ...node, defaultBranchRef: { name: 'main' } }, []),
    ).toBeNull();
    expect(
      branchRules(node, [forbidden('defaultBranchRef', 'rules')]),
    ).toMatchObject({ state: 'unknown', reason: 'insufficient_permission' });
  });
});

describe('deriveProtectionFacts', () => {
  const repoUrl = 'https://github.com/acme/payments';

  it('writes every setting with its sources and the whole picture', () => {
    const sink = deriveProtectionFacts({
      branch: 'main',
      classic: { state: 'none' },
      rules: branchRules(node, []),
      repoUrl,
    });
    expect(PROTECTION_FACT_IDS.every(id => sink.has(id))).toBe(true);
    expect(sink.get(F.requiredApprovals)).toEqual({
      value: 1,
      evidence: { source: 'ruleset:42', url: `${repoUrl}/settings/branches` },
    });
    expect(sink.get(F.protection)).toMatchObject({
      value: { branch: 'main', classic: 'none' },
    });
  });

  it('keeps the last picture through a transient error', () => {
    const sink = deriveProtectionFacts({
      branch: 'main',
      classic: {
        state: 'unknown',
        reason: 'error',
        message: 'GitHub answered 502',
      },
      rules: { state: 'known', rules: [] },
      repoUrl,
    });
    expect(sink.get(F.protection)).toMatchObject({ unknownReason: 'error' });
  });
});
