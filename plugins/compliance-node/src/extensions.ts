import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import type { ComplianceCollector } from './collectors';

/**
 * Lets modules add fact collectors to the compliance backend.
 *
 * @public
 */
export interface ComplianceCollectorsExtensionPoint {
  addCollector(
    ...collectors: Array<ComplianceCollector | ComplianceCollector[]>
  ): void;
}

/**
 * Extension point id `compliance.collectors`.
 *
 * @public
 */
export const complianceCollectorsExtensionPoint =
  createExtensionPoint<ComplianceCollectorsExtensionPoint>({
    id: 'compliance.collectors',
  });

/**
 * Lets modules add control definitions to the compliance backend.
 *
 * @public
 */
export interface ComplianceControlsExtensionPoint {
  addControls(
    ...controls: Array<ControlDefinition | ControlDefinition[]>
  ): void;
}

/**
 * Extension point id `compliance.controls`.
 *
 * @public
 */
export const complianceControlsExtensionPoint =
  createExtensionPoint<ComplianceControlsExtensionPoint>({
    id: 'compliance.controls',
  });
