import { RestEndpointMethodTypes } from '@octokit/rest';
import { JsonValue } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { isNumber } from '../lib/json';
import { isCriticalOrHigh } from '../lib/repositoryFacts';
import { ConditionalResult } from './etagCache';
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

/** "Enabled" and "open alerts" facts from one alerts list answer. */
function alertFacts(
  ctx: RestRepositoryContext,
  result: ConditionalResult<number>,
  ids: { enabled: string; open: string },
  evidence: { source: string; url: string },
) {
  const { sink } = ctx;
  if (result.ok) {
    sink.set(ids.enabled, true, evidence);
    sink.set(ids.open, result.value, evidence);
  } else if (result.answer.kind === 'feature_disabled') {
    sink.set(ids.enabled, false, evidence);
    sink.unknown(ids.open, 'feature_unavailable', result.answer.message);
  } else {
    unknownFromAnswer(sink, [ids.enabled, ids.open], result.answer);
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
  const result = await ctx.cache.request(
    ctx.octokit,
    secretScanningStep,
    ctx.target,
  );
  alertFacts(
    ctx,
    result,
    { enabled: F.secretScanningEnabled, open: F.secretScanningOpenAlerts },
    {
      source: `${SECRET_ROUTE}?state=open`,
      url: `${ctx.repoUrl}/security/secret-scanning`,
    },
  );
}

/** Open critical/high code scanning alerts. */
export async function collectCodeScanningAlerts(ctx: RestRepositoryContext) {
  const result = await ctx.cache.request(
    ctx.octokit,
    codeScanningStep,
    ctx.target,
  );
  alertFacts(
    ctx,
    result,
    { enabled: F.codeScanningEnabled, open: F.codeScanningOpenCriticalHigh },
    {
      source: `${CODE_ROUTE}?state=open`,
      url: `${ctx.repoUrl}/security/code-scanning`,
    },
  );
}
