import { mockServices } from '@backstage/backend-test-utils';
import type { FactStore } from '../database/ComplianceStore';
import { collectorState, toFactWrites } from './collectorContext';

describe('collectorState', () => {
  it('contains a failed state write so the collected facts survive', async () => {
    const facts = {
      setState: jest.fn().mockRejectedValue(new Error('value too long')),
      deleteState: jest.fn().mockRejectedValue(new Error('deadlock')),
      getState: jest.fn().mockResolvedValue(new Map([['k', 1]])),
    } as unknown as FactStore;
    const logger = mockServices.logger.mock();
    const state = collectorState(facts, 'github', logger);
    await expect(state.set([{ key: 'k', value: 2 }])).resolves.toBeUndefined();
    await expect(state.delete(['k'])).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(await state.get('k')).toBe(1);
  });
});

describe('toFactWrites', () => {
  it('keeps declared facts only, normalizes refs and separates unknowns from values', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    const writes = toFactWrites(
      {
        id: 'c',
        facts: [{ id: 'c.a', type: 'number', description: '' }],
        collect: async () => [],
      },
      [
        { entityRef: 'Component:default/A', factId: 'c.a', value: 1 },
        { entityRef: 'component:default/a', factId: 'c.undeclared', value: 2 },
        {
          entityRef: 'component:default/b',
          factId: 'c.a',
          unknownReason: 'rate_limited',
          value: 5,
          observedAt: '2026-11-29T00:00:00.000Z',
        },
      ],
      now,
    );
    expect(writes).toEqual([
      {
        entityRef: 'component:default/a',
        factId: 'c.a',
        value: 1,
        observedAt: now,
      },
      {
        entityRef: 'component:default/b',
        factId: 'c.a',
        unknownReason: 'rate_limited',
        observedAt: new Date('2026-11-29T00:00:00.000Z'),
      },
    ]);
  });
});
