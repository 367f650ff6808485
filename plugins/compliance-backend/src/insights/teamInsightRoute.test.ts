import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { teamInsightResponseSchema } from 'backstage-plugin-compliance-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { component, group } from '../__testUtils__/entities';
import { OUTSIDER, startCompliance } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const entities = [
  group('platform', { children: ['team'] }),
  group('team', { parent: 'platform' }),
  component('api', { lifecycle: 'production', owner: 'group:team' }),
  component('web', { lifecycle: 'production', owner: 'group:platform' }),
  component('elsewhere', { lifecycle: 'production', owner: 'user:nobody' }),
];

/** Allows the compliance permissions; the catalog's read is denied to the outsider. */
const permissions = (options: { denyRead?: boolean } = {}) =>
  mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(() => ({
        result: options.denyRead ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      })),
    authorizeConditional: async (requests, opts) =>
      requests.map(() => ({
        result:
          (opts?.credentials?.principal as any)?.userEntityRef === OUTSIDER
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any,
  });

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the team insight endpoint on %s',
  databaseId => {
    async function start(options: { denyRead?: boolean } = {}) {
      const knex = await databases.init(databaseId);
      const { backend, cycle } = await startCompliance({
        knex,
        features: [
          catalogServiceMock.factory({ entities }),
          permissions(options).factory,
        ],
      });
      await cycle();
      const get = (owner: string, user?: string) =>
        request(backend.server)
          .get('/api/compliance/overview/insight')
          .query({ owner })
          .set('Authorization', mockCredentials.user.header(user));
      return { backend, get };
    }

    it("sums up the owner's entities through its subgroups, citing controls", async () => {
      const { backend, get } = await start();
      const res = await get('group:default/platform');
      expect(res.status).toBe(200);
      const body = teamInsightResponseSchema.parse(res.body);
      expect(body).toMatchObject({
        owner: 'group:default/platform',
        groupCount: 2,
        entityCount: 2,
        truncated: false,
        sources: { model: 0, rules: 2 },
      });
      // Both services lack a description and on-call routing: shared risks.
      expect(body.risks.length).toBeGreaterThan(0);
      for (const risk of body.risks) {
        expect(risk.cites).toContain(risk.controlId);
        expect(risk.entityRefs.every(r => !r.includes('elsewhere'))).toBe(true);
      }
      expect(body.risks[0].entities).toBe(2);
      // A subgroup alone counts only its own entities.
      const team = teamInsightResponseSchema.parse((await get('team')).body);
      expect(team).toMatchObject({
        owner: 'group:default/team',
        groupCount: 1,
        entityCount: 1,
      });
      await backend.stop();
    });

    it('counts only the entities the caller may read', async () => {
      const { backend, get } = await start();
      const res = await get('group:default/platform', OUTSIDER);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ entityCount: 0, risks: [], lifts: [] });
      await backend.stop();
    });

    it('answers 400 for a malformed owner and 403 without the read permission', async () => {
      const { backend, get } = await start();
      const bad = await get('group:default/not a group');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/owner/);
      await backend.stop();
      const denied = await start({ denyRead: true });
      expect((await denied.get('group:default/platform')).status).toBe(403);
      await denied.backend.stop();
    });
  },
);
