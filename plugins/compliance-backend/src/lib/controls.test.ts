import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import { buildControls, controlSetHash } from './controls';

const base: ControlDefinition = {
  id: 'X-1',
  title: 'X',
  description: '',
  category: 'c',
  severity: 'high',
  rule: { pass: { fact: 'f', operator: 'exists' } },
};

describe('buildControls', () => {
  it('gives each severity its default weight and lists the facts read', () => {
    const [c] = buildControls({ builtin: [base], modules: [], config: [] });
    expect(c.weight).toBe(7.5);
    expect(c.facts).toEqual(['f']);
    expect(c.source).toBe('builtin');
  });

  it('lets config replace a built-in control and re-weight or disable others', () => {
    const controls = buildControls({
      builtin: [base, { ...base, id: 'X-2' }, { ...base, id: 'X-3' }],
      modules: [],
      config: [{ ...base, title: 'Replaced' }],
      overrides: {
        disabled: ['X-2'],
        overrides: { 'X-3': { severity: 'low' } },
      },
    });
    expect(controls.map(c => c.id)).toEqual(['X-1', 'X-3']);
    expect(controls[0]).toMatchObject({ title: 'Replaced', source: 'config' });
    expect(controls[1]).toMatchObject({ severity: 'low', weight: 2.5 });
  });

  it('changes the version when the definition changes, and only then', () => {
    const [a] = buildControls({ builtin: [base], modules: [], config: [] });
    const [b] = buildControls({
      builtin: [{ ...base }],
      modules: [],
      config: [],
    });
    const [c] = buildControls({
      builtin: [{ ...base, rule: { pass: { fact: 'g', operator: 'exists' } } }],
      modules: [],
      config: [],
    });
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
    expect(controlSetHash([a])).not.toBe(controlSetHash([c]));
  });

  it('rejects an invalid control naming the problem', () => {
    expect(() =>
      buildControls({
        builtin: [],
        modules: [{ ...base, severity: 'urgent' as any }],
        config: [],
      }),
    ).toThrow(/Invalid control "X-1" from module controls: severity/);
    expect(() =>
      buildControls({
        builtin: [],
        modules: [],
        config: [
          { ...base, rule: { pass: { fact: 'f', operator: 'bogus' as any } } },
        ],
      }),
    ).toThrow(/Invalid control "X-1" from config controls/);
  });

  it('rejects overrides of unknown controls', () => {
    expect(() =>
      buildControls({
        builtin: [base],
        modules: [],
        config: [],
        overrides: { disabled: ['NOPE'] },
      }),
    ).toThrow(/unknown control "NOPE"/);
  });
});
