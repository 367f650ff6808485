import type { Control } from 'backstage-plugin-compliance-common';
import {
  csvCell,
  csvLine,
  exportRequirements,
  exportRowsForEntity,
} from './exportRows';

const control = (id: string, frameworks: Record<string, string[]>): Control =>
  ({
    id,
    title: `Control ${id}`,
    description: '',
    category: 'c',
    severity: 'high',
    rule: { pass: { fact: 'x', operator: 'exists' } },
    frameworks,
    weight: 7.5,
    version: 'v',
    source: 'builtin',
  } as Control);

const controls = [
  control('B', { soc2: ['CC8.1'], iso27001: ['A.8.32'] }),
  control('A', { soc2: ['CC8.1', 'CC6.1'] }),
  control('C', {}),
];

describe('exportRequirements', () => {
  it('groups controls per requirement, for one framework or all', () => {
    expect(exportRequirements(controls, 'soc2')).toEqual([
      { framework: 'soc2', requirement: 'CC6.1', controlIds: ['A'] },
      { framework: 'soc2', requirement: 'CC8.1', controlIds: ['A', 'B'] },
    ]);
    expect(exportRequirements(controls, 'all').map(r => r.framework)).toEqual([
      'iso27001',
      'soc2',
      'soc2',
    ]);
  });
});

describe('exportRowsForEntity', () => {
  it('lists requirement → control → entity with evidence as of then and the waiver in force', () => {
    const rows = exportRowsForEntity({
      entity: { entityRef: 'component:default/a', owner: 'group:default/t' },
      requirements: exportRequirements(controls, 'soc2'),
      controls: new Map(controls.map(c => [c.id, c])),
      statuses: [
        { controlId: 'A', status: 'waived', since: '2026-11-01T00:00:00Z' },
        { controlId: 'B', status: 'not_applicable' },
      ],
      current: [
        {
          entityRef: 'component:default/a',
          controlId: 'A',
          status: 'waived',
          reason: '',
          evidence: [{ factId: 'f', value: 1 }],
          controlVersion: 'v',
          evaluatedAt: '',
          statusSince: '',
        },
      ],
      facts: [
        {
          factId: 'f',
          value: 0,
          sha256: 'h0',
          changedAt: '2026-10-01T00:00:00Z',
          url: 'https://example.com/x',
        },
      ],
      waivers: [
        {
          id: 'w',
          source: 'api',
          entityRef: 'component:default/a',
          controlId: 'A',
          status: 'approved',
          reason: 'accepted',
          decidedBy: 'user:default/admin',
          expiresAt: '2026-12-31T00:00:00Z',
          reviewRequired: false,
        },
      ],
    });
    expect(rows.map(r => [r.requirement, r.controlId, r.status])).toEqual([
      ['CC6.1', 'A', 'waived'],
      ['CC8.1', 'A', 'waived'],
    ]);
    expect(rows[0]).toMatchObject({
      owner: 'group:default/t',
      evidence: [
        { factId: 'f', value: 0, sha256: 'h0', url: 'https://example.com/x' },
      ],
      waiver: { approver: 'user:default/admin', reason: 'accepted' },
    });
    const line = csvLine(rows[0]);
    expect(line).toContain('f=h0');
    expect(line).toContain('user:default/admin');
    expect(line.endsWith('\n')).toBe(true);
  });

  it('quotes CSV cells and neutralises formulas from catalog text', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(undefined)).toBe('');
  });
});
