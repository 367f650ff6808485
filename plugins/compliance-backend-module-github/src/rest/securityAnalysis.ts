import { RestEndpointMethodTypes } from '@octokit/rest';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { sha256Of } from '../lib/factSink';
import { MalformedAnswerError } from '../lib/classify';
import { isJsonObject, isRecord, stringOrNull } from '../lib/json';
import {
  RestRepositoryContext,
  unknownFromAnswer,
} from './restRepositoryContext';
import { RestStep } from './restStep';

const ROUTE = 'GET /repos/{owner}/{repo}';

type RepositoryData =
  RestEndpointMethodTypes['repos']['get']['response']['data'];

/** The `security_and_analysis` statuses; `null` when GitHub hides them. */
export type SecurityAnalysis = {
  secretScanning: string | null;
  pushProtection: string | null;
} | null;

/** Step 1: `security_and_analysis` (shown to admins and security managers). */
export const securityAnalysisStep: RestStep<
  { owner: string; repo: string },
  RepositoryData,
  SecurityAnalysis
> = {
  route: ROUTE,
  params: ({ owner, repo }) => ({ owner, repo }),
  send: (octokit, params) => octokit.request(ROUTE, params),
  derive: data => {
    if (!isRecord(data)) {
      throw new MalformedAnswerError(ROUTE);
    }
    const sa = data.security_and_analysis;
    return sa
      ? {
          secretScanning: sa.secret_scanning?.status ?? null,
          pushProtection: sa.secret_scanning_push_protection?.status ?? null,
        }
      : null;
  },
  read: value => {
    if (value === null) return null;
    if (!isJsonObject(value)) return undefined;
    const secretScanning = stringOrNull(value.secretScanning);
    const pushProtection = stringOrNull(value.pushProtection);
    return secretScanning === undefined || pushProtection === undefined
      ? undefined
      : { secretScanning, pushProtection };
  },
};

/**
 * Secret scanning and push protection from `security_and_analysis`.
 * Returns whether secret scanning is enabled, when the answer says so.
 */
export async function collectSecurityAnalysis(
  ctx: RestRepositoryContext,
): Promise<boolean | undefined> {
  const { sink } = ctx;
  const result = await ctx.cache.request(
    ctx.octokit,
    securityAnalysisStep,
    ctx.target,
  );
  if (!result.ok) {
    unknownFromAnswer(sink, [F.pushProtectionEnabled], result.answer);
    return undefined;
  }
  const sa = result.value;
  const evidence = {
    source: ROUTE,
    url: `${ctx.repoUrl}/settings/security_analysis`,
  };
  const hashed = { ...evidence, sha256: sha256Of(sa) };
  let secretScanning: boolean | undefined;
  if (sa?.secretScanning) {
    secretScanning = sa.secretScanning === 'enabled';
    sink.set(F.secretScanningEnabled, secretScanning, hashed);
  }
  if (sa?.pushProtection) {
    sink.set(F.pushProtectionEnabled, sa.pushProtection === 'enabled', hashed);
  } else {
    sink.unknown(
      F.pushProtectionEnabled,
      'insufficient_permission',
      'security_and_analysis is only returned to repository administrators and security managers',
      evidence,
    );
  }
  return secretScanning;
}
