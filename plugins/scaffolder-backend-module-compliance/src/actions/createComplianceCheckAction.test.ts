import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import { Validator } from 'jsonschema';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import yaml from 'yaml';
import { catalogue, preview, result } from '../__testUtils__/evaluation';
import { createComplianceCheckAction } from './createComplianceCheckAction';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api' },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:payments' },
};

describe('compliance:check', () => {
  const compliance = complianceServiceMock();
  const action = createComplianceCheckAction({ compliance });

  beforeEach(() => {
    jest.resetAllMocks();
    compliance.getControls.mockResolvedValue(catalogue());
  });

  it('passes and sets the outputs when the entity meets the gate', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([
        result('CAT-01', 'pass'),
        result('CAT-02', 'not_applicable'),
        result('CAT-03', 'fail', { severity: 'medium' }),
      ]),
    );
    const ctx = createMockActionContext({
      input: { entity, minimumLevel: 'bronze' },
    });

    await action.handler(ctx);

    expect(compliance.evaluateEntity).toHaveBeenCalledWith(entity, {
      credentials: await ctx.getInitiatorCredentials(),
    });
    expect(ctx.output).toHaveBeenCalledWith('score', 80);
    expect(ctx.output).toHaveBeenCalledWith('coverage', 0.5);
    expect(ctx.output).toHaveBeenCalledWith('level', 'silver');
    expect(ctx.output).toHaveBeenCalledWith('passed', true);
    expect(ctx.output).toHaveBeenCalledWith('blocking', []);
  });

  it('fails on a failing required control, naming it and its remediation', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([
        result('CAT-01', 'fail', { remediation: 'Set spec.owner to a group' }),
        result('CAT-02', 'pass'),
      ]),
    );
    const ctx = createMockActionContext({
      input: { entity, requiredControls: ['CAT-01', 'CAT-02'] },
    });

    const error = await action.handler(ctx).catch(e => e);

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('CAT-01 Title of CAT-01 (fail)');
    expect(error.message).toContain('CAT-01 is fail');
    expect(error.message).toContain(
      'Remediation: Set spec.owner to a group https://example.com/fix',
    );
    expect(error.message).not.toContain('CAT-02');
  });

  it('counts a waived required control as met, as levels do', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([result('CAT-01', 'waived'), result('CAT-02', 'not_applicable')]),
    );
    const ctx = createMockActionContext({
      input: { entity, requiredControls: ['CAT-01', 'CAT-02'] },
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('passed', true);
  });

  it('blocks a required control that the evaluation does not know', async () => {
    compliance.evaluateEntity.mockResolvedValue(preview([]));
    const ctx = createMockActionContext({
      input: { entity, requiredControls: ['GH-01'] },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      /GH-01 GH-01 \(missing\): The control is not part of the evaluation/,
    );
  });

  it('fails on a critical or high control whose status is in failOnStatus', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([
        result('CAT-01', 'warn', { severity: 'critical' }),
        result('CAT-04', 'warn', { severity: 'low' }),
      ]),
    );

    await expect(
      action.handler(createMockActionContext({ input: { entity } })),
    ).resolves.toBeUndefined();

    const ctx = createMockActionContext({
      input: { entity, failOnStatus: ['fail' as const, 'warn' as const] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(/CAT-01/);
    expect(ctx.output).toHaveBeenCalledWith('blocking', [
      {
        controlId: 'CAT-01',
        title: 'Title of CAT-01',
        status: 'warn',
        reason: 'CAT-01 is warn',
      },
    ]);
  });

  it('fails when the minimum level is not reached, listing the missing controls', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([result('CAT-05', 'fail', { severity: 'medium' })]),
    );
    const ctx = createMockActionContext({
      input: { entity, minimumLevel: 'gold' },
    });

    const error = await action.handler(ctx).catch(e => e);

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'level silver is below the minimum level gold',
    );
    expect(error.message).toContain('CAT-05');
    expect(ctx.output).toHaveBeenCalledWith('passed', false);
  });

  it('fails when the entity reaches no level at all', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([], {
        level: null,
        nextLevel: { id: 'bronze', title: 'Bronze', missingControls: [] },
      }),
    );
    const ctx = createMockActionContext({
      input: { entity, minimumLevel: 'bronze' },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      'level none is below the minimum level bronze',
    );
    expect(ctx.output).toHaveBeenCalledWith('level', '');
  });

  it('orders the levels as the controls catalogue lists them', async () => {
    compliance.getControls.mockResolvedValue(
      catalogue(['bronze', 'silver', 'gold', 'platinum']),
    );
    compliance.evaluateEntity.mockResolvedValue(
      preview([], { level: { id: 'platinum', title: 'Platinum' } }),
    );
    const ctx = createMockActionContext({
      input: { entity, minimumLevel: 'gold' },
    });

    await action.handler(ctx);

    expect(compliance.getControls).toHaveBeenCalledWith({
      credentials: await ctx.getInitiatorCredentials(),
    });
    expect(ctx.output).toHaveBeenCalledWith('passed', true);
  });

  it('does not read the controls catalogue without a minimum level', async () => {
    compliance.evaluateEntity.mockResolvedValue(preview([]));

    await action.handler(createMockActionContext({ input: { entity } }));

    expect(compliance.getControls).not.toHaveBeenCalled();
  });

  it('only warns when enforce is false', async () => {
    compliance.evaluateEntity.mockResolvedValue(
      preview([result('CAT-01', 'fail', { remediation: 'Set an owner' })]),
    );
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: { entity, minimumLevel: 'gold', enforce: false },
      logger,
    });

    await action.handler(ctx);

    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Remediation: Set an owner'),
      expect.objectContaining({ blocking: 'CAT-01,CAT-05' }),
    );
    expect(ctx.output).toHaveBeenCalledWith('passed', false);
    expect(ctx.output).toHaveBeenCalledWith(
      'blocking',
      expect.arrayContaining([
        expect.objectContaining({ controlId: 'CAT-01', status: 'fail' }),
        expect.objectContaining({ controlId: 'CAT-05', status: 'missing' }),
      ]),
    );
  });

  it('rejects an entity without kind or name in its input schema', () => {
    const validator = new Validator();
    expect(
      validator.validate({ entity: { metadata: {} } }, action.schema!.input!)
        .valid,
    ).toBe(false);
    expect(validator.validate({ entity }, action.schema!.input!).valid).toBe(
      true,
    );
  });

  describe('examples', () => {
    it.each(action.examples!.map(e => [e.description, e.example]))(
      '%s',
      async (_description, example) => {
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe('compliance:check');
        const validation = new Validator().validate(
          step.input,
          action.schema!.input!,
        );
        expect(validation.errors).toEqual([]);

        compliance.evaluateEntity.mockResolvedValue(
          preview([result('CAT-01', 'pass'), result('CAT-02', 'pass')], {
            level: { id: 'gold', title: 'Gold' },
            nextLevel: undefined,
          }),
        );
        const ctx = createMockActionContext({ input: step.input });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('passed', true);
      },
    );
  });

  it('accepts the input of the example template in this repository', () => {
    const template = yaml.parse(
      readFileSync(
        resolvePath(__dirname, '../../../../examples/template/template.yaml'),
        'utf8',
      ),
    );
    const step = template.spec.steps.find(
      (s: { action: string }) => s.action === 'compliance:check',
    );
    expect(
      new Validator().validate(step.input, action.schema!.input!).errors,
    ).toEqual([]);
  });
});
