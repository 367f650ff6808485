import { RestEndpointMethodTypes } from '@octokit/rest';
import { JsonValue } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { isNumber } from '../lib/json';
import { isCriticalOrHigh } from '../lib/repositoryFacts';
import {
  RestRepositoryContext,
  unknownFromAnswer,
} from './restRepositoryContext';
import { RestStep } from './restStep';

const SECRET_ROUTE = 'GET /repos/{owner}/{repo}/secret-scanning/alerts';
const CODE_ROUTE = 'GET /repos/{owner}/{repo}/code-scanning/alerts';

type SecretAlertsData =
  RestEndpointMethodTypes['secretScanning']['listAlertsForRepo']['response']['data'];
type CodeAlertsData =
  RestEndpointMethodTypes['codeScanning']['listAlertsForRepo']['response']['data'];
type OpenAlertsParams = {
  owner: string;
  repo: string;
  state: 'open';
  per_page: number;
};

const openAlerts = ({ owner, repo }: { owner: string; repo: string }) => ({
  owner,
  repo,
  state: 'open' as const,
  per_page: 100,
});
const readCount = (value: JsonValue) => (isNumber(value) ? value : undefined);

/** Step 4: open secret scanning alerts (also proves secret scanning is on). */
export const secretScanningStep: RestStep<
  OpenAlertsParams,
  SecretAlertsData,
  number
> = {
  route: SECRET_ROUTE,
  params: openAlerts,
  send: (octokit, params) => octokit.request(SECRET_ROUTE, params),
  derive: data => (Array.isArray(data) ? data.length : 0),
  read: readCount,
};

/** Step 5: open critical/high code scanning alerts (also proves code scanning is set up). */
export const codeScanningStep: RestStep<
  OpenAlertsParams,
  CodeAlertsData,
  number
> = {
  route: CODE_ROUTE,
  params: openAlerts,
  send: (octokit, params) => octokit.request(CODE_ROUTE, params),
  derive: data =>
    Array.isArray(data)
      ? data.filter(a => isCriticalOrHigh(a.rule?.security_severity_level))
          .length
      : 0,
  read: readCount,
};

/** One kind of alert: its request, its facts and where they point. */
interface AlertKind<D> {
  step: RestStep<OpenAlertsParams, D, number>;
  enabled: string;
  open: string;
  path: string;
}

const SECRET_ALERTS: AlertKind<SecretAlertsData> = {
  step: secretScanningStep,
  enabled: F.secretScanningEnabled,
  open: F.secretScanningOpenAlerts,
  path: '/security/secret-scanning',
};

const CODE_ALERTS: AlertKind<CodeAlertsData> = {
  step: codeScanningStep,
  enabled: F.codeScanningEnabled,
  open: F.codeScanningOpenCriticalHigh,
  path: '/security/code-scanning',
};

/**
 * "Enabled" and "open alerts" facts from one alerts list: a `200` proves the
 * feature on, "disabled" proves it off, anything else proves nothing.
 */
async function collectAlerts<D>(
  ctx: RestRepositoryContext,
  kind: AlertKind<D>,
) {
  const { step, enabled, open, path } = kind;
  const { sink } = ctx;
  const result = await ctx.cache.request(ctx.octokit, step, ctx.target);
  const evidence = {
    source: `${step.route}?state=open`,
    url: `${ctx.repoUrl}${path}`,
  };
  if (result.ok) {
    sink.set(enabled, true, evidence);
    sink.set(open, result.value, evidence);
  } else if (result.answer.kind === 'feature_disabled') {
    sink.set(enabled, false, evidence);
    sink.unknown(open, 'feature_unavailable', result.answer.message);
  } else {
    unknownFromAnswer(sink, [enabled, open], result.answer);
  }
}

/**
 * Open secret scanning alerts; not asked when `security_and_analysis`
 * already showed secret scanning disabled.
 */
export async function collectSecretScanningAlerts(
  ctx: RestRepositoryContext,
  secretScanningEnabled: boolean | undefined,
) {
  if (secretScanningEnabled === false) {
    ctx.sink.unknown(
      F.secretScanningOpenAlerts,
      'feature_unavailable',
      'Secret scanning is disabled on this repository',
    );
    return;
  }
  await collectAlerts(ctx, SECRET_ALERTS);
}

/** Open critical/high code scanning alerts. */
export async function collectCodeScanningAlerts(ctx: RestRepositoryContext) {
  await collectAlerts(ctx, CODE_ALERTS);
}
