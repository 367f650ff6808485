export {
  deriveGithubBaseline,
  predictGithubFacts,
  isGithubControl,
  DEFAULT_GITHUB_BASELINE_CONFIG,
  type DeriveGithubBaselineOptions,
  type GithubBaselineRepository,
} from './deriveBaseline';
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
