import {
  meetsLevelRequirement,
  type ControlResultWithControl,
  type EvaluationPreview,
} from 'backstage-plugin-compliance-common';

/** Severities watched by `failOnStatus` when no required controls are given. */
const WATCHED_SEVERITIES: readonly string[] = ['critical', 'high'];

/** A control that stops the gate. */
export interface BlockingControl {
  controlId: string;
  title: string;
  status: string;
  reason: string;
  remediation?: string;
}

/** The outcome of the gate for one evaluation. */
export interface GateOutcome {
  passed: boolean;
  levelProblem?: string;
  blocking: BlockingControl[];
}

/** What the gate checks. */
export interface GateOptions {
  minimumLevel?: string;
  /** The configured level ids, lowest first. */
  levels: readonly string[];
  requiredControls?: readonly string[];
  failOnStatus: readonly string[];
}

function toBlocking(
  controlId: string,
  result: ControlResultWithControl | undefined,
  fallbackReason: string,
): BlockingControl {
  if (!result) {
    return {
      controlId,
      title: controlId,
      status: 'missing',
      reason: fallbackReason,
    };
  }
  const remediation = result.control.remediation;
  return {
    controlId,
    title: result.control.title,
    status: result.status,
    reason: result.reason || fallbackReason,
    remediation: remediation
      ? [remediation.text, remediation.url].filter(Boolean).join(' ')
      : undefined,
  };
}

/**
 * Why the entity's level does not satisfy `minimumLevel`, or undefined when
 * it does.
 */
function checkLevel(
  current: string | undefined,
  minimumLevel: string,
  levels: readonly string[],
): string | undefined {
  if (current === minimumLevel) {
    return undefined;
  }
  const wanted = levels.indexOf(minimumLevel);
  if (wanted < 0) {
    return `the minimum level ${minimumLevel} is not a configured level (${
      levels.join(', ') || 'none configured'
    })`;
  }
  const reached = current === undefined ? -1 : levels.indexOf(current);
  if (reached >= wanted) {
    return undefined;
  }
  return `level ${
    current ?? 'none'
  } is below the minimum level ${minimumLevel}`;
}

/**
 * Applies the gate to an evaluation.
 *
 * - Level: with `minimumLevel`, the entity's level must be `minimumLevel` or a
 *   level after it in `levels`. When it is not, the controls the next level
 *   is missing are blocking.
 * - Required controls: each must meet the level requirement (`pass`,
 *   `waived` or `not_applicable`, as levels count them); a control the
 *   evaluation does not know is blocking too.
 * - Without required controls, every critical or high severity control whose
 *   status is in `failOnStatus` is blocking.
 */
export function applyGate(
  preview: EvaluationPreview,
  options: GateOptions,
): GateOutcome {
  const byId = new Map(preview.results.map(r => [r.controlId, r]));
  const blocking = new Map<string, BlockingControl>();
  let levelProblem: string | undefined;

  if (options.requiredControls && options.requiredControls.length > 0) {
    for (const controlId of options.requiredControls) {
      const result = byId.get(controlId);
      if (!meetsLevelRequirement(result?.status)) {
        blocking.set(
          controlId,
          toBlocking(
            controlId,
            result,
            'The control is not part of the evaluation',
          ),
        );
      }
    }
  } else {
    for (const result of preview.results) {
      if (
        WATCHED_SEVERITIES.includes(result.control.severity) &&
        options.failOnStatus.includes(result.status)
      ) {
        blocking.set(
          result.controlId,
          toBlocking(result.controlId, result, ''),
        );
      }
    }
  }

  if (options.minimumLevel) {
    levelProblem = checkLevel(
      preview.level?.id,
      options.minimumLevel,
      options.levels,
    );
    if (levelProblem) {
      for (const controlId of preview.nextLevel?.missingControls ?? []) {
        if (!blocking.has(controlId)) {
          blocking.set(
            controlId,
            toBlocking(
              controlId,
              byId.get(controlId),
              `Required for level ${preview.nextLevel?.id}`,
            ),
          );
        }
      }
    }
  }

  return {
    passed: !levelProblem && blocking.size === 0,
    levelProblem,
    blocking: [...blocking.values()],
  };
}

/** The error (or warning) message of a failed gate. */
export function describeFailure(
  entityRef: string,
  outcome: GateOutcome,
): string {
  const lines = [`Compliance gate failed for ${entityRef}`];
  if (outcome.levelProblem) {
    lines.push(`- ${outcome.levelProblem}`);
  }
  for (const b of outcome.blocking) {
    const fix = b.remediation ? ` Remediation: ${b.remediation}` : '';
    lines.push(
      `- ${b.controlId} ${b.title} (${b.status}): ${
        b.reason || 'no reason given'
      }.${fix}`,
    );
  }
  return lines.join('\n');
}
