import {
  Control,
  ControlDefinition,
  ControlSeverity,
  ControlSource,
  SEVERITY_WEIGHTS,
  controlDefinitionSchema,
} from 'backstage-plugin-compliance-common';
import { hashOf } from './hash';
import { factIdsOf } from './rules';

/** Operator changes to controls, from config. */
export interface ControlOverrides {
  disabled?: string[];
  overrides?: Record<string, { severity?: ControlSeverity; weight?: number }>;
}

/** Validates a control definition, throwing an Error naming the problem. */
export function validateControlDefinition(
  input: unknown,
  origin: string,
): ControlDefinition {
  const parsed = controlDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const id =
      input && typeof input === 'object' && 'id' in input
        ? String((input as any).id)
        : '?';
    const issues = parsed.error.issues
      .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid control "${id}" from ${origin}: ${issues}`);
  }
  return parsed.data as ControlDefinition;
}

/**
 * Merges controls from the built-in catalogue, modules and config, applies
 * disable/re-weight overrides, and stamps each with its version hash.
 * Later sources replace earlier ones with the same id (config wins).
 */
export function buildControls(options: {
  builtin: ControlDefinition[];
  modules: ControlDefinition[];
  config: ControlDefinition[];
  overrides?: ControlOverrides;
}): Control[] {
  const byId = new Map<
    string,
    { def: ControlDefinition; source: ControlSource }
  >();
  const add = (defs: ControlDefinition[], source: ControlSource) => {
    for (const def of defs) {
      const valid = validateControlDefinition(def, `${source} controls`);
      byId.set(valid.id, { def: valid, source });
    }
  };
  add(options.builtin, 'builtin');
  add(options.modules, 'module');
  add(options.config, 'config');

  const disabled = new Set(options.overrides?.disabled ?? []);
  const overrides = options.overrides?.overrides ?? {};
  for (const id of [...disabled, ...Object.keys(overrides)]) {
    if (!byId.has(id)) {
      throw new Error(
        `compliance.controls refers to unknown control "${id}"; known controls: ${[
          ...byId.keys(),
        ].join(', ')}`,
      );
    }
  }

  const controls: Control[] = [];
  for (const [id, { def, source }] of byId) {
    if (disabled.has(id)) continue;
    const o = overrides[id] ?? {};
    const severity = o.severity ?? def.severity;
    const weight = o.weight ?? def.weight ?? SEVERITY_WEIGHTS[severity];
    const effective: ControlDefinition = { ...def, severity, weight };
    const facts = new Set<string>();
    factIdsOf(def.rule.pass, facts);
    factIdsOf(def.rule.warn, facts);
    factIdsOf(def.rule.notApplicable, facts);
    controls.push({
      ...effective,
      weight,
      version: hashOf(effective).slice(0, 16),
      source,
      facts: [...facts].sort(),
    });
  }
  return controls.sort((a, b) => a.id.localeCompare(b.id));
}

/** Hash of the whole control set, to detect rule changes. */
export function controlSetHash(controls: Control[], extra?: unknown): string {
  return hashOf({ v: controls.map(c => [c.id, c.version]), extra });
}
