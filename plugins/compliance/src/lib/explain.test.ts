import { makeResult } from '../__testUtils__/fixtures';
import {
  classifyReasonText,
  fixFirst,
  groupUnknowns,
  hasEnoughEvidence,
  localCheck,
  permissionsIn,
  unknownCause,
} from './explain';

describe('unknownCause', () => {
  it('uses the reason code and names the GitHub permission from the text', () => {
    const r = makeResult('protection', 'unknown', {
      unknownReason: 'insufficient_permission',
      reason:
        'Cannot evaluate: GitHub answered 403 Resource not accessible by integration (needs administration=read)',
    });
    expect(unknownCause(r)).toEqual({
      code: 'insufficient_permission',
      permission: 'administration=read',
    });
  });

  it('names the annotation to add when no repository is linked', () => {
    expect(
      unknownCause(makeResult('x', 'unknown', { unknownReason: 'no_repo' })),
    ).toEqual({ code: 'no_repo', annotation: 'github.com/project-slug' });
  });

  it('classifies free-text reasons when no code came with the result', () => {
    expect(
      classifyReasonText(
        'No GitHub credentials are configured for github.com: add a token',
      ),
    ).toBe('no_credentials');
    expect(
      classifyReasonText('No GitHub repository: add the github.com/project-slug annotation'),
    ).toBe('no_repo');
    expect(classifyReasonText('GitHub answered 403 Forbidden')).toBe(
      'insufficient_permission',
    );
    expect(classifyReasonText('GitHub rate limit reached')).toBe(
      'rate_limited',
    );
    expect(classifyReasonText('github.x is unknown (not_collected)')).toBe(
      'insufficient_data',
    );
  });

  it('reads several permissions and ignores text without a "needs" clause', () => {
    expect(
      permissionsIn('403 (needs contents=read, Administration=read)'),
    ).toBe('administration=read, contents=read');
    expect(permissionsIn('admin=read somewhere')).toBeUndefined();
  });
});

describe('groupUnknowns', () => {
  it('collapses unknowns with one cause into one group, heaviest first', () => {
    const results = [
      ...Array.from({ length: 31 }, (_, i) =>
        makeResult(`gh-${i}`, 'unknown', { unknownReason: 'no_credentials' }),
      ),
      makeResult('p1', 'unknown', {
        unknownReason: 'insufficient_permission',
        reason: 'Cannot evaluate: GitHub answered 403 (needs administration=read)',
      }),
      makeResult('p2', 'unknown', {
        unknownReason: 'insufficient_permission',
        reason: 'Cannot evaluate: GitHub answered 404 (needs secret_scanning_alerts=read)',
      }),
      makeResult('ok', 'pass'),
    ];
    const groups = groupUnknowns(results);
    expect(groups.map(g => [g.code, g.permission, g.results.length])).toEqual([
      ['no_credentials', undefined, 31],
      ['insufficient_permission', 'administration=read', 1],
      ['insufficient_permission', 'secret_scanning_alerts=read', 1],
    ]);
    expect(groups[0].weight).toBe(31 * 7.5);
  });
});

describe('hasEnoughEvidence', () => {
  it('needs the minimum coverage and a score', () => {
    expect(hasEnoughEvidence({ score: 100, coverage: 0.18 })).toBe(false);
    expect(hasEnoughEvidence({ score: 100, coverage: 0.5 })).toBe(true);
    expect(hasEnoughEvidence({ score: 100, coverage: 0.3 }, 0.25)).toBe(true);
    expect(hasEnoughEvidence({ score: null, coverage: 1 })).toBe(false);
  });
});

describe('fixFirst', () => {
  it('puts what blocks the next level first, then the biggest score gain', () => {
    const results = [
      makeResult('small-fail', 'fail', { weight: 2.5 }),
      makeResult('big-warn', 'warn', { weight: 10 }),
      makeResult('big-fail', 'fail', { weight: 10 }),
      makeResult('level-warn', 'warn', { weight: 2.5 }),
      makeResult('pass', 'pass', { weight: 10 }),
      makeResult('unknown', 'unknown', { weight: 10 }),
    ];
    const items = fixFirst(results, {
      knownWeight: 35,
      nextLevel: { id: 's', title: 'S', missingControls: ['level-warn'] },
    });
    expect(items.map(i => i.result.controlId)).toEqual([
      'level-warn',
      'big-fail',
      'big-warn',
      'small-fail',
    ]);
    expect(items[0].blocksNextLevel).toBe(true);
    // A fail gains its full weight over the known weight, a warn half.
    expect(items[1].gain).toBe(28.6);
    expect(items[2].gain).toBe(14.3);
  });
});

describe('localCheck', () => {
  it('turns a GitHub REST source into a gh api call', () => {
    expect(
      localCheck(
        makeResult('p', 'fail', {
          source: 'GET /repos/{owner}/{repo}/branches/{branch}/protection',
        }),
      ),
    ).toBe('gh api repos/{owner}/{repo}/branches/{branch}/protection');
    expect(
      localCheck(makeResult('g', 'fail', { source: 'GraphQL repository' })),
    ).toBeUndefined();
  });
});
