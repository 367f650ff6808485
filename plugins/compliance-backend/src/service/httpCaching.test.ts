import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { ifNoneMatchHolds } from './httpCaching';
import { createRouter } from './router';
import type { ReportService } from './ReportService';

async function app() {
  const reports = {
    getSummary: jest.fn().mockResolvedValue({ entityRef: 'x', score: 80 }),
    getResults: jest.fn().mockResolvedValue({ entityRef: 'x', items: [] }),
    getHistory: jest
      .fn()
      .mockResolvedValue({ entityRef: 'x', points: [], changes: [] }),
    getOverview: jest.fn().mockResolvedValue({ items: [], totalCount: 0 }),
    openEntity: jest.fn().mockResolvedValue({ ref: 'x', tag: '"v1"' }),
    openOverview: jest.fn().mockResolvedValue({ tag: '"o1"', version: 4 }),
  } as unknown as jest.Mocked<ReportService>;
  const router = await createRouter({
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.user(),
    }),
    permissions: mockServices.permissions.mock({
      authorize: async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    }),
    reports,
  });
  return { reports, server: express().use(router).use(mockErrorHandler()) };
}

describe('HTTP caching of reads', () => {
  it.each([
    ['/entities/component/default/a', 'getSummary'],
    ['/entities/component/default/a/results', 'getResults'],
    ['/entities/component/default/a/history?days=7', 'getHistory'],
  ] as const)(
    'answers %s with its ETag, and 304 without reading when If-None-Match holds it',
    async (path, method) => {
      const { server, reports } = await app();
      const first = await request(server).get(path);
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBe('"v1"');
      expect(first.headers['cache-control']).toBe('private, no-cache');
      expect(reports[method]).toHaveBeenCalledTimes(1);
      // The body is read for the read opened (and checked) for the tag.
      expect(reports[method].mock.calls[0][0]).toEqual({
        ref: 'x',
        tag: '"v1"',
      });

      const again = await request(server)
        .get(path)
        .set('If-None-Match', '"v1"');
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(reports[method]).toHaveBeenCalledTimes(1);

      const stale = await request(server)
        .get(path)
        .set('If-None-Match', '"v0"');
      expect(stale.status).toBe(200);
      expect(reports[method]).toHaveBeenCalledTimes(2);
    },
  );

  it('answers 304 to a conditional request that also says Cache-Control: no-cache, as fetch sends it', async () => {
    const { server, reports } = await app();
    const res = await request(server)
      .get('/entities/component/default/a')
      .set('If-None-Match', '"v1"')
      .set('Cache-Control', 'no-cache')
      .set('Pragma', 'no-cache');
    expect(res.status).toBe(304);
    expect(reports.getSummary).not.toHaveBeenCalled();
  });

  it('answers 304 when the tag is sent through fetch itself', async () => {
    const { server, reports } = await app();
    const listening = server.listen(0);
    try {
      const { port } = listening.address() as { port: number };
      const res = await fetch(
        `http://127.0.0.1:${port}/entities/component/default/a`,
        { headers: { 'if-none-match': '"v1"' } },
      );
      expect(res.status).toBe(304);
      expect(reports.getSummary).not.toHaveBeenCalled();
    } finally {
      listening.close();
    }
  });

  it('passes the history days and the creation records into the entity tag', async () => {
    const { server, reports } = await app();
    await request(server).get('/entities/component/default/a/history?days=7');
    expect(reports.openEntity).toHaveBeenCalledWith(
      'history',
      { kind: 'component', namespace: 'default', name: 'a' },
      expect.anything(),
      [7, 0],
    );
  });

  it('answers the overview 304 for the tag of the parsed query', async () => {
    const { server, reports } = await app();
    const res = await request(server)
      .get('/overview?sort=name')
      .set('If-None-Match', '"o1"');
    expect(res.status).toBe(304);
    expect(reports.getOverview).not.toHaveBeenCalled();
    expect(reports.openOverview).toHaveBeenCalledWith(
      expect.objectContaining({ sort: 'name', page: 1, pageSize: 50 }),
      expect.anything(),
    );
    // A 200 reads the precomputed figures of the version its tag names.
    await request(server).get('/overview?sort=name');
    expect(reports.getOverview).toHaveBeenCalledWith(
      expect.objectContaining({ sort: 'name' }),
      expect.anything(),
      { tag: '"o1"', version: 4 },
    );
  });

  it('answers 404, never 304, when the caller may not read the entity', async () => {
    const { server, reports } = await app();
    reports.openEntity.mockRejectedValue(new NotFoundError('not in catalog'));
    const res = await request(server)
      .get('/entities/component/default/hidden')
      .set('If-None-Match', '"v1"');
    expect(res.status).toBe(404);
    expect(res.headers.etag).not.toBe('"v1"');
    expect(reports.getSummary).not.toHaveBeenCalled();
  });
});

describe('ifNoneMatchHolds', () => {
  it('matches the tag, its weak form, a list holding it and a star', () => {
    expect(ifNoneMatchHolds('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHolds('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHolds('"b", W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHolds(' * ', '"a"')).toBe(true);
  });

  it('does not match another tag, an unquoted value, nothing or an oversized header', () => {
    expect(ifNoneMatchHolds('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHolds('a', '"a"')).toBe(false);
    expect(ifNoneMatchHolds(undefined, '"a"')).toBe(false);
    expect(ifNoneMatchHolds(`${'"b", '.repeat(2000)}"a"`, '"a"')).toBe(false);
  });
});
