import { goodAnswer, dataOf } from './__testUtils__/fakeLlm';
import { INSIGHT_FIXTURES } from './__fixtures__/insightFixtures';
import { rulesInsight } from './fallback';
import { buildInsightInput } from './input';
import { buildRequest } from './prompt';
import { draftOf, scoreAnswer, scoreFindings } from './quality';

const fixture = INSIGHT_FIXTURES.find(f => f.name === 'neglected')!;
const input = buildInsightInput(fixture.sources);
const good = goodAnswer(dataOf(buildRequest(input, 0, 800).user));

describe('insight quality scores', () => {
  it('accepts a grounded answer wrapped in prose', () => {
    expect(
      scoreAnswer(`Here it is:\n${JSON.stringify(good)}\nDone.`, input),
    ).toEqual({ schemaValid: true, grounded: true, problems: [] });
  });

  it.each([
    ['not JSON', 'I cannot help with that', false],
    ['off schema', JSON.stringify({ summary: 'fine' }), false],
    [
      'an unknown id',
      JSON.stringify({
        ...good,
        summary: { text: 'All set.', cites: ['GH-NOPE-99'] },
      }),
      true,
    ],
    [
      'a wrong number',
      JSON.stringify({
        ...good,
        summary: { text: 'The score is 97.', cites: ['score.total'] },
      }),
      true,
    ],
  ])('catches %s', (_what, text, schemaValid) => {
    const score = scoreAnswer(text, input);
    expect(score.grounded).toBe(false);
    expect(score.schemaValid).toBe(schemaValid);
    expect(score.problems.length).toBeGreaterThan(0);
  });

  it('measures recall of key findings and forbidden risks', () => {
    const rules = draftOf(rulesInsight(input, new Date('2026-12-01')));
    expect(scoreFindings(rules, fixture)).toEqual({
      recall: 1,
      missing: [],
      forbidden: [],
    });
    const poor = {
      ...rules,
      summary: { text: 'Fine.', cites: ['score.total'] },
      trend: { text: 'Flat.', cites: ['score.total'] },
      ciCauses: [],
      risks: [
        { text: 'Force pushes.', controlId: 'GH-SCM-03', cites: ['GH-SCM-03'] },
      ],
      steps: [],
    };
    expect(scoreFindings(poor, fixture)).toEqual({
      recall: 0,
      missing: fixture.mustCite,
      forbidden: ['GH-SCM-03'],
    });
  });
});
