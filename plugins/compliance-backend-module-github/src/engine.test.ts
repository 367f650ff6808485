import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import branchProtection from './__fixtures__/branch-protection.json';
import codeScanningAlerts from './__fixtures__/code-scanning-alerts.json';
import graphqlRepository from './__fixtures__/graphql-repository.json';
import repository from './__fixtures__/repository.json';
import secretScanningAlerts from './__fixtures__/secret-scanning-alerts.json';
import workflowPermissions from './__fixtures__/workflow-permissions.json';
import workflowRunAttempt from './__fixtures__/workflow-run-attempt.json';
import workflowRuns from './__fixtures__/workflow-runs.json';
import githubModule from './index';
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
  localBackend,
  paymentsEntities,
  startWithGithub,
} from './__testUtils__/engineBackend';

// The GitHub module installed in the real compliance backend: GitHub answers
// (faked with msw) become facts, control results and scores over HTTP.

jest.setTimeout(60_000);

const API = 'https://api.github.com';
const REPO = `${API}/repos/acme/payments`;

const server = setupServer();
registerMswTestHooks(server);

const entities: Entity[] = [
  ...paymentsEntities,
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'no-repo', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  },
];

const rate = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4000' };

function github(options: { down?: boolean } = {}) {
  const ok = (body: unknown) => () =>
    options.down
      ? HttpResponse.json({ message: 'Server Error' }, { status: 502 })
      : HttpResponse.json(body as Record<string, unknown>, { headers: rate });
  return [
    localBackend,
    http.post(`${API}/graphql`, ok(graphqlRepository)),
    http.get(REPO, ok(repository)),
    http.get(`${REPO}/branches/main/protection`, ok(branchProtection)),
    http.get(`${REPO}/actions/permissions/workflow`, ok(workflowPermissions)),
    http.get(`${REPO}/secret-scanning/alerts`, ok(secretScanningAlerts)),
    http.get(`${REPO}/code-scanning/alerts`, ok(codeScanningAlerts)),
    http.get(`${REPO}/actions/runs`, ok(workflowRuns)),
    http.get(`${REPO}/actions/runs/:id/attempts/:n`, ok(workflowRunAttempt)),
  ];
}

async function start(token?: string) {
  const { backend, collect: cycle } = await startWithGithub({
    module: githubModule,
    entities,
    token,
  });
  const results = async (name: string) => {
    const res = await request(backend.server)
      .get(`/api/compliance/entities/component/default/${name}/results`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return new Map<string, any>(
      res.body.items.map((r: any) => [r.controlId, r]),
    );
  };
  return { backend, cycle, results };
}

describe('the GitHub module in the compliance backend', () => {
  it('turns GitHub answers into control results, and an outage never turns a result into a fail', async () => {
    server.use(...github());
    const { backend, cycle, results } = await start('ghp_notarealtoken');
    await cycle();

    const payments = await results('payments');
    const gh = [...payments.values()].filter(r =>
      r.controlId.startsWith('GH-'),
    );
    expect(gh.length).toBeGreaterThan(20);
    const known = gh.filter(r => r.status !== 'unknown');
    expect(known.filter(r => r.status === 'pass').length).toBeGreaterThan(5);
    expect(known.filter(r => r.status === 'fail').length).toBeGreaterThan(0);
    expect(known.length).toBeGreaterThan(15);
    expect(payments.get('GH-BP-01').evidence[0].factId).toMatch(/^github\./);

    const noRepo = await results('no-repo');
    for (const r of [...noRepo.values()].filter(x =>
      x.controlId.startsWith('GH-'),
    )) {
      expect(r).toMatchObject({ status: 'unknown', unknownReason: 'no_repo' });
    }

    // GitHub goes down: every result keeps its status.
    const before = new Map(gh.map(r => [r.controlId, r.status]));
    server.resetHandlers(...github({ down: true }));
    await cycle();
    const after = await results('payments');
    for (const [id, status] of before) {
      expect([id, after.get(id).status]).toEqual([id, status]);
    }
    await backend.stop();
  });

  it('never passes "no open critical alerts" for a critical alert behind 150 low ones', async () => {
    server.use(
      http.post(`${API}/graphql`, () =>
        HttpResponse.json(truncatedGraphql, { headers: rate }),
      ),
      alertList(
        `${REPO}/dependabot/alerts`,
        lowsThenCritical(dependabotAlert),
        { cursor: 'after', severityOf: dependabotLevel },
      ),
      alertList(`${REPO}/code-scanning/alerts`, lowsThenCritical(codeAlert), {
        severityOf: codeLevel,
      }),
      alertList(
        `${REPO}/secret-scanning/alerts`,
        Array.from({ length: 151 }, (_, i) => secretAlert(i + 1)),
      ),
      ...github(),
    );
    const { backend, cycle, results } = await start('ghp_notarealtoken');
    await cycle();
    const payments = await results('payments');
    expect(
      Object.fromEntries(
        ['GH-SEC-03', 'GH-SEC-06', 'GH-SEC-08'].map(id => [
          id,
          payments.get(id).status,
        ]),
      ),
    ).toEqual({
      'GH-SEC-03': 'fail',
      'GH-SEC-06': 'fail',
      'GH-SEC-08': 'fail',
    });
    await backend.stop();
  });

  it('says the GitHub controls are unknown because no credentials are configured', async () => {
    server.use(...github());
    const { backend, cycle, results } = await start();
    await cycle();
    const payments = await results('payments');
    const gh = [...payments.values()].filter(r =>
      r.controlId.startsWith('GH-'),
    );
    expect(gh.length).toBeGreaterThan(20);
    for (const r of gh) {
      expect(r).toMatchObject({
        status: 'unknown',
        unknownReason: 'no_credentials',
      });
      expect(r.reason).toMatch(/credentials/i);
    }
    const summary = await request(backend.server)
      .get('/api/compliance/entities/component/default/payments')
      .set('Authorization', mockCredentials.user.header());
    // Unknown controls lower coverage, not the score.
    expect(summary.body.coverage).toBeLessThan(0.5);
    expect(summary.body.score).toBeGreaterThan(50);
    await backend.stop();
  });
});
