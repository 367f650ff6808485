import { complianceReportReadPermission } from 'backstage-plugin-compliance-common';
import { canonicalEntityRef } from '../lib/refs';

/**
 * What the actions about one catalog entity share: who sees them, how they
 * name the entity, and how its ref is read.
 */

/** Visible to callers that may read compliance reports; only reads. */
export const READS_REPORTS = {
  visibilityPermission: complianceReportReadPermission,
  attributes: { readOnly: true, idempotent: true, destructive: false },
};

/** Describes the `entityRef` input (a string schema) of an action about one entity. */
export const entityRefInput = <S extends { describe(description: string): S }>(
  schema: S,
): S =>
  schema.describe(
    'Entity reference, for example component:default/payments-api',
  );

/** The canonical ref of an action's `entityRef` input; InputError naming it. */
export const actionEntityRef = (input: string) =>
  canonicalEntityRef(input, { defaultKind: 'component', what: 'entityRef' });
