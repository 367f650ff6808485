import type { Control } from 'backstage-plugin-compliance-common';
import {
  determineLevel,
  scoreEntity,
  scoreResults,
  summarizeEntity,
} from './scoring';

const weights = new Map([
  ['crit', 10],
  ['high', 7.5],
  ['med', 5],
  ['low', 2.5],
  ['info', 0],
]);

describe('scoreResults', () => {
  it('weights pass 1, warn 0.5, fail 0', () => {
    const s = scoreResults(
      [
        { controlId: 'crit', status: 'pass' },
        { controlId: 'high', status: 'fail' },
        { controlId: 'med', status: 'warn' },
      ],
      weights,
    );
    // (10 + 0 + 2.5) / 22.5
    expect(s.score).toBe(55.6);
    expect(s.coverage).toBe(1);
    expect(s.counts).toMatchObject({ pass: 1, fail: 1, warn: 1 });
  });

  it('leaves unknown out of the score but reports it as missing coverage', () => {
    const s = scoreResults(
      [
        { controlId: 'crit', status: 'pass' },
        { controlId: 'high', status: 'unknown' },
      ],
      weights,
    );
    expect(s.score).toBe(100);
    expect(s.coverage).toBe(0.571);
    expect(s.knownWeight).toBe(10);
    expect(s.applicableWeight).toBe(17.5);
  });

  it('leaves not-applicable and waived out of score and coverage', () => {
    const s = scoreResults(
      [
        { controlId: 'crit', status: 'fail' },
        { controlId: 'high', status: 'not_applicable' },
        { controlId: 'med', status: 'waived' },
      ],
      weights,
    );
    expect(s.score).toBe(0);
    expect(s.coverage).toBe(1);
    expect(s.applicableWeight).toBe(10);
  });

  it('has no score when nothing is known', () => {
    const s = scoreResults([{ controlId: 'crit', status: 'unknown' }], weights);
    expect(s.score).toBeNull();
    expect(s.coverage).toBe(0);
  });
});

describe('scoreEntity', () => {
  const control = (
    id: string,
    category: string,
    weight: number,
    frameworks?: Record<string, string[]>,
  ) =>
    ({
      id,
      category,
      weight,
      frameworks,
      severity: 'high',
      title: id,
      description: '',
      rule: { pass: { fact: 'x', operator: 'exists' } },
      version: 'v',
      source: 'builtin',
      facts: [],
    } as Control);

  it('scores per category and per framework with the same formula', () => {
    const controls = [
      control('a', 'security', 10, { soc2: ['CC8.1'] }),
      control('b', 'security', 10, { soc2: ['CC6.1'], iso27001: ['A.8.4'] }),
      control('c', 'docs', 5),
    ];
    const s = scoreEntity(
      [
        { controlId: 'a', status: 'pass' },
        { controlId: 'b', status: 'fail' },
        { controlId: 'c', status: 'pass' },
      ],
      controls,
    );
    expect(s.total.score).toBe(60);
    expect(s.categories.security.score).toBe(50);
    expect(s.categories.docs.score).toBe(100);
    expect(s.frameworks.soc2.score).toBe(50);
    expect(s.frameworks.iso27001.score).toBe(0);
  });
});

describe('determineLevel', () => {
  const levels = [
    { id: 'bronze', title: 'Bronze', requiredControls: ['a'] },
    { id: 'silver', title: 'Silver', requiredControls: ['b'] },
    { id: 'gold', title: 'Gold', requiredControls: ['c'] },
  ];

  it('reaches the highest level whose required controls pass', () => {
    const r = determineLevel(
      levels,
      new Map([
        ['a', 'pass'],
        ['b', 'waived'],
        ['c', 'warn'],
      ]),
    );
    expect(r.level?.id).toBe('silver');
    expect(r.next).toEqual({ level: levels[2], missing: ['c'] });
  });

  it('does not skip a level that is not reached', () => {
    const r = determineLevel(
      levels,
      new Map([
        ['a', 'fail'],
        ['b', 'pass'],
        ['c', 'pass'],
      ]),
    );
    expect(r.level).toBeNull();
    expect(r.next?.missing).toEqual(['a']);
  });

  it('counts a control that does not apply as met', () => {
    const r = determineLevel(
      levels,
      new Map([
        ['a', 'pass'],
        ['b', 'not_applicable'],
        ['c', 'pass'],
      ]),
    );
    expect(r.level?.id).toBe('gold');
  });

  it('holds a level back until the entity has its minimum coverage', () => {
    const withCoverage = [
      levels[0],
      { ...levels[1], minCoverage: 0.5 },
      levels[2],
    ];
    const statuses = new Map<string, any>([
      ['a', 'pass'],
      ['b', 'pass'],
      ['c', 'pass'],
    ]);
    const low = determineLevel(withCoverage, statuses, 0.2);
    expect(low.level?.id).toBe('bronze');
    expect(low.next).toEqual({
      level: withCoverage[1],
      missing: [],
      minCoverage: 0.5,
    });
    expect(determineLevel(withCoverage, statuses, 0.5).level?.id).toBe('gold');
    // Without a minimum the coverage does not matter.
    expect(determineLevel(levels, statuses, 0).level?.id).toBe('gold');
  });

  it('reports the coverage a level needs beside its missing controls', () => {
    const summary = summarizeEntity(
      [
        { controlId: 'a', status: 'pass' },
        { controlId: 'x', status: 'unknown' },
      ],
      [{ id: 'a', weight: 1 } as any, { id: 'x', weight: 9 } as any],
      [{ ...levels[0], minCoverage: 0.5 }],
    );
    expect(summary.total.coverage).toBe(0.1);
    expect(summary.level).toBeNull();
    expect(summary.nextLevel).toEqual({
      id: 'bronze',
      title: 'Bronze',
      missingControls: [],
      minCoverage: 0.5,
    });
  });

  it('treats unknown as not met', () => {
    expect(
      determineLevel(levels, new Map([['a', 'unknown']])).level,
    ).toBeNull();
  });
});
