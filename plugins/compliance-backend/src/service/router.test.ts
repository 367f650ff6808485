import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  EntityComplianceSummary,
  OverviewResponse,
} from 'backstage-plugin-compliance-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import type { ReportService } from './ReportService';

const summary: EntityComplianceSummary = {
  entityRef: 'component:default/payments-api',
  kind: 'component',
  namespace: 'default',
  name: 'payments-api',
  score: 80,
  coverage: 0.5,
  knownWeight: 10,
  applicableWeight: 20,
  counts: {
    pass: 2,
    warn: 0,
    fail: 1,
    unknown: 1,
    not_applicable: 0,
    waived: 0,
  },
  level: { id: 'bronze', title: 'Bronze' },
  categories: {},
  frameworks: {},
  evaluatedAt: '2026-11-30T10:00:00.000Z',
  collectedAt: {},
};

function reportsMock(): jest.Mocked<ReportService> {
  return {
    getSummary: jest.fn().mockResolvedValue(summary),
    getResults: jest
      .fn()
      .mockResolvedValue({ entityRef: summary.entityRef, items: [] }),
    getHistory: jest.fn().mockResolvedValue({
      entityRef: summary.entityRef,
      points: [],
      changes: [],
    }),
    getFacts: jest.fn().mockResolvedValue({ items: [] }),
    refresh: jest.fn().mockResolvedValue(summary),
    preview: jest.fn(),
    getControls: jest
      .fn()
      .mockReturnValue({ controls: [], levels: [], frameworks: [], kinds: [] }),
    getStatus: jest.fn(),
    getOverview: jest.fn().mockResolvedValue({
      items: [summary],
      totalCount: 1,
      page: 1,
      pageSize: 50,
      distribution: [],
      topFailingControls: [],
      levels: {},
    } satisfies OverviewResponse),
    getNotPassing: jest.fn(),
    openEntity: jest.fn().mockImplementation(async (_route, name) => ({
      ref: `${name.kind}:${name.namespace}/${name.name}`,
    })),
    openOverview: jest.fn().mockResolvedValue({}),
  } as unknown as jest.Mocked<ReportService>;
}

async function app(options: { allow?: boolean } = {}) {
  const reports = reportsMock();
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(() => ({
        result:
          options.allow === false
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
  });
  const router = await createRouter({
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.user(),
    }),
    permissions,
    reports,
  });
  return {
    reports,
    permissions,
    server: express().use(router).use(mockErrorHandler()),
  };
}

describe('createRouter', () => {
  it('answers /health without touching the services', async () => {
    const { server, reports } = await app();
    const res = await request(server).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(reports.getSummary).not.toHaveBeenCalled();
  });

  it('serves an entity summary for the parsed ref with the caller credentials', async () => {
    const { server, reports } = await app();
    const res = await request(server).get(
      '/entities/component/default/payments-api',
    );
    expect(res.status).toBe(200);
    expect(res.body.score).toBe(80);
    const credentials = expect.objectContaining({
      principal: expect.objectContaining({
        userEntityRef: 'user:default/mock',
      }),
    });
    expect(reports.openEntity).toHaveBeenCalledWith(
      'summary',
      { kind: 'component', namespace: 'default', name: 'payments-api' },
      credentials,
    );
    expect(reports.getSummary).toHaveBeenCalledWith(
      { ref: 'component:default/payments-api' },
      credentials,
    );
  });

  it('maps a missing entity to 404', async () => {
    const { server, reports } = await app();
    reports.openEntity.mockRejectedValue(new NotFoundError('not in catalog'));
    const res = await request(server).get('/entities/component/default/gone');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('not in catalog');
  });

  it('denies every route but /health without the permission', async () => {
    const { server, reports } = await app({ allow: false });
    const routes: Array<[string, string]> = [
      ['get', '/entities/component/default/a'],
      ['get', '/entities/component/default/a/results'],
      ['get', '/entities/component/default/a/history'],
      ['get', '/entities/component/default/a/facts'],
      ['post', '/entities/component/default/a/refresh'],
      ['post', '/evaluate'],
      ['get', '/controls'],
      ['get', '/status'],
      ['get', '/overview'],
    ];
    for (const [method, path] of routes) {
      const res = await (request(server) as any)[method](path).send({});
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    for (const fn of Object.values(reports)) {
      expect(fn).not.toHaveBeenCalled();
    }
  });

  it('asks for the refresh permission on refresh and the read permission elsewhere', async () => {
    const { server, permissions } = await app();
    await request(server).post('/entities/component/default/a/refresh');
    await request(server).get('/entities/component/default/a');
    const names = permissions.authorize.mock.calls.map(
      ([reqs]) => (reqs[0] as { permission: { name: string } }).permission.name,
    );
    expect(names).toEqual([
      'compliance.entity.refresh',
      'compliance.report.read',
    ]);
    // Refresh is authorized on the entity, so a policy can limit it to owners.
    expect(permissions.authorize.mock.calls[0][0][0]).toMatchObject({
      resourceRef: 'component:default/a',
    });
  });

  it.each([
    ['/entities/component/default/not a name', 'entity reference'],
    ['/entities/1kind/default/a', 'kind'],
    ['/entities/component/default/a/history?days=0', 'days'],
    ['/entities/component/default/a/history?days=abc', 'days'],
    ['/entities/component/default/a/facts?prefix=%25', 'prefix'],
    ['/overview?pageSize=100000', 'pageSize'],
    ['/overview?sort=evil', 'sort'],
    ['/overview?framework=a%20b', 'framework'],
  ])('answers 400 naming the problem for GET %s', async (path, named) => {
    const { server, reports } = await app();
    const res = await request(server).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(named);
    expect(reports.getSummary).not.toHaveBeenCalled();
    expect(reports.getHistory).not.toHaveBeenCalled();
    expect(reports.getFacts).not.toHaveBeenCalled();
    expect(reports.getOverview).not.toHaveBeenCalled();
  });

  it.each([
    [{}, 'entity'],
    [{ entity: { apiVersion: 'v1', kind: 'Component' } }, 'metadata'],
    [
      {
        entity: {
          apiVersion: 'v1',
          kind: 'Component',
          metadata: { name: '../etc' },
        },
      },
      'metadata.name',
    ],
  ])('answers 400 for a malformed preview body %#', async (body, named) => {
    const { server, reports } = await app();
    const res = await request(server).post('/evaluate').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(named);
    expect(reports.preview).not.toHaveBeenCalled();
  });

  it('answers 413 for an oversized body', async () => {
    const { server } = await app();
    const res = await request(server)
      .post('/evaluate')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
  });

  it('passes the parsed overview query with its defaults', async () => {
    const { server, reports } = await app();
    const res = await request(server).get(
      '/overview?owner=team-a,team-b&kind=component&sort=name&order=desc',
    );
    expect(res.status).toBe(200);
    expect(reports.getOverview).toHaveBeenCalledWith(
      expect.objectContaining({
        owner: ['team-a', 'team-b'],
        kind: ['component'],
        sort: 'name',
        order: 'desc',
        page: 1,
        pageSize: 50,
      }),
      expect.anything(),
      {},
    );
  });

  it('returns the control catalogue with levels and kinds', async () => {
    const { server, reports } = await app();
    reports.getControls.mockReturnValue({
      controls: [],
      levels: [{ id: 'bronze', title: 'Bronze', requiredControls: [] }],
      frameworks: [],
      kinds: ['component'],
    });
    const res = await request(server).get('/controls');
    expect(res.body.levels.map((l: { id: string }) => l.id)).toEqual([
      'bronze',
    ]);
    expect(res.body.kinds).toEqual(['component']);
  });
});
