import { ControlDefinition } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { APPLIES_TO, atLeast, atMost, DOCS, is } from './conditions';

/** Repository hygiene: GH-SCM-01 … GH-SCM-07. */
export function repositoryControls(): ControlDefinition[] {
  return [
    {
      id: 'GH-SCM-01',
      title: 'Repository is active (not archived)',
      description:
        'An archived repository takes no changes or security fixes. Services that are not deprecated should live in an active repository.',
      category: 'repository',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is('entity.lifecycle', 'deprecated'),
        pass: is(F.repoArchived, false),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Maintained'],
      },
      remediation: {
        text: 'Unarchive the repository, or mark the component `lifecycle: deprecated` if it is retired.',
        url: `${DOCS}/repositories/archiving-a-github-repository/archiving-repositories`,
      },
      messages: {
        pass: 'The repository is active.',
        fail: 'The repository is archived.',
      },
    },
    {
      id: 'GH-SCM-02',
      title: 'Repository visibility matches policy',
      description:
        'Repositories are private or internal unless the component is tagged `public` or `open-source`.',
      category: 'repository',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        pass: {
          any: [
            {
              fact: F.repoVisibility,
              operator: 'in',
              value: ['private', 'internal'],
            },
            { fact: 'entity.tags', operator: 'contains', value: 'public' },
            { fact: 'entity.tags', operator: 'contains', value: 'open-source' },
          ],
        },
      },
      frameworks: {
        soc2: ['CC6.1', 'CC6.7'],
        iso27001: ['A.5.12', 'A.8.3', 'A.8.4'],
      },
      remediation: {
        text: 'Make the repository private or internal, or tag the component `public` if publishing its source is intended.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/managing-repository-settings/setting-repository-visibility`,
      },
    },
    {
      id: 'GH-SCM-03',
      title: 'Recently maintained',
      description:
        'Production components had a commit on the default branch in the last 90 days (warn up to 180 days).',
      category: 'repository',
      severity: 'low',
      applicability: { ...APPLIES_TO, lifecycles: ['production'] },
      rule: {
        pass: atMost(F.repoDaysSinceLastCommit, 90),
        warn: atMost(F.repoDaysSinceLastCommit, 180),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Maintained'],
      },
      remediation: {
        text: 'Keep dependencies and code current; a service nobody changes for months may have lost its maintainers.',
      },
    },
    {
      id: 'GH-SCM-04',
      title: 'License declared (public repositories)',
      description: 'Public repositories carry a license GitHub can detect.',
      category: 'repository',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: { not: is(F.repoVisibility, 'public') },
        pass: {
          all: [
            { fact: F.repoLicense, operator: 'exists' },
            { fact: F.repoLicense, operator: 'notEqual', value: 'NOASSERTION' },
          ],
        },
        warn: is(F.repoLicense, 'NOASSERTION'),
      },
      frameworks: { iso27001: ['A.5.32'], openssf: ['License'] },
      remediation: {
        text: 'Add a LICENSE file with a standard license text at the repository root.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/licensing-a-repository`,
      },
    },
    {
      id: 'GH-SCM-05',
      title: 'CODEOWNERS present and valid',
      description:
        'A CODEOWNERS file in `.github/`, the root or `docs/` names the owners of the code, without syntax errors.',
      category: 'repository',
      severity: 'medium',
      applicability: APPLIES_TO,
      rule: {
        pass: {
          all: [is(F.codeownersPresent, true), is(F.codeownersErrors, 0)],
        },
        warn: is(F.codeownersPresent, true),
      },
      frameworks: {
        soc2: ['CC6.1', 'CC8.1'],
        iso27001: ['A.5.2', 'A.5.3', 'A.8.4'],
        openssf: ['Branch-Protection', 'Code-Review'],
      },
      remediation: {
        text: 'Add `.github/CODEOWNERS` naming the owning team, and fix any errors GitHub reports for it.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners`,
      },
    },
    {
      id: 'GH-SCM-06',
      title: 'Security policy published',
      description:
        'A SECURITY.md tells reporters how to disclose vulnerabilities.',
      category: 'repository',
      severity: 'medium',
      applicability: APPLIES_TO,
      rule: { pass: is(F.securityPolicyEnabled, true) },
      frameworks: {
        soc2: ['CC2.3', 'CC7.3'],
        iso27001: ['A.5.5', 'A.5.24', 'A.6.8'],
        openssf: ['Security-Policy'],
      },
      remediation: {
        text: 'Add SECURITY.md to the repository or to the organisation’s `.github` repository.',
        url: `${DOCS}/code-security/getting-started/adding-a-security-policy-to-your-repository`,
      },
    },
    {
      id: 'GH-SCM-07',
      title: 'Signed commits',
      description:
        'The default branch requires signed commits (warn when at least 90% of the last 30 commits are signed without the requirement).',
      category: 'repository',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        pass: is(F.requiresSignatures, true),
        warn: atLeast(F.commitsSignedRatio, 0.9),
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.8.4', 'A.8.24', 'A.8.32'] },
      remediation: {
        text: 'Require signed commits in branch protection or a ruleset, and set up commit signing for contributors.',
        url: `${DOCS}/authentication/managing-commit-signature-verification/about-commit-signature-verification`,
      },
    },
  ];
}
