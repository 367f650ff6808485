import { startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { EntityComplianceSummary } from 'backstage-plugin-compliance-common';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import { scaffolderModuleCompliance } from './module';

describe('scaffolderModuleCompliance', () => {
  it('registers the compliance actions, backed by the compliance service', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const compliance = complianceServiceMock();
    compliance.refresh.mockResolvedValue({
      score: 50,
      coverage: 1,
      level: null,
    } as EntityComplianceSummary);

    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...added) => actions.push(...added) },
        ],
      ],
      features: [scaffolderModuleCompliance, compliance.factory],
    });

    expect(actions.map(a => a.id)).toEqual([
      'compliance:check',
      'compliance:refresh',
      'compliance:github:apply-baseline',
    ]);

    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
    });
    await actions[1].handler(ctx);
    expect(compliance.refresh).toHaveBeenCalledWith(
      'component:default/payments-api',
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith('score', 50);
  });
});
