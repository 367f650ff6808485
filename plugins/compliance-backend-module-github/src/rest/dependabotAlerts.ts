import { GITHUB_FACTS as F } from '../githubFactIds';
import { classifyRequestError } from '../lib/classify';
import { isRecord } from '../lib/json';
import { PER_PAGE } from '../lib/pagination';
import { isCriticalOrHigh } from '../lib/repositoryFacts';
import { AlertItem, countPages, truncatedMessage } from './alertPages';
import {
  RestRepositoryContext,
  unknownFromAnswer,
} from './restRepositoryContext';

const ROUTE = 'GET /repos/{owner}/{repo}/dependabot/alerts';
const DAY_MS = 86_400_000;
const FACT_IDS = [
  F.dependabotOpenCriticalHigh,
  F.dependabotOverdueCriticalHigh,
];

/** The severity of a REST Dependabot alert (vulnerability, else advisory). */
function severityOf(alert: AlertItem): string | undefined {
  for (const part of [alert.security_vulnerability, alert.security_advisory]) {
    if (isRecord(part) && typeof part.severity === 'string') {
      return part.severity;
    }
  }
  return undefined;
}

/**
 * Open critical/high Dependabot alerts over REST, filtered by severity on
 * the server and read to the last page (within a bound). Used only when
 * the GraphQL list (which cannot filter by severity) has more open alerts
 * than it returned: a count of the first 100 alerts of any severity could
 * miss an old critical one and pass GH-SEC-03 falsely.
 */
export async function collectDependabotAlerts(
  ctx: RestRepositoryContext,
  options: { now: Date; staleAlertDays: number },
) {
  const { sink, target } = ctx;
  const cutoff = options.now.getTime() - options.staleAlertDays * DAY_MS;
  const evidence = {
    source: `${ROUTE}?state=open&severity=critical,high`,
    url: `${ctx.repoUrl}/security/dependabot`,
  };
  const severe = (items: AlertItem[]) =>
    items.filter(a => isCriticalOrHigh(severityOf(a)));
  let counted;
  try {
    counted = await countPages({
      route: ROUTE,
      fetchPage: ({ after }) =>
        ctx.octokit.request(ROUTE, {
          owner: target.owner,
          repo: target.repo,
          state: 'open',
          severity: 'critical,high',
          per_page: PER_PAGE,
          ...(after ? { after } : {}),
        }),
      count: items => severe(items).length,
      extra: items =>
        severe(items).filter(a => {
          const created =
            typeof a.created_at === 'string' ? Date.parse(a.created_at) : NaN;
          // An alert without a readable date is counted as overdue.
          return !(created >= cutoff);
        }).length,
    });
  } catch (error) {
    const answer = classifyRequestError(error);
    if (answer.kind === 'feature_disabled') {
      sink.unknownAll(FACT_IDS, 'feature_unavailable', answer.message);
    } else {
      unknownFromAnswer(
        sink,
        FACT_IDS,
        answer,
        'Dependabot alerts could not be counted',
      );
    }
    return;
  }
  if (counted.truncated) {
    const message = truncatedMessage(
      'critical/high Dependabot alerts',
      counted.count,
    );
    sink.unknownAll(FACT_IDS, 'feature_unavailable', message);
    return;
  }
  sink.set(F.dependabotOpenCriticalHigh, counted.count, evidence);
  sink.set(F.dependabotOverdueCriticalHigh, counted.extra, evidence);
}
