import { ConfigReader } from '@backstage/config';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { EntityComplianceSummary } from 'backstage-plugin-compliance-common';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import { Validator } from 'jsonschema';
import yaml from 'yaml';
import { createComplianceRefreshAction } from './createComplianceRefreshAction';

const summary = {
  entityRef: 'component:default/payments-api',
  score: 72.5,
  coverage: 0.8,
  level: { id: 'bronze', title: 'Bronze' },
} as EntityComplianceSummary;

describe('compliance:refresh', () => {
  const compliance = complianceServiceMock();
  const action = createComplianceRefreshAction({ compliance });

  beforeEach(() => jest.resetAllMocks());

  it('refreshes the entity and sets the outputs', async () => {
    compliance.refresh.mockResolvedValue(summary);
    const ctx = createMockActionContext({
      input: { entityRef: 'Component:payments-api' },
    });

    await action.handler(ctx);

    expect(compliance.refresh).toHaveBeenCalledWith(
      'component:default/payments-api',
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(ctx.output).toHaveBeenCalledWith('score', 72.5);
    expect(ctx.output).toHaveBeenCalledWith('coverage', 0.8);
    expect(ctx.output).toHaveBeenCalledWith('level', 'bronze');
  });

  it('records that the template run created the entity at its level, with the run link', async () => {
    const recording = createComplianceRefreshAction({
      compliance,
      config: new ConfigReader({
        app: { baseUrl: 'https://backstage.example.com/' },
      }),
    });
    compliance.refresh.mockResolvedValue(summary);
    compliance.recordCreation.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      level: 'bronze',
      templateRef: 'template:default/example-nodejs-template',
      taskId: 'task-1',
      recordedBy: 'user:default/mock',
      createdAt: '2026-12-14T10:00:00.000Z',
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
      templateInfo: { entityRef: 'template:default/example-nodejs-template' },
    });
    Object.assign(ctx, { task: { id: 'task-1' } });

    await recording.handler(ctx);

    expect(compliance.recordCreation).toHaveBeenCalledWith(
      'component:default/payments-api',
      {
        templateRef: 'template:default/example-nodejs-template',
        taskId: 'task-1',
        runUrl: 'https://backstage.example.com/create/tasks/task-1',
      },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(ctx.output).toHaveBeenCalledWith('recorded', true);
  });

  it('still succeeds when the record cannot be written', async () => {
    compliance.refresh.mockResolvedValue(summary);
    compliance.recordCreation.mockRejectedValue(new Error('denied'));
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
      templateInfo: { entityRef: 'template:default/t' },
    });
    Object.assign(ctx, { task: { id: 'task-2' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('status', 'evaluated');
    expect(ctx.output).toHaveBeenCalledWith('recorded', false);
  });

  it('waits for a just-registered entity to reach the catalog, then evaluates it', async () => {
    const sleep = jest.fn(async (_ms: number) => {});
    const waiting = createComplianceRefreshAction({ compliance, sleep });
    compliance.refresh
      .mockRejectedValueOnce(new NotFoundError('not in the catalog'))
      .mockRejectedValueOnce(new NotFoundError('not in the catalog'))
      .mockResolvedValue(summary);
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
    });
    await waiting.handler(ctx);
    expect(compliance.refresh).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls.map(c => c[0])).toEqual([1000, 2000]);
    expect(ctx.output).toHaveBeenCalledWith('status', 'evaluated');
    expect(ctx.output).toHaveBeenCalledWith('score', 72.5);
  });

  it('reports the entity as queued instead of failing when it never appears within the bound', async () => {
    const waiting = createComplianceRefreshAction({
      compliance,
      sleep: async () => {},
    });
    compliance.refresh.mockRejectedValue(new NotFoundError('not yet'));
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/new-svc', waitSeconds: 0 },
    });
    await waiting.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('status', 'queued');
    expect(ctx.output).toHaveBeenCalledWith('score', null);
  });

  it('fails on other errors (a denied refresh is not hidden)', async () => {
    compliance.refresh.mockRejectedValue(new NotAllowedError('denied'));
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
    });
    await expect(action.handler(ctx)).rejects.toThrow('denied');
  });

  it('outputs an empty level when the entity reaches none', async () => {
    compliance.refresh.mockResolvedValue({ ...summary, level: null });
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/payments-api' },
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('level', '');
  });

  it('throws an InputError naming an invalid entityRef', async () => {
    const ctx = createMockActionContext({ input: { entityRef: 'not a ref' } });

    const error = await action.handler(ctx).catch(e => e);

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('Invalid entityRef "not a ref"');
    expect(compliance.refresh).not.toHaveBeenCalled();
  });

  describe('examples', () => {
    it.each(action.examples!.map(e => [e.description, e.example]))(
      '%s',
      async (_description, example) => {
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe('compliance:refresh');
        expect(
          new Validator().validate(step.input, action.schema!.input!).errors,
        ).toEqual([]);
      },
    );

    it('refreshes the entity of the example with a literal reference', async () => {
      compliance.refresh.mockResolvedValue(summary);
      const literal = action.examples!.find(e =>
        e.example.includes('component:default/payments-api'),
      )!;
      const ctx = createMockActionContext({
        input: yaml.parse(literal.example).steps[0].input,
      });

      await action.handler(ctx);

      expect(compliance.refresh).toHaveBeenCalledWith(
        'component:default/payments-api',
        expect.anything(),
      );
    });
  });
});
