import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  alertList,
  codeAlert,
  codeLevel,
  dependabotAlert,
  dependabotLevel,
  lowsThenCritical,
  secretAlert,
  truncatedGraphql,
} from './__testUtils__/alertLists';
import {
  byId,
  collector,
  context,
  githubHandlers,
  payments,
  rate,
  REPO,
} from './__testUtils__/replayedGithub';
import { GITHUB_FACTS as F } from './githubFactIds';

// Alert counts must come from every open alert, not the first page: a
// repository with many low alerts and an old critical one further down the
// list must never pass "no open critical alerts".

const server = setupServer();
registerMswTestHooks(server);

async function collect() {
  return byId(await collector().collect([payments], context().ctx));
}

describe('alert counts', () => {
  it('counts an old critical Dependabot alert behind 150 low ones (GraphQL truncated, REST filtered by severity)', async () => {
    const calls: string[] = [];
    server.use(
      alertList(
        `${REPO}/dependabot/alerts`,
        lowsThenCritical(dependabotAlert),
        { cursor: 'after', severityOf: dependabotLevel, calls },
      ),
      ...githubHandlers([], truncatedGraphql),
    );
    const facts = await collect();
    expect(facts.get(F.dependabotOpenCriticalHigh)?.value).toBe(1);
    expect(facts.get(F.dependabotOverdueCriticalHigh)?.value).toBe(1);
    expect(calls).toEqual(['state=open&severity=critical%2Chigh&per_page=100']);
  });

  it('still counts it when the server ignores the severity filter and pages with cursors', async () => {
    const calls: string[] = [];
    server.use(
      alertList(
        `${REPO}/dependabot/alerts`,
        lowsThenCritical(dependabotAlert),
        {
          cursor: 'after',
          severityOf: dependabotLevel,
          ignoreSeverity: true,
          calls,
        },
      ),
      ...githubHandlers([], truncatedGraphql),
    );
    const facts = await collect();
    expect(facts.get(F.dependabotOpenCriticalHigh)?.value).toBe(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toContain('after=100');
  });

  it('reports Dependabot counts unknown, never 0, when the REST count fails', async () => {
    server.use(
      http.get(`${REPO}/dependabot/alerts`, () =>
        HttpResponse.json({ message: 'Server Error' }, { status: 502 }),
      ),
      ...githubHandlers([], truncatedGraphql),
    );
    const facts = await collect();
    expect(facts.get(F.dependabotOpenCriticalHigh)).toMatchObject({
      unknownReason: 'error',
    });
    expect(facts.get(F.dependabotOpenCriticalHigh)?.value).toBeUndefined();
    expect(facts.get(F.dependabotOverdueCriticalHigh)?.value).toBeUndefined();
  });

  it('counts the GraphQL list itself when it is complete (no REST request)', async () => {
    const calls: string[] = [];
    server.use(
      alertList(`${REPO}/dependabot/alerts`, [], { calls }),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.dependabotOpenCriticalHigh)?.value).toBe(2);
    expect(calls).toEqual([]);
  });

  it('counts a critical code scanning alert on page 2 by asking for critical and high alerts', async () => {
    const calls: string[] = [];
    server.use(
      alertList(`${REPO}/code-scanning/alerts`, lowsThenCritical(codeAlert), {
        severityOf: codeLevel,
        calls,
      }),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.codeScanningEnabled)?.value).toBe(true);
    expect(facts.get(F.codeScanningOpenCriticalHigh)?.value).toBe(1);
    expect(calls).toEqual([
      'state=open&per_page=100',
      'state=open&per_page=100&severity=critical',
      'state=open&per_page=100&severity=high',
    ]);
  });

  it('still counts it when the severity filter is ignored, following the pages', async () => {
    server.use(
      alertList(`${REPO}/code-scanning/alerts`, lowsThenCritical(codeAlert), {
        severityOf: codeLevel,
        ignoreSeverity: true,
      }),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.codeScanningOpenCriticalHigh)?.value).toBe(1);
  });

  it('does not trust a full first page without a Link header', async () => {
    server.use(
      alertList(`${REPO}/code-scanning/alerts`, lowsThenCritical(codeAlert), {
        severityOf: codeLevel,
        link: false,
      }),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.codeScanningOpenCriticalHigh)?.value).toBe(1);
  });

  it('counts every open secret scanning alert over all pages', async () => {
    server.use(
      alertList(
        `${REPO}/secret-scanning/alerts`,
        Array.from({ length: 151 }, (_, i) => secretAlert(i + 1)),
      ),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.secretScanningOpenAlerts)?.value).toBe(151);
  });

  it('reports a list longer than the page bound as unknown (truncated), not as a count', async () => {
    const calls: string[] = [];
    server.use(
      alertList(
        `${REPO}/code-scanning/alerts`,
        Array.from({ length: 1_050 }, (_, i) => codeAlert(i + 1, 'critical')),
        { severityOf: codeLevel, calls },
      ),
      ...githubHandlers([]),
    );
    const facts = await collect();
    const open = facts.get(F.codeScanningOpenCriticalHigh);
    expect(open).toMatchObject({ unknownReason: 'feature_unavailable' });
    expect(open?.message).toMatch(/truncated \(at least 1000\)/);
    // first page, 10 pages of critical, 1 page of high
    expect(calls).toHaveLength(12);
  });

  it('reports the count unknown when a later page fails, keeping "enabled"', async () => {
    server.use(
      http.get(`${REPO}/code-scanning/alerts`, ({ request }) => {
        if (new URL(request.url).searchParams.get('severity')) {
          return HttpResponse.json({ message: 'boom' }, { status: 500 });
        }
        return HttpResponse.json(lowsThenCritical(codeAlert).slice(0, 100), {
          headers: {
            ...rate(),
            link: `<${REPO}/code-scanning/alerts?page=2>; rel="next"`,
          },
        });
      }),
      ...githubHandlers([]),
    );
    const facts = await collect();
    expect(facts.get(F.codeScanningEnabled)?.value).toBe(true);
    expect(facts.get(F.codeScanningOpenCriticalHigh)).toMatchObject({
      unknownReason: 'error',
    });
  });

  it('keeps GraphQL-only requests for repositories with few alerts', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    await collect();
    expect(calls.filter(c => c.includes('alerts'))).toEqual([
      'GET /repos/acme/payments/secret-scanning/alerts',
      'GET /repos/acme/payments/code-scanning/alerts',
    ]);
    expect(calls.some(c => c.includes('dependabot'))).toBe(false);
  });
});
