/**
 * GitHub repository controls and CI signals for the Backstage compliance
 * suite.
 *
 * @packageDocumentation
 */
export { complianceModuleGithub as default } from './module';
export { complianceModuleGithub } from './module';
export {
  readGithubComplianceConfig,
  type GithubComplianceConfig,
  type GithubComplianceThresholds,
} from './config';
export { createGithubControls } from './controls';
export {
  GITHUB_FACTS,
  GITHUB_FACT_DESCRIPTORS,
  type GithubFactId,
} from './githubFactIds';
export {
  GithubCollector,
  type GithubCollectorOptions,
} from './GithubCollector';
export type { GithubRetryOptions } from './client/GithubClients';
export * from './baseline';
