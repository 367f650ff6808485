import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { DEFAULT_MIN_COVERAGE } from './explain';

/**
 * The coverage below which the headline says "not enough evidence": the
 * prop, else `compliance.ui.minCoverage` from the app config, else 0.5.
 */
export function useMinCoverage(prop?: number): number {
  const config = useApi(configApiRef);
  if (prop !== undefined) return prop;
  const fromConfig = config.getOptionalNumber('compliance.ui.minCoverage');
  return fromConfig !== undefined && fromConfig >= 0 && fromConfig <= 1
    ? fromConfig
    : DEFAULT_MIN_COVERAGE;
}
