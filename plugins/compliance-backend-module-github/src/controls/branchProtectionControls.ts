import { ControlDefinition } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { APPLIES_TO, atLeast, DOCS, is } from './conditions';

/** Effective protection of the default branch: GH-BP-01 … GH-BP-09. */
export function branchProtectionControls(): ControlDefinition[] {
  const bp = (
    n: string,
    title: string,
    description: string,
    severity: ControlDefinition['severity'],
    rule: ControlDefinition['rule'],
    soc2: string[],
    iso: string[],
    text: string,
  ): ControlDefinition => ({
    id: `GH-BP-${n}`,
    title,
    description: `${description} Effective protection merges classic branch protection with active repository and organisation rulesets.`,
    category: 'branch-protection',
    severity,
    applicability: APPLIES_TO,
    rule,
    frameworks: { soc2, iso27001: iso, openssf: ['Branch-Protection'] },
    remediation: {
      text,
      url: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets`,
    },
  });

  return [
    bp(
      '01',
      'Default branch protected',
      'The default branch has classic protection or at least one active ruleset rule.',
      'critical',
      { pass: is(F.protected, true) },
      ['CC8.1', 'CC6.1'],
      ['A.8.4', 'A.8.32'],
      'Add a branch ruleset (or classic protection) targeting the default branch.',
    ),
    bp(
      '02',
      'Force pushes blocked',
      'Force pushes to the default branch are blocked.',
      'high',
      { pass: is(F.forcePushesBlocked, true) },
      ['CC8.1'],
      ['A.8.4', 'A.8.32'],
      'Enable "Block force pushes" in the ruleset, or disable "Allow force pushes" in branch protection.',
    ),
    bp(
      '03',
      'Branch deletion blocked',
      'The default branch cannot be deleted.',
      'high',
      { pass: is(F.deletionsBlocked, true) },
      ['CC8.1', 'A1.2'],
      ['A.8.4', 'A.8.32'],
      'Enable "Restrict deletions" in the ruleset, or disable "Allow deletions" in branch protection.',
    ),
    bp(
      '04',
      'Pull request with at least one approval required',
      'Changes reach the default branch through a pull request approved by at least one reviewer.',
      'critical',
      { pass: atLeast(F.requiredApprovals, 1) },
      ['CC8.1', 'CC6.3'],
      ['A.8.32', 'A.8.25', 'A.5.3'],
      'Require a pull request before merging with at least one approval.',
    ),
    bp(
      '05',
      'Two-person review',
      'At least two approvals are required (warn with one).',
      'medium',
      {
        pass: atLeast(F.requiredApprovals, 2),
        warn: atLeast(F.requiredApprovals, 1),
      },
      ['CC8.1'],
      ['A.5.3'],
      'Set the required approvals to 2.',
    ),
    bp(
      '06',
      'Code-owner review required',
      'Code owners must approve changes to what they own (warn when required but no CODEOWNERS file exists).',
      'medium',
      {
        pass: {
          all: [
            is(F.codeOwnerReviewRequired, true),
            is(F.codeownersPresent, true),
          ],
        },
        warn: is(F.codeOwnerReviewRequired, true),
      },
      ['CC8.1'],
      ['A.8.4', 'A.5.3'],
      'Enable "Require review from Code Owners" and add a CODEOWNERS file.',
    ),
    bp(
      '07',
      'Stale approvals dismissed',
      'New commits dismiss earlier approvals, or the last push must be approved by someone else.',
      'medium',
      { pass: is(F.staleReviewsDismissed, true) },
      ['CC8.1'],
      ['A.8.32'],
      'Enable "Dismiss stale pull request approvals when new commits are pushed" or "Require approval of the most recent reviewable push".',
    ),
    bp(
      '08',
      'Required status checks configured',
      'At least one status check must pass before merging, with branches up to date (warn when not strict).',
      'high',
      {
        pass: {
          all: [
            atLeast(F.requiredStatusChecks, 1),
            is(F.strictStatusChecks, true),
          ],
        },
        warn: atLeast(F.requiredStatusChecks, 1),
      },
      ['CC8.1'],
      ['A.8.29', 'A.8.32'],
      'Require status checks to pass (and branches to be up to date) before merging.',
    ),
    bp(
      '09',
      'Rules apply to administrators',
      'Administrators cannot bypass the protection: classic "Do not allow bypassing" and rulesets without bypass actors.',
      'medium',
      { pass: is(F.adminsEnforced, true) },
      ['CC6.1', 'CC6.3'],
      ['A.8.2', 'A.5.3'],
      'Enable "Do not allow bypassing the above settings" and remove bypass actors from rulesets.',
    ),
  ];
}
