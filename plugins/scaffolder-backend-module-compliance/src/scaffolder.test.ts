import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import type { EvaluationPreview } from 'backstage-plugin-compliance-common';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { catalogue } from './__testUtils__/evaluation';
import { githubCatalogue } from './__testUtils__/githubBaseline';
import scaffolderModuleCompliance from './index';

const template = yaml.parse(
  readFileSync(
    resolvePath(__dirname, '../../../examples/template/template.yaml'),
    'utf8',
  ),
);

// The example template notifies the user at the end; the notifications
// backend is not part of this test, so a stand-in takes its action id.
const notificationsStandIn = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'notifications-stand-in',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(
          createTemplateAction({
            id: 'notification:send',
            async handler() {},
          }),
        );
      },
    });
  },
});

// The catalog answers catalog:fetch over HTTP, in its REST shape.
const catalogStandIn = createBackendPlugin({
  pluginId: 'catalog',
  register(reg) {
    reg.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        http.use((req: any, res: any, next: any) => {
          if (req.path !== '/entities/by-name/component/default/payments') {
            next();
            return;
          }
          res.json({
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments',
              namespace: 'default',
              uid: '2f6c1f8e-0d4b-4c51-9a55-6b1a1f0c9e11',
              etag: 'f1c2',
            },
            spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
            relations: [],
          });
        });
        http.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

async function startScaffolder() {
  const compliance = complianceServiceMock({
    getControls: async () => catalogue(),
  });
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleCompliance,
      notificationsStandIn,
      compliance.factory,
      catalogStandIn,
      mockServices.rootConfig.factory({
        data: { backend: { baseUrl: 'http://localhost' } },
      }),
    ],
  });
  return { server, compliance };
}

/**
 * A dry run of the template with these values through the real scaffolder:
 * the compliance gate answers `preview`, with the `controls` catalogue when
 * given.
 */
async function dryRun(
  body: { template: unknown; values: Record<string, unknown> },
  preview: Record<string, unknown>,
  controls?: Awaited<ReturnType<typeof catalogue>>,
) {
  const { server, compliance } = await startScaffolder();
  if (controls) compliance.getControls.mockResolvedValue(controls);
  compliance.evaluateEntity.mockResolvedValue({
    ...preview,
    results: [],
  } as unknown as EvaluationPreview);
  const res = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .send({ ...body, directoryContents: [] });
  return { res, compliance };
}

describe('in the real scaffolder backend', () => {
  it('lists the compliance actions with their schemas and examples', async () => {
    const { server } = await startScaffolder();

    const res = await request(server).get('/api/scaffolder/v2/actions');

    expect(res.status).toBe(200);
    const check = res.body.find(
      (a: { id: string }) => a.id === 'compliance:check',
    );
    expect(check.schema.input.required).toEqual(['entity']);
    expect(check.examples.length).toBeGreaterThan(0);
    expect(res.body.map((a: { id: string }) => a.id)).toContain(
      'compliance:refresh',
    );
  });

  const values = {
    name: 'payments-api',
    owner: 'group:default/payments',
    lifecycle: 'production',
    level: 'bronze',
    repoUrl: 'github.com?owner=acme&repo=payments-api',
    codeOwner: '@acme/payments-team',
  };

  it('dry-runs the example template through the compliance gate', async () => {
    const { res, compliance } = await dryRun(
      { template, values },
      {
        entityRef: 'component:default/payments-api',
        score: 90,
        coverage: 0.6,
        level: { id: 'bronze', title: 'Bronze' },
      },
    );

    expect(res.status).toBe(200);
    expect(compliance.evaluateEntity).toHaveBeenCalledWith(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'payments-api' },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/payments',
        },
      },
      {
        credentials: expect.anything(),
        // No level of this catalogue needs GitHub controls: only what a
        // new private repository is known to be is predicted.
        predictedFacts: expect.arrayContaining([
          { factId: 'github.repo.visibility', value: 'private' },
          { factId: 'github.repo.archived', value: false },
        ]),
      },
    );
    expect(res.body.output.text[0].content).toContain('**Score:** 90');
    expect(res.body.output.text[0].content).toContain('**Level:** bronze');
    expect(
      res.body.directoryContents.map((f: { path: string }) => f.path),
    ).toEqual(['catalog-info.yaml']);
  });

  it('stops the example template before anything is written when the gate fails', async () => {
    const { res } = await dryRun(
      { template, values },
      {
        entityRef: 'component:default/payments-api',
        score: 0,
        coverage: 0.2,
        level: null,
        nextLevel: {
          id: 'bronze',
          title: 'Bronze',
          missingControls: ['CAT-01'],
        },
      },
    );

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'level none is below the minimum level bronze',
      ),
    });
    expect(res.body.error.message).toContain('CAT-01');
  });

  describe('born at a level: the gate sees the baseline', () => {
    // The real GitHub controls; gold also needs CI, which no setting gives.
    const withCi = () => {
      const c = githubCatalogue();
      c.levels = c.levels.filter(l => l.id !== 'platinum');
      c.levels[2].requiredControls.push('GH-CI-01');
      return c;
    };

    it('dry-runs the template with the baseline predicted, and its plan printed without reading GitHub', async () => {
      const { res, compliance } = await dryRun(
        {
          template,
          values: { ...values, level: 'silver' },
        },
        {
          entityRef: 'component:default/payments-api',
          score: 95,
          coverage: 0.9,
          level: { id: 'silver', title: 'Silver' },
        },
        withCi(),
      );

      expect(res.status).toBe(200);
      const [, options] = compliance.evaluateEntity.mock.calls[0];
      const predicted = Object.fromEntries(
        options.predictedFacts!.map(f => [f.factId, f.value]),
      );
      expect(predicted).toMatchObject({
        'github.defaultBranch.protected': true,
        'github.defaultBranch.requiredApprovals': 1,
        'github.codeowners.present': true,
        'github.secretScanning.enabled': true,
        'github.actions.defaultTokenReadOnly': true,
        'github.repo.visibility': 'private',
      });
      // Silver does not need gold's two approvals.
      expect(predicted['github.secretScanning.pushProtection']).toBeUndefined();
      const log = res.body.log
        .map((l: { body: { message: string } }) => l.body.message)
        .join('\n');
      expect(log).toMatch(/unread +ruleset\.requiredApprovals: not read → 1/);
      expect(log).toMatch(
        /The silver baseline covers 10 of 10 required GitHub controls/,
      );
      expect(res.body.output.text[0].content).toContain(
        'covers 10 required GitHub controls',
      );
    });

    it('fails the gate before anything is created when the level needs a control the baseline cannot satisfy', async () => {
      const { res } = await dryRun(
        {
          template,
          values: { ...values, level: 'gold' },
        },
        {
          entityRef: 'component:default/payments-api',
          score: 95,
          coverage: 0.9,
          level: { id: 'silver', title: 'Silver' },
          nextLevel: {
            id: 'gold',
            title: 'Gold',
            missingControls: ['GH-CI-01'],
          },
        },
        withCi(),
      );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'level silver is below the minimum level gold',
      );
      expect(res.body.error.message).toMatch(
        /GH-CI-01 .*the gold baseline cannot satisfy it: github\.ci\.present: CI signals come from workflow runs/,
      );
    });
  });

  it('dry-runs the raise template: plan, pull request step, and the level predicted from an existing repository', async () => {
    const raise = yaml.parse(
      readFileSync(
        resolvePath(
          __dirname,
          '../../../examples/template/raise-template.yaml',
        ),
        'utf8',
      ),
    );
    const { res, compliance } = await dryRun(
      {
        template: raise,
        values: {
          component: 'component:default/payments',
          level: 'gold',
          repoUrl: 'github.com?owner=acme&repo=payments',
          codeOwner: '@acme/payments-team',
        },
      },
      {
        entityRef: 'component:default/payments',
        score: 80,
        coverage: 0.7,
        level: { id: 'gold', title: 'Gold' },
      },
      githubCatalogue(),
    );

    expect(res.status).toBe(200);
    const [entity, options] = compliance.evaluateEntity.mock.calls[0];
    expect(entity.metadata.name).toBe('payments');
    const predicted = new Map(
      options.predictedFacts!.map(f => [f.factId, f.value]),
    );
    // Settings are predicted; what only a new repository is known to have
    // (no alerts, no history) is not.
    expect(predicted.get('github.defaultBranch.requiredApprovals')).toBe(2);
    expect(predicted.has('github.dependabot.openCriticalHigh')).toBe(false);
    expect(res.body.output.text[0].content).toContain(
      '**Predicted level after merge:** gold',
    );
  });
});
