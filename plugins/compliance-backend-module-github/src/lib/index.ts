export {
  classifyGithubError,
  classifyGraphqlError,
  type GithubAnswer,
  type GithubErrorAnswer,
  type GraphqlErrorEntry,
} from './classify';
export {
  computeCiStats,
  mergeRuns,
  nextWatermark,
  percentile,
  runsNeedingAttemptLookup,
  toStoredRun,
  type CiStats,
  type RestWorkflowRun,
  type StoredRun,
} from './ciStats';
export {
  mergeEffectiveProtection,
  parseClassicProtection,
  type BranchRule,
  type BranchRules,
  type ClassicProtection,
  type ClassicProtectionSettings,
  type EffectiveProtection,
  type EffectiveSetting,
  type VisibleProtection,
} from './protection';
export {
  resolveGithubRepository,
  mayHaveGithubRepository,
  type GithubRepositoryRef,
} from './repository';
