import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { AnswerCache, ifNoneMatchHolds } from './httpCaching';
import { createRouter } from './router';
import type { ReportService } from './ReportService';

async function app(
  options: {
    answerCache?: { maxBytes: number };
    decisionTtlMs?: number;
    allowed?: () => boolean;
  } = {},
) {
  const asked: string[] = [];
  const reports = {
    getSummary: jest.fn().mockResolvedValue({ entityRef: 'x', score: 80 }),
    getResults: jest.fn().mockResolvedValue({ entityRef: 'x', items: [] }),
    getHistory: jest
      .fn()
      .mockResolvedValue({ entityRef: 'x', points: [], changes: [] }),
    getOverview: jest.fn().mockResolvedValue({ items: [], totalCount: 0 }),
    openEntity: jest.fn().mockResolvedValue({ ref: 'x', tag: '"v1"' }),
    openOverview: jest
      .fn()
      .mockResolvedValue({ tag: '"o1"', version: 4, shared: true }),
  } as unknown as jest.Mocked<ReportService>;
  const router = await createRouter({
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.user(),
    }),
    permissions: mockServices.permissions.mock({
      authorize: async reqs =>
        reqs.map(r => {
          asked.push(r.permission.name);
          return {
            result:
              options.allowed?.() === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          };
        }),
    }),
    reports,
    answerCache: options.answerCache,
    decisionTtlMs: options.decisionTtlMs,
  });
  return {
    reports,
    asked,
    server: express().use(router).use(mockErrorHandler()),
  };
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

      // An older copy gets the answer kept for the current tag, unread.
      const stale = await request(server)
        .get(path)
        .set('If-None-Match', '"v0"');
      expect(stale.status).toBe(200);
      expect(stale.body).toEqual(first.body);
      expect(stale.headers['content-type']).toMatch(/^application\/json/);
      expect(reports[method]).toHaveBeenCalledTimes(1);

      // A new tag (the evaluation version moved) is read anew.
      reports.openEntity.mockResolvedValue({ ref: 'x', tag: '"v2"' });
      reports[method].mockResolvedValueOnce({
        entityRef: 'x',
        items: ['moved'],
        changed: 'moved',
      } as any);
      const moved = await request(server).get(path);
      expect(moved.headers.etag).toBe('"v2"');
      expect(JSON.stringify(moved.body)).toContain('moved');
      expect(reports[method]).toHaveBeenCalledTimes(2);
    },
  );

  it('reads every time when no answers are kept', async () => {
    const { server, reports } = await app({ answerCache: { maxBytes: 0 } });
    await request(server).get('/entities/component/default/a');
    await request(server).get('/entities/component/default/a');
    expect(reports.getSummary).toHaveBeenCalledTimes(2);
  });

  it('keeps no overview answer that depends on what the caller may read now', async () => {
    const { server, reports } = await app();
    reports.openOverview.mockResolvedValue({
      tag: '"o2"',
      version: 4,
      shared: false,
    });
    await request(server).get('/overview');
    await request(server).get('/overview');
    expect(reports.getOverview).toHaveBeenCalledTimes(2);
    // Shared answers are kept.
    reports.openOverview.mockResolvedValue({
      tag: '"o3"',
      version: 4,
      shared: true,
    });
    await request(server).get('/overview');
    await request(server).get('/overview');
    expect(reports.getOverview).toHaveBeenCalledTimes(3);
  });

  it("reuses a caller's read permission decision for the configured time only", async () => {
    let allowed = true;
    const cached = await app({ decisionTtlMs: 60_000, allowed: () => allowed });
    await request(cached.server).get('/entities/component/default/a');
    allowed = false;
    const within = await request(cached.server).get(
      '/entities/component/default/a',
    );
    expect(within.status).toBe(200);
    expect(cached.asked).toEqual(['compliance.report.read']);

    const uncached = await app({ allowed: () => allowed });
    const denied = await request(uncached.server).get(
      '/entities/component/default/a',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('compliance.report.read');
  });

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
      { tag: '"o1"', version: 4, shared: true },
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

describe('AnswerCache', () => {
  const body = (n: number) => Buffer.alloc(n, 'x');

  it('drops the least recently used answers beyond its bytes', () => {
    const cache = new AnswerCache({ maxBytes: 1000 });
    cache.set('a', body(100));
    cache.set('b', body(100));
    cache.get('a');
    for (let i = 0; i < 9; i++) cache.set(`c${i}`, body(100));
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
  });

  it('keeps no answer larger than an eighth of its bytes, and replaces one of the same tag', () => {
    const cache = new AnswerCache({ maxBytes: 800 });
    cache.set('big', body(101));
    expect(cache.get('big')).toBeUndefined();
    cache.set('a', body(50));
    cache.set('a', body(60));
    expect(cache.get('a')?.length).toBe(60);
    expect(cache.bytes).toBe(60);
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
