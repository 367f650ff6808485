import type { z } from 'zod/v3';

/**
 * The `score`, `coverage` and `level` outputs that both actions set, from an
 * evaluation or a stored summary.
 */
export function scoreOutputShape(zImpl: typeof z) {
  return {
    score: zImpl
      .number()
      .nullable()
      .describe('Score 0..100, null when nothing is known yet'),
    coverage: zImpl
      .number()
      .describe('Known weight divided by applicable weight, 0..1'),
    level: zImpl.string().describe('The level id reached, empty when none'),
  };
}
