import { ControlDefinition } from 'backstage-plugin-compliance-common';
import { GithubComplianceThresholds } from '../config';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { APPLIES_TO, DOCS, is } from './conditions';

/** Security tooling: GH-SEC-01 … GH-SEC-09. */
export function securityControls(
  thresholds: GithubComplianceThresholds,
): ControlDefinition[] {
  const sec = (
    n: string,
    c: Omit<ControlDefinition, 'id' | 'category' | 'applicability'>,
  ): ControlDefinition => ({
    id: `GH-SEC-${n}`,
    category: 'security',
    applicability: APPLIES_TO,
    ...c,
  });

  return [
    sec('01', {
      title: 'Dependency update tool configured',
      description:
        'Dependabot version updates or Renovate keep dependencies current.',
      severity: 'high',
      rule: { pass: is(F.dependencyUpdatesConfigured, true) },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Dependency-Update-Tool'],
      },
      remediation: {
        text: 'Add `.github/dependabot.yml` (or a Renovate config such as `renovate.json`).',
        url: `${DOCS}/code-security/dependabot/dependabot-version-updates/configuring-dependabot-version-updates`,
      },
    }),
    sec('02', {
      title: 'Dependabot alerts enabled',
      description: 'GitHub alerts on known vulnerable dependencies.',
      severity: 'high',
      rule: { pass: is(F.dependabotAlertsEnabled, true) },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Vulnerabilities'],
      },
      remediation: {
        text: 'Enable Dependabot alerts in the repository’s security settings.',
        url: `${DOCS}/code-security/dependabot/dependabot-alerts/configuring-dependabot-alerts`,
      },
    }),
    sec('03', {
      title: 'No overdue critical or high dependency alerts',
      description: `No open critical/high Dependabot alert is older than ${thresholds.staleAlertDays} days (warn while alerts are open but within that time).`,
      severity: 'high',
      rule: {
        notApplicable: is(F.dependabotAlertsEnabled, false),
        pass: is(F.dependabotOpenCriticalHigh, 0),
        warn: is(F.dependabotOverdueCriticalHigh, 0),
      },
      frameworks: {
        soc2: ['CC7.1', 'CC7.4'],
        iso27001: ['A.8.8'],
        openssf: ['Vulnerabilities'],
      },
      remediation: {
        text: 'Update or patch the vulnerable dependencies, or dismiss alerts that do not apply with a reason.',
        url: `${DOCS}/code-security/dependabot/dependabot-alerts/viewing-and-updating-dependabot-alerts`,
      },
    }),
    sec('04', {
      title: 'Secret scanning enabled',
      description: 'GitHub scans the repository for leaked credentials.',
      severity: 'high',
      rule: { pass: is(F.secretScanningEnabled, true) },
      frameworks: { soc2: ['CC6.1', 'CC6.8'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Enable secret scanning in the repository’s "Code security" settings.',
        url: `${DOCS}/code-security/secret-scanning/enabling-secret-scanning-features/enabling-secret-scanning-for-your-repository`,
      },
    }),
    sec('05', {
      title: 'Push protection enabled',
      description: 'Pushes containing detected secrets are blocked.',
      severity: 'medium',
      rule: { pass: is(F.pushProtectionEnabled, true) },
      frameworks: { soc2: ['CC6.1', 'CC6.8'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Enable push protection for secret scanning.',
        url: `${DOCS}/code-security/secret-scanning/enabling-secret-scanning-features/enabling-push-protection-for-your-repository`,
      },
    }),
    sec('06', {
      title: 'No open secret scanning alerts',
      description:
        'Every leaked secret GitHub found has been revoked and its alert closed.',
      severity: 'critical',
      rule: {
        notApplicable: is(F.secretScanningEnabled, false),
        pass: is(F.secretScanningOpenAlerts, 0),
      },
      frameworks: { soc2: ['CC7.1', 'CC7.3'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Revoke and rotate each exposed secret, then close the alert.',
        url: `${DOCS}/code-security/secret-scanning/managing-alerts-from-secret-scanning/about-alerts`,
      },
    }),
    sec('07', {
      title: 'Code scanning (SAST) enabled',
      description: 'Code scanning has analysed the repository.',
      severity: 'medium',
      rule: { pass: is(F.codeScanningEnabled, true) },
      frameworks: {
        soc2: ['CC7.1', 'CC8.1'],
        iso27001: ['A.8.25', 'A.8.28', 'A.8.29'],
        openssf: ['SAST'],
      },
      remediation: {
        text: 'Enable CodeQL default setup (or upload SARIF from another scanner).',
        url: `${DOCS}/code-security/code-scanning/enabling-code-scanning/configuring-default-setup-for-code-scanning`,
      },
    }),
    sec('08', {
      title: 'No open critical or high code scanning alerts',
      description:
        'Code scanning reports no open alert of critical or high security severity.',
      severity: 'high',
      rule: {
        notApplicable: is(F.codeScanningEnabled, false),
        pass: is(F.codeScanningOpenCriticalHigh, 0),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8', 'A.8.28'],
        openssf: ['SAST'],
      },
      remediation: {
        text: 'Fix or dismiss (with a reason) the critical and high code scanning alerts.',
        url: `${DOCS}/code-security/code-scanning/managing-code-scanning-alerts/about-code-scanning-alerts`,
      },
    }),
    sec('09', {
      title: 'Least-privilege workflow token',
      description:
        'The default GITHUB_TOKEN is read-only and Actions cannot approve pull requests (warn when only one holds).',
      severity: 'medium',
      rule: {
        pass: {
          all: [
            is(F.workflowTokenReadOnly, true),
            is(F.workflowCanApprovePullRequests, false),
          ],
        },
        warn: {
          any: [
            is(F.workflowTokenReadOnly, true),
            is(F.workflowCanApprovePullRequests, false),
          ],
        },
      },
      frameworks: {
        soc2: ['CC6.1', 'CC6.3'],
        iso27001: ['A.8.2', 'A.5.15'],
        openssf: ['Token-Permissions'],
      },
      remediation: {
        text: 'Under Settings → Actions → General, choose "Read repository contents and packages permissions" and untick "Allow GitHub Actions to create and approve pull requests".',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository`,
      },
    }),
  ];
}
