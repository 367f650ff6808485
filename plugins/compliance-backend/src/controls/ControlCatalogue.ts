import type {
  ComplianceLevel,
  Control,
  ControlDefinition,
  ControlsResponse,
} from 'backstage-plugin-compliance-common';
import {
  buildControls,
  controlSetHash,
  ControlOverrides,
} from '../lib/controls';
import type { EvaluationCatalogue } from '../lib/evaluateEntity';

/**
 * The control catalogue: every enabled control, the levels in order (lowest
 * first), the frameworks and the evaluated kinds. The one place the router,
 * the actions and the runners look controls up.
 */
export class ControlCatalogue implements EvaluationCatalogue {
  readonly controls: Control[];
  readonly levels: ComplianceLevel[];
  readonly frameworks: Array<{ id: string; title: string }>;
  /** Evaluated entity kinds, lower case. */
  readonly kinds: string[];
  readonly hash: string;
  readonly #byId: Map<string, Control>;

  static create(options: {
    builtin: ControlDefinition[];
    modules: ControlDefinition[];
    config: ControlDefinition[];
    overrides?: ControlOverrides;
    levels: ComplianceLevel[];
    frameworks: Array<{ id: string; title: string }>;
    kinds: string[];
  }): ControlCatalogue {
    return new ControlCatalogue(
      buildControls(options),
      options.levels,
      options.frameworks,
      options.kinds,
    );
  }

  constructor(
    controls: Control[],
    levels: ComplianceLevel[],
    frameworks: Array<{ id: string; title: string }> = [],
    kinds: string[] = [],
  ) {
    this.controls = controls;
    this.levels = levels;
    this.frameworks = frameworks;
    this.kinds = kinds.map(k => k.toLocaleLowerCase('en-US'));
    this.hash = controlSetHash(controls, levels);
    this.#byId = new Map(controls.map(c => [c.id, c]));
  }

  get(controlId: string): Control | undefined {
    return this.#byId.get(controlId);
  }

  /** The configured title of a level; the id when the level is gone. */
  levelTitle(levelId: string): string {
    return this.levels.find(l => l.id === levelId)?.title ?? levelId;
  }

  /** Whether entities of this kind are evaluated. */
  evaluates(kind: string): boolean {
    return this.kinds.includes(kind.toLocaleLowerCase('en-US'));
  }

  /** Levels that require controls that are not enabled: they can never be reached. */
  unreachableLevels(): Array<{ level: string; missing: string[] }> {
    return this.levels.flatMap(level => {
      const missing = level.requiredControls.filter(id => !this.#byId.has(id));
      return missing.length ? [{ level: level.id, missing }] : [];
    });
  }

  /** The catalogue as `GET /controls` answers it. */
  toResponse(): ControlsResponse {
    return {
      controls: this.controls,
      levels: this.levels,
      frameworks: this.frameworks,
      kinds: this.kinds,
    };
  }
}
