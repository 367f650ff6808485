import {
  CI_HEAD_STATES,
  CiSummary,
  ciSummarySchema,
} from 'backstage-plugin-compliance-common';
import { CiWindowStats } from './ciStats';

/** Combined CI state of a commit, as the `github.ci.summary` contract knows it. */
export type CiHeadState = CiSummary['headState'];

/** Longest check (workflow) name the summary keeps. */
export const MAX_CHECK_NAME_LENGTH = 200;
/** Most failing checks the summary may list. */
const MAX_TOP_FAILING_CHECKS = 20;

/**
 * GitHub's `StatusState` of the head commit; `NONE` when nothing reported
 * or GitHub answers a state the contract does not know.
 */
export function toCiHeadState(state: string | null | undefined): CiHeadState {
  return CI_HEAD_STATES.find(s => s === state) ?? 'NONE';
}

/**
 * Builds the `github.ci.summary` fact value and validates it against the
 * contract in `backstage-plugin-compliance-common`. Workflow names come from
 * repository files, so they are bounded here; anything else the contract
 * rejects throws.
 */
export function buildCiSummary(
  head: {
    defaultBranch: string;
    headSha: string | null;
    headState: CiHeadState;
  },
  stats: CiWindowStats,
): CiSummary {
  return ciSummarySchema.parse({
    ...head,
    ...stats,
    topFailingChecks: stats.topFailingChecks
      .slice(0, MAX_TOP_FAILING_CHECKS)
      .map(check => ({
        name: check.name.slice(0, MAX_CHECK_NAME_LENGTH),
        count: check.count,
      })),
  });
}
