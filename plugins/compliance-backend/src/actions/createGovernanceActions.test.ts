import { mockCredentials } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { component } from '../__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  mockActionsRegistry,
  startCompliance,
} from '../__testUtils__/testBackend';
import fc from 'fast-check';
import {
  BAD_INPUT_SEED,
  badInputRuns,
  hostileString,
} from '../__testUtils__/badInput';

jest.setTimeout(60_000);

const OWNER = 'user:default/owner';
const OTHER = 'user:default/other';
const READER = 'user:default/reader';
const databases = createTestDatabases();

/** The owner may request waivers; a reader may read but not request; the other may not read. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    ({
      authorize: async (requests: any[], { credentials }: any) =>
        requests.map(r => {
          const user = credentials?.principal?.userEntityRef;
          const allowed =
            r.permission.name === 'compliance.waiver.request'
              ? user === OWNER && r.resourceRef === 'component:default/svc'
              : user !== OTHER;
          return {
            result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        }),
      authorizeConditional: async (requests: any[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as any),
});

describe.each(databases.eachSupportedId())('governance actions on %s', id => {
  async function start() {
    const knex = await databases.init(id);
    const { registry, factory: actions } = mockActionsRegistry();
    const { cycle } = await startCompliance({
      knex,
      features: [
        permissionsFactory,
        catalogServiceMock.factory({
          entities: [
            // No description, an unknown lifecycle: fails and warns.
            component('svc', { lifecycle: 'sandbox', owner: 'group:team' }),
          ],
        }),
        actions,
      ],
      compliance: { waiverPolicy: { maxDurationDays: { low: 45 } } },
    });
    await cycle();
    const invoke = (name: string, input: object, user = OWNER) =>
      registry.invoke({
        id: `test:${name}`,
        input: input as any,
        credentials: mockCredentials.user(user),
      });
    return { invoke, knex };
  }

  it('lists the failing controls with remediation and the longest waiver', async () => {
    const { invoke } = await start();
    const { output } = (await invoke('list-failing-controls', {
      entityRef: 'svc',
    })) as { output: any };
    expect(output.entityRef).toBe('component:default/svc');
    expect(output.failing.length).toBeGreaterThan(0);
    for (const c of output.failing) {
      expect(c.status).toBe('fail');
      expect(c.remediation).toEqual(expect.any(String));
      expect(c.maxWaiverDays).toBe(
        { critical: 30, high: 90, medium: 180, low: 45, info: 365 }[
          c.severity as string
        ],
      );
    }
    const withWarnings = (await invoke('list-failing-controls', {
      entityRef: 'component:default/svc',
      includeWarnings: true,
    })) as { output: any };
    expect(withWarnings.output.failing.map((c: any) => c.status)).toContain(
      'warn',
    );
  });

  it('refuses bad refs, unreadable entities and callers without read permission', async () => {
    const { invoke } = await start();
    await expect(
      invoke('list-failing-controls', { entityRef: 'component:' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('Invalid entityRef'),
    });
    await expect(
      invoke('list-failing-controls', { entityRef: 'component:default/nope' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      invoke('list-failing-controls', { entityRef: 'svc' }, OTHER),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('requests a waiver with the caller as requester, under the same permission and rules as the API', async () => {
    const { invoke, knex } = await start();
    const { output: failing } = (await invoke('list-failing-controls', {
      entityRef: 'svc',
    })) as { output: any };
    const controlId = failing.failing[0].controlId;
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const input = {
      entityRef: 'component:default/svc',
      controlId,
      reason: 'Descriptions are written next sprint',
      expiresAt,
    };

    await expect(
      invoke('request-compliance-waiver', input, READER),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Missing permission compliance.waiver.request',
    });
    await expect(
      invoke('request-compliance-waiver', { ...input, reason: 'short' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('reason'),
    });
    await expect(
      invoke('request-compliance-waiver', { ...input, entityRef: ':::' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(
      Number((await knex('compliance_waivers').count({ n: '*' }))[0].n),
    ).toBe(0);

    const { output } = (await invoke('request-compliance-waiver', input)) as {
      output: any;
    };
    expect(output).toMatchObject({
      entityRef: 'component:default/svc',
      controlId,
      status: 'requested',
      requestedBy: OWNER,
    });
    // A second open request for the same control is a conflict.
    await expect(
      invoke('request-compliance-waiver', input),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });
  it('answers hostile input with a typed 4xx error and stores nothing it refused', async () => {
    const { invoke, knex } = await start();
    const valid = {
      entityRef: 'component:default/svc',
      controlId: 'CAT-02',
      reason: 'Lifecycles are renamed next quarter',
      expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    };
    const cases = fc.sample(
      fc.tuple(
        fc.constantFrom(
          'entityRef',
          'controlId',
          'reason',
          'expiresAt',
          'link',
        ),
        fc.oneof(hostileString, fc.jsonValue({ maxDepth: 1 })),
      ),
      { seed: BAD_INPUT_SEED, numRuns: badInputRuns(60) },
    );
    const outcomes = new Set<string>();
    for (const [field, value] of cases) {
      for (const name of [
        'request-compliance-waiver',
        'list-failing-controls',
      ]) {
        try {
          await invoke(name, { ...valid, [field]: value });
          outcomes.add(`${name}: ok`);
        } catch (e) {
          outcomes.add(`${name}: ${(e as Error).name}`);
        }
      }
    }
    const typed =
      /: (ok|InputError|NotFoundError|NotAllowedError|ConflictError)$/;
    expect([...outcomes].filter(o => !typed.test(o))).toEqual([]);
    // Nothing refused is stored.
    const rows = await knex('compliance_waivers').select('id');
    expect(rows).toHaveLength(
      outcomes.has('request-compliance-waiver: ok') ? 1 : 0,
    );
    expect(outcomes).toContain('request-compliance-waiver: InputError');
  });
});
