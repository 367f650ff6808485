import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type {
  ControlsResponse,
  JsonValue,
} from 'backstage-plugin-compliance-common';
import {
  deriveGithubBaseline,
  predictGithubFacts,
  readGithubBaselineConfig,
} from 'backstage-plugin-compliance-backend-module-github';

/** The baseline a template will apply, as the gate sees it. */
export interface PredictedPlan {
  level: string;
  predictedFacts: Array<{ factId: string; value: JsonValue }>;
  covered: string[];
  uncovered: Array<{ controlId: string; reason: string }>;
}

/**
 * The facts the baseline of a level predicts for a new repository, and
 * which required GitHub controls it covers.
 */
export function planFor(
  catalogue: ControlsResponse,
  level: string | undefined,
  visibility: 'public' | 'private' | 'internal' | undefined,
  config: Config | undefined,
  isNew = true,
): PredictedPlan {
  if (!level) {
    throw new InputError(
      'baseline.level (or minimumLevel) names the level whose baseline the template applies',
    );
  }
  if (!catalogue.levels.some(l => l.id === level)) {
    throw new InputError(
      `Unknown baseline level "${level}"; configured levels: ${
        catalogue.levels.map(l => l.id).join(', ') || 'none'
      }`,
    );
  }
  const repository = { isNew, visibility };
  const baseline = deriveGithubBaseline({
    controls: catalogue.controls,
    levels: catalogue.levels,
    level,
    config: config ? readGithubBaselineConfig(config) : undefined,
    repository,
  });
  return {
    level,
    predictedFacts: [...predictGithubFacts(baseline, repository)].map(
      ([factId, value]) => ({ factId, value }),
    ),
    covered: baseline.controls.filter(c => c.covered).map(c => c.controlId),
    uncovered: baseline.controls
      .filter(c => !c.covered)
      .map(c => ({ controlId: c.controlId, reason: c.reason ?? '' })),
  };
}
