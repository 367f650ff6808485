export {
  deriveGithubBaseline,
  isGithubControl,
  DEFAULT_GITHUB_BASELINE_CONFIG,
  type DeriveGithubBaselineOptions,
} from './deriveBaseline';
export {
  predictGithubFacts,
  type GithubBaselineRepository,
} from './predictFacts';
export { readGithubBaselineConfig } from './config';
export type {
  GithubBaseline,
  GithubBaselineConfig,
  GithubBaselineControl,
  GithubBaselineFiles,
  GithubBaselineOverrides,
  GithubBaselineRuleset,
  GithubBaselineSecurity,
  GithubBypassActor,
} from './types';
