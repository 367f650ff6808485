import { RestEndpointMethodTypes } from '@octokit/rest';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { classifyRequestError } from '../lib/classify';
import { isRecord } from '../lib/json';
import { hasMorePages, MAX_ALERT_PAGES, PER_PAGE } from '../lib/pagination';
import { isCriticalOrHigh } from '../lib/repositoryFacts';
import {
  AlertItem,
  alertItems,
  countPages,
  FirstAlertsPage,
  PagedCount,
  readFirstAlertsPage,
  truncatedMessage,
} from './alertPages';
import {
  RestRepositoryContext,
  unknownFromAnswer,
} from './restRepositoryContext';
import { RestStep } from './restStep';

const SECRET_ROUTE = 'GET /repos/{owner}/{repo}/secret-scanning/alerts';
const CODE_ROUTE = 'GET /repos/{owner}/{repo}/code-scanning/alerts';
/** The security severities GH-SEC-08 counts, asked for one at a time. */
const SEVERE_LEVELS = ['critical', 'high'] as const;

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
  per_page: PER_PAGE,
});

/** The security severity of a code scanning alert, lower case. */
function securityLevelOf(alert: AlertItem): string | undefined {
  const level = isRecord(alert.rule)
    ? alert.rule.security_severity_level
    : undefined;
  return typeof level === 'string' ? level.toLowerCase() : undefined;
}

/** Whether a code scanning alert has a critical or high security severity. */
function isSevereCodeAlert(alert: AlertItem) {
  return isCriticalOrHigh(securityLevelOf(alert));
}

/**
 * Step 4: the first page of open secret scanning alerts (also proves secret
 * scanning is on). Every open alert counts: secret alerts have no severity.
 */
export const secretScanningStep: RestStep<
  OpenAlertsParams,
  SecretAlertsData,
  FirstAlertsPage
> = {
  route: SECRET_ROUTE,
  params: openAlerts,
  send: (octokit, params) => octokit.request(SECRET_ROUTE, params),
  derive: (data, headers) => {
    const items = alertItems(data, SECRET_ROUTE);
    return {
      count: items.length,
      more: hasMorePages(headers.link, items.length),
    };
  },
  read: readFirstAlertsPage,
};

/**
 * Step 5: the first page of open code scanning alerts (also proves code
 * scanning is set up), with its critical/high alerts counted.
 */
export const codeScanningStep: RestStep<
  OpenAlertsParams,
  CodeAlertsData,
  FirstAlertsPage
> = {
  route: CODE_ROUTE,
  params: openAlerts,
  send: (octokit, params) => octokit.request(CODE_ROUTE, params),
  derive: (data, headers) => {
    const items = alertItems(data, CODE_ROUTE);
    return {
      count: items.filter(isSevereCodeAlert).length,
      more: hasMorePages(headers.link, items.length),
    };
  },
  read: readFirstAlertsPage,
};

/** One kind of alert: its requests, its facts and where they point. */
interface AlertKind<D> {
  step: RestStep<OpenAlertsParams, D, FirstAlertsPage>;
  enabled: string;
  open: string;
  path: string;
  what: string;
  /**
   * The count when the first page is followed by more: the rest of the
   * list, filtered on the server where the API allows it.
   */
  remainder(
    ctx: RestRepositoryContext,
    first: FirstAlertsPage,
  ): Promise<PagedCount & { source: string }>;
}

const SECRET_ALERTS: AlertKind<SecretAlertsData> = {
  step: secretScanningStep,
  enabled: F.secretScanningEnabled,
  open: F.secretScanningOpenAlerts,
  path: '/security/secret-scanning',
  what: 'secret scanning alerts',
  async remainder(ctx, first) {
    const { owner, repo } = ctx.target;
    const rest = await countPages({
      route: SECRET_ROUTE,
      fetchPage: cursor =>
        ctx.octokit.request(SECRET_ROUTE, {
          ...openAlerts({ owner, repo }),
          ...cursor,
        }),
      count: items => items.length,
      start: { page: 2 },
      maxPages: MAX_ALERT_PAGES - 1,
    });
    return {
      ...rest,
      count: first.count + rest.count,
      source: `${SECRET_ROUTE}?state=open (all pages)`,
    };
  },
};

const CODE_ALERTS: AlertKind<CodeAlertsData> = {
  step: codeScanningStep,
  enabled: F.codeScanningEnabled,
  open: F.codeScanningOpenCriticalHigh,
  path: '/security/code-scanning',
  what: 'critical/high code scanning alerts',
  async remainder(ctx) {
    const { owner, repo } = ctx.target;
    const total: PagedCount = {
      count: 0,
      extra: 0,
      truncated: false,
      pages: 0,
    };
    for (const severity of SEVERE_LEVELS) {
      const part = await countPages({
        route: CODE_ROUTE,
        fetchPage: cursor =>
          ctx.octokit.request(CODE_ROUTE, {
            ...openAlerts({ owner, repo }),
            // Filtered on the server, and again here: an alert is counted
            // in the pass of its own level even if the filter is ignored.
            severity,
            ...cursor,
          }),
        count: items =>
          items.filter(a => securityLevelOf(a) === severity).length,
      });
      total.count += part.count;
      total.pages += part.pages;
      total.truncated ||= part.truncated;
    }
    return {
      ...total,
      source: `${CODE_ROUTE}?state=open&severity=critical|high`,
    };
  },
};

/**
 * "Enabled" and "open alerts" facts from one alerts list: a `200` proves the
 * feature on, "disabled" proves it off, anything else proves nothing. The
 * count is exact (every page read) or unknown, never the first page's.
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
  if (!result.ok) {
    if (result.answer.kind === 'feature_disabled') {
      sink.set(enabled, false, evidence);
      sink.unknown(open, 'feature_unavailable', result.answer.message);
    } else {
      unknownFromAnswer(sink, [enabled, open], result.answer);
    }
    return;
  }
  sink.set(enabled, true, evidence);
  if (!result.value.more) {
    sink.set(open, result.value.count, evidence);
    return;
  }
  let counted: PagedCount & { source: string };
  try {
    counted = await kind.remainder(ctx, result.value);
  } catch (error) {
    unknownFromAnswer(
      sink,
      [open],
      classifyRequestError(error),
      `The ${kind.what} could not be counted`,
    );
    return;
  }
  if (counted.truncated) {
    // Not transient: the last good count must not stand in for it.
    sink.unknown(
      open,
      'feature_unavailable',
      truncatedMessage(kind.what, counted.count),
      evidence,
    );
  } else {
    sink.set(open, counted.count, { ...evidence, source: counted.source });
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
