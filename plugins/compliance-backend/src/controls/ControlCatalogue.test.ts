import { ControlCatalogue } from './ControlCatalogue';
import { catalogControls, defaultLevels } from './catalogControls';

const builtin = catalogControls({
  lifecycles: ['production'],
  minDescriptionLength: 20,
});

describe('ControlCatalogue', () => {
  it('looks controls and level titles up and answers the API shape with levels in order', () => {
    const c = ControlCatalogue.create({
      builtin,
      modules: [],
      config: [],
      levels: defaultLevels,
      frameworks: [{ id: 'soc2', title: 'SOC 2' }],
      kinds: ['Component', 'API'],
    });
    expect(c.get('CAT-01')?.title).toBeTruthy();
    expect(c.get('NOPE')).toBeUndefined();
    expect(c.levelTitle('gold')).toBe('Gold');
    expect(c.levelTitle('retired')).toBe('retired');
    expect(c.evaluates('api')).toBe(true);
    expect(c.evaluates('Group')).toBe(false);
    const body = c.toResponse();
    expect(body.levels.map(l => l.id)).toEqual(['bronze', 'silver', 'gold']);
    expect(body.kinds).toEqual(['component', 'api']);
    expect(c.unreachableLevels()).toEqual([]);
  });

  it('names levels that can never be reached because a required control is disabled', () => {
    const c = ControlCatalogue.create({
      builtin,
      modules: [],
      config: [],
      overrides: { disabled: ['CAT-05'] },
      levels: defaultLevels,
      frameworks: [],
      kinds: ['component'],
    });
    expect(c.unreachableLevels()).toEqual([
      { level: 'gold', missing: ['CAT-05'] },
    ]);
  });

  it('changes its hash when a control or the levels change', () => {
    const make = (levels = defaultLevels, disabled: string[] = []) =>
      ControlCatalogue.create({
        builtin,
        modules: [],
        config: [],
        overrides: { disabled },
        levels,
        frameworks: [],
        kinds: ['component'],
      }).hash;
    expect(make()).toBe(make());
    expect(make(defaultLevels, ['CAT-06'])).not.toBe(make());
    expect(make(defaultLevels.slice(0, 2))).not.toBe(make());
  });
});
