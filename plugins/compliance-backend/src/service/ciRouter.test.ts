import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CI_PUSH_MAX_BODY_BYTES,
  CI_PUSHED_FACTS as P,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';
import express from 'express';
import request from 'supertest';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { component } from '../__testUtils__/entities';
import { createCiRouter } from './ciRouter';
import { CiPushService } from './CiPushService';

const NOW = Date.now();
const iso = (hoursAgo: number) =>
  new Date(NOW - hoursAgo * 3_600_000).toISOString();

/** A GitLab pipeline as the README's curl step pushes it. */
const pipeline = (
  id: string,
  status: string,
  hoursAgo: number,
  sha: string,
) => ({
  id,
  name: 'pipeline',
  status,
  sha,
  branch: 'main',
  startedAt: iso(hoursAgo),
  durationSeconds: 300 + hoursAgo,
  url: `https://gitlab.example/acme/payments/-/pipelines/${id}`,
  ...(status === 'failure' ? { summary: 'job test failed' } : {}),
  checks: [
    { name: 'unit', status, durationSeconds: 120 },
    { name: 'lint', status: 'success', durationSeconds: 30 },
  ],
});

const body = (runs: unknown[], entityRef = 'component:default/payments') => ({
  entityRef,
  system: 'gitlab-ci',
  runs,
});

describeOnEachDatabase('POST /ci/runs', setup => {
  async function app(options: { allow?: boolean } = {}) {
    const { stores } = await setup();
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({
          result:
            options.allow === false
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    });
    const router = await createCiRouter({
      httpAuth: mockServices.httpAuth(),
      permissions,
      pushes: new CiPushService({
        ciRuns: stores.ciRuns,
        facts: stores.facts,
        catalog: catalogServiceMock({ entities: [component('payments')] }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        windowDays: 30,
      }),
    });
    const server = express().use(router).use(mockErrorHandler());
    const post = (payload: unknown, auth = mockCredentials.service.header()) =>
      request(server)
        .post('/ci/runs')
        .set('Authorization', auth)
        .send(payload as object);
    const facts = async () =>
      new Map(
        (
          (await stores.facts.getFacts(['component:default/payments'])).get(
            'component:default/payments',
          ) ?? []
        ).map(f => [f.factId, f]),
      );
    return { stores, permissions, post, facts };
  }

  it('stores runs pushed with a service token and feeds the CI statistics', async () => {
    const { post, facts, permissions } = await app();
    const runs = [
      pipeline('901', 'success', 50, 'aaaaaaa1'),
      pipeline('902', 'failure', 40, 'bbbbbbb2'),
      // A retry of the failed pipeline on the same commit passes: flaky.
      pipeline('903', 'success', 39, 'bbbbbbb2'),
      pipeline('904', 'success', 20, 'ccccccc3'),
      pipeline('905', 'success', 2, 'ddddddd4'),
    ];
    const res = await post(body(runs));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/payments',
      runs: 5,
      observations: 15,
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: expect.objectContaining({ name: 'compliance.ci.push' }) }],
      expect.anything(),
    );

    const stored = await facts();
    expect(stored.get(P.runs)?.value).toBe(15);
    expect(stored.get(P.headState)?.value).toBe('SUCCESS');
    expect(stored.get(P.checksMaxFlakyRate)?.value).toBe(0.2);
    expect(stored.get(P.checksMinPassRate)?.value).toBe(0.8);
    expect(stored.get(P.summary)?.evidence?.source).toContain('gitlab-ci');
    const summary = parseCiSummary(stored.get(P.summary)?.value);
    expect(summary?.sources).toEqual(['push']);
    expect(summary?.checks?.find(c => c.name === 'pipeline')).toMatchObject({
      runs: 5,
      flaky: 1,
      lastFailure: {
        url: 'https://gitlab.example/acme/payments/-/pipelines/902',
        summary: 'job test failed',
        source: 'push',
      },
    });
  });

  it('is idempotent on the CI system run id', async () => {
    const { post, facts } = await app();
    const first = [pipeline('1', 'failure', 5, 'abcdef01')];
    expect((await post(body(first))).status).toBe(200);
    // The same run pushed again (a retried curl, a re-run that finished).
    expect(
      (await post(body([pipeline('1', 'success', 5, 'abcdef01')]))).status,
    ).toBe(200);
    expect(
      (await post(body([pipeline('1', 'success', 5, 'abcdef01')]))).status,
    ).toBe(200);
    const stored = await facts();
    expect(stored.get(P.runs)?.value).toBe(3);
    expect(stored.get(P.passRate)?.value).toBe(1);
  });

  it('refuses a user token, whatever the permission policy says', async () => {
    const { post, permissions } = await app();
    const res = await post(
      body([pipeline('1', 'success', 1, 'abcdef01')]),
      mockCredentials.user.header(),
    );
    expect(res.status).toBe(403);
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('refuses a service token without the push permission, storing nothing', async () => {
    const { post, stores } = await app({ allow: false });
    const res = await post(body([pipeline('1', 'success', 1, 'abcdef01')]));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('compliance.ci.push');
    const kept = await stores.ciRuns.getObservations(
      ['component:default/payments'],
      new Date(0),
    );
    expect(kept.size).toBe(0);
  });

  it('answers 400 naming the problem for a body that breaks the schema', async () => {
    const { post } = await app();
    const res = await post(
      body([{ ...pipeline('1', 'passed', 1, 'not-a-sha'), extra: 1 }]),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/runs\.0\.status/);
    expect(res.body.error.message).toMatch(/sha/);
    expect((await post({ entityRef: 'x' })).status).toBe(400);
    expect(
      (await post(body([pipeline('1', 'success', 1, 'abcdef01')], 'not a ref')))
        .status,
    ).toBe(400);
  });

  it('answers 413 for an oversized body and 404 for an entity not in the catalog', async () => {
    const { post } = await app();
    const huge = body(
      Array.from({ length: 100 }, (_, i) => ({
        ...pipeline(String(i), 'failure', 1, 'abcdef01'),
        summary: 'x'.repeat(500),
        checks: Array.from({ length: 50 }, (__, j) => ({
          name: `check-${j}-${'y'.repeat(100)}`,
          status: 'failure',
        })),
      })),
    );
    expect(JSON.stringify(huge).length).toBeGreaterThan(CI_PUSH_MAX_BODY_BYTES);
    expect((await post(huge)).status).toBe(413);

    const res = await post(
      body(
        [pipeline('1', 'success', 1, 'abcdef01')],
        'component:default/ghost',
      ),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('component:default/ghost');
  });
});
