import { createGithubControls } from '.';
import { GITHUB_COMPLIANCE_DEFAULTS } from '../config';
import { GITHUB_FACT_DESCRIPTORS } from '../githubFactIds';
import { RuleCondition } from 'backstage-plugin-compliance-common';

function factsOf(condition: RuleCondition | undefined): string[] {
  if (!condition) return [];
  if ('fact' in condition) return [condition.fact];
  if ('not' in condition) return factsOf(condition.not);
  if ('all' in condition) return condition.all.flatMap(factsOf);
  return condition.any.flatMap(factsOf);
}

describe('createGithubControls', () => {
  const controls = createGithubControls({
    ...GITHUB_COMPLIANCE_DEFAULTS.thresholds,
  });

  it('defines the SCM, BP, SEC, CI and CR controls with unique ids', () => {
    const ids = controls.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter(i => i.startsWith('GH-SCM-'))).toHaveLength(7);
    expect(ids.filter(i => i.startsWith('GH-BP-'))).toHaveLength(9);
    expect(ids.filter(i => i.startsWith('GH-SEC-'))).toHaveLength(9);
    expect(ids.filter(i => i.startsWith('GH-CI-'))).toHaveLength(7);
    expect(ids).toContain('GH-CR-01');
  });

  it('only reads facts the collector writes or entity pseudo-facts', () => {
    const known = new Set(GITHUB_FACT_DESCRIPTORS.map(f => f.id));
    for (const control of controls) {
      const used = [
        ...factsOf(control.rule.pass),
        ...factsOf(control.rule.warn),
        ...factsOf(control.rule.notApplicable),
      ];
      for (const fact of used) {
        expect(fact.startsWith('entity.') || known.has(fact)).toBe(true);
      }
    }
  });

  it('gives every scored control remediation and framework mappings', () => {
    expect(controls.filter(c => !c.remediation?.text)).toEqual([]);
    const urls = controls.flatMap(c =>
      c.remediation?.url ? [c.remediation.url] : [],
    );
    expect(urls.filter(u => !u.startsWith('https://docs.github.com/'))).toEqual(
      [],
    );
    expect(urls.length).toBeGreaterThan(25);
    const unmapped = controls.filter(
      c =>
        c.severity !== 'info' && Object.keys(c.frameworks ?? {}).length === 0,
    );
    expect(unmapped).toEqual([]);
  });

  it('puts configured thresholds into the CI rules', () => {
    const custom = createGithubControls({
      ...GITHUB_COMPLIANCE_DEFAULTS.thresholds,
      passRate: 0.8,
      passRateWarn: 0.6,
    });
    const ci3 = custom.find(c => c.id === 'GH-CI-03')!;
    expect(ci3.rule.pass).toEqual({
      fact: 'github.ci.passRate',
      operator: 'greaterThanInclusive',
      value: 0.8,
    });
    expect(ci3.title).toContain('80%');
  });
});
