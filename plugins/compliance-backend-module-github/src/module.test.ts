import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ControlDefinition } from 'backstage-plugin-compliance-common';
import {
  ComplianceCollector,
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import { complianceModuleGithub } from './module';

function fakeCompliancePlugin(sink: {
  collectors: ComplianceCollector[];
  controls: ControlDefinition[];
}) {
  return createBackendPlugin({
    pluginId: 'compliance',
    register(env) {
      env.registerExtensionPoint(complianceCollectorsExtensionPoint, {
        addCollector: (...items) => sink.collectors.push(...items.flat()),
      });
      env.registerExtensionPoint(complianceControlsExtensionPoint, {
        addControls: (...items) => sink.controls.push(...items.flat()),
      });
      env.registerInit({
        deps: { logger: coreServices.logger },
        async init() {},
      });
    },
  });
}

describe('complianceModuleGithub', () => {
  it('registers the GitHub collector and controls', async () => {
    const sink = {
      collectors: [] as ComplianceCollector[],
      controls: [] as ControlDefinition[],
    };
    await startTestBackend({
      features: [
        fakeCompliancePlugin(sink),
        complianceModuleGithub,
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [{ host: 'github.com', token: 'ghp_test' }],
            },
            compliance: { github: { windowDays: 14 } },
          },
        }),
      ],
    });
    expect(sink.collectors.map(c => c.id)).toEqual(['github']);
    expect(sink.collectors[0].facts.map(f => f.id)).toContain(
      'github.ci.summary',
    );
    expect(sink.collectors[0].defaultSchedule).toMatchObject({
      frequency: { hours: 1 },
    });
    // Disabling controls is the compliance backend's
    // (compliance.controls.disabled): the module registers all of them.
    const ids = sink.controls.map(c => c.id);
    expect(ids).toContain('GH-BP-01');
    expect(ids).toContain('GH-CI-03');
    expect(ids).toContain('GH-SCM-02');
    expect(ids).toHaveLength(35);
  });

  it('filters to components', async () => {
    const sink = {
      collectors: [] as ComplianceCollector[],
      controls: [] as ControlDefinition[],
    };
    await startTestBackend({
      features: [fakeCompliancePlugin(sink), complianceModuleGithub],
    });
    const filter = sink.collectors[0].filter!;
    const base = {
      apiVersion: 'backstage.io/v1alpha1',
      metadata: { name: 'x' },
    };
    expect(filter({ ...base, kind: 'Component' })).toBe(true);
    expect(filter({ ...base, kind: 'Group' })).toBe(false);
  });
});
