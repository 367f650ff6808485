import { http, HttpResponse } from 'msw';
import { graphqlWith, rate } from './replayedGithub';

/* Long alert lists as GitHub pages them, for the alert count tests. */

export type Alert = Record<string, unknown>;

export const codeAlert = (n: number, level: string): Alert => ({
  number: n,
  state: 'open',
  created_at: '2024-01-01T00:00:00Z',
  rule: {
    id: `rule-${n}`,
    severity: level === 'low' ? 'note' : 'error',
    security_severity_level: level,
  },
});
export const dependabotAlert = (n: number, severity: string): Alert => ({
  number: n,
  state: 'open',
  created_at: '2024-01-01T00:00:00Z',
  security_advisory: { severity },
  security_vulnerability: { severity },
});
export const secretAlert = (n: number): Alert => ({ number: n, state: 'open' });

/** 150 low alerts, then one critical: the critical one is on page 2. */
export function lowsThenCritical(make: (n: number, level: string) => Alert) {
  return [
    ...Array.from({ length: 150 }, (_, i) => make(i + 1, 'low')),
    make(151, 'critical'),
  ];
}

/**
 * A paginated alert list as GitHub serves it: `Link` headers with page
 * numbers or cursors, and (unless `ignoreSeverity`) the severity filter.
 */
export function alertList(
  url: string,
  alerts: Alert[],
  options: {
    cursor?: 'page' | 'after';
    severityOf?: (alert: Alert) => string;
    ignoreSeverity?: boolean;
    link?: boolean;
    calls?: string[];
  } = {},
) {
  return http.get(url, ({ request }) => {
    const query = new URL(request.url).searchParams;
    options.calls?.push(query.toString());
    const severity = query.get('severity');
    const wanted = severity?.split(',');
    const list =
      wanted && options.severityOf && !options.ignoreSeverity
        ? alerts.filter(a => wanted.includes(options.severityOf!(a)))
        : alerts;
    const perPage = Number(query.get('per_page') ?? 30);
    const start =
      options.cursor === 'after'
        ? Number(query.get('after') ?? 0)
        : (Number(query.get('page') ?? 1) - 1) * perPage;
    const page = list.slice(start, start + perPage);
    const headers: Record<string, string> = { ...rate() };
    if (start + perPage < list.length && options.link !== false) {
      const next = new URL(request.url);
      if (options.cursor === 'after') {
        next.searchParams.set('after', String(start + perPage));
      } else {
        next.searchParams.set('page', String(start / perPage + 2));
      }
      headers.link = `<${next}>; rel="next"`;
    }
    return HttpResponse.json(page, { headers });
  });
}

export const codeLevel = (a: Alert) =>
  String((a.rule as Record<string, unknown>).security_severity_level);
export const dependabotLevel = (a: Alert) =>
  String((a.security_advisory as Record<string, unknown>).severity);

/** GraphQL shows the first 100 of 151 open Dependabot alerts: all low. */
export const truncatedGraphql = graphqlWith(r => {
  r.vulnerabilityAlerts = {
    totalCount: 151,
    nodes: Array.from({ length: 100 }, () => ({
      createdAt: '2024-01-01T00:00:00Z',
      securityVulnerability: { severity: 'LOW' },
    })),
  };
});
