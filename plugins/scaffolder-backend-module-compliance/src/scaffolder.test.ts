import { createBackendModule } from '@backstage/backend-plugin-api';
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
      mockServices.rootConfig.factory({
        data: { backend: { baseUrl: 'http://localhost' } },
      }),
    ],
  });
  return { server, compliance };
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
  };

  it('dry-runs the example template through the compliance gate', async () => {
    const { server, compliance } = await startScaffolder();
    compliance.evaluateEntity.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      score: 90,
      coverage: 0.6,
      level: { id: 'bronze', title: 'Bronze' },
      results: [],
    } as unknown as EvaluationPreview);

    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({ template, values, directoryContents: [] });

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
      { credentials: expect.anything() },
    );
    expect(res.body.output.text[0].content).toContain('**Score:** 90');
    expect(res.body.output.text[0].content).toContain('**Level:** bronze');
    expect(
      res.body.directoryContents.map((f: { path: string }) => f.path),
    ).toEqual(['catalog-info.yaml']);
  });

  it('stops the example template before anything is written when the gate fails', async () => {
    const { server, compliance } = await startScaffolder();
    compliance.evaluateEntity.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      score: 0,
      coverage: 0.2,
      level: null,
      nextLevel: { id: 'bronze', title: 'Bronze', missingControls: ['CAT-01'] },
      results: [],
    } as unknown as EvaluationPreview);

    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({ template, values, directoryContents: [] });

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'level none is below the minimum level bronze',
      ),
    });
    expect(res.body.error.message).toContain('CAT-01');
  });
});
