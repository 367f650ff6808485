import { ControlDefinition } from 'backstage-plugin-compliance-common';
import { GithubComplianceThresholds } from '../config';
import { branchProtectionControls } from './branchProtectionControls';
import { ciAndReviewControls } from './ciControls';
import { repositoryControls } from './repositoryControls';
import { securityControls } from './securityControls';

/**
 * The GitHub controls, with thresholds from config. Ids are `GH-<area>-<nn>`
 * following the rows of the reference catalogue (SCM, BP, SEC, CI, CR).
 *
 * @public
 */
export function createGithubControls(
  thresholds: GithubComplianceThresholds,
): ControlDefinition[] {
  return [
    ...repositoryControls(),
    ...branchProtectionControls(),
    ...securityControls(thresholds),
    ...ciAndReviewControls(thresholds),
  ];
}
