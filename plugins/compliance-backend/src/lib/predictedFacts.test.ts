import { predictedEvaluationFacts, PREDICTED_SOURCE } from './predictedFacts';

describe('predictedEvaluationFacts', () => {
  it('adds predictions as known facts marked as predicted', () => {
    expect(
      predictedEvaluationFacts(
        [],
        [{ factId: 'github.defaultBranch.requiredApprovals', value: 2 }],
      ),
    ).toEqual([
      {
        factId: 'github.defaultBranch.requiredApprovals',
        known: true,
        value: 2,
        message: 'Predicted from the settings the template will apply',
        evidence: { source: PREDICTED_SOURCE },
      },
    ]);
  });

  it('never replaces an observed fact or an entity fact, and keeps the first of duplicates', () => {
    const out = predictedEvaluationFacts(
      [{ factId: 'catalog.owner.exists' }],
      [
        { factId: 'catalog.owner.exists', value: true },
        { factId: 'entity.owner', value: 'group:default/x' },
        { factId: 'github.x', value: 1 },
        { factId: 'github.x', value: 2 },
      ],
    );
    expect(out.map(f => [f.factId, f.value])).toEqual([['github.x', 1]]);
  });
});
