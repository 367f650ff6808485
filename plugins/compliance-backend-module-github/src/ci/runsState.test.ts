import runsFixture from '../__fixtures__/workflow-runs.json';
import { toStoredRun } from '../lib/ciStats';
import { readRunsState, RunsState, runsStateKey } from './runsState';

const state: RunsState = {
  signature: 'a8:SUCCESS:3',
  syncedAt: '2025-06-15T12:00:00.000Z',
  watermark: '2025-06-15T11:50:00Z',
  runs: runsFixture.workflow_runs.map(toStoredRun),
};

describe('readRunsState', () => {
  it('reads back a stored state', () => {
    state.runs[0].rerunAfterFailure = false;
    expect(readRunsState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('rejects other shapes', () => {
    expect(readRunsState(undefined)).toBeUndefined();
    expect(readRunsState([])).toBeUndefined();
    expect(readRunsState({ ...state, watermark: 1 })).toBeUndefined();
    expect(
      readRunsState({ ...state, runs: [{ ...state.runs[1], id: 'x' }] }),
    ).toBeUndefined();
  });

  it('keys runs by repository, hashed when long', () => {
    expect(runsStateKey('github.com/acme/payments')).toBe(
      'runs:github.com/acme/payments',
    );
    expect(runsStateKey(`ghe.example.com/${'o'.repeat(300)}`)).toMatch(
      /^runs:sha256:/,
    );
  });
});
