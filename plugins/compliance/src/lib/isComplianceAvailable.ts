import type { Entity } from '@backstage/catalog-model';
import type { FilterPredicate } from '@backstage/filter-predicates';
import {
  ANNOTATION_COMPLIANCE_SKIP,
  DEFAULT_EVALUATED_KINDS,
} from 'backstage-plugin-compliance-common';

/**
 * The entity kinds the compliance tab and cards are shown for by default:
 * the kinds the backend evaluates by default (`DEFAULT_EVALUATED_KINDS`:
 * component, api, resource, system).
 *
 * @public
 */
export const COMPLIANCE_ENTITY_KINDS: readonly string[] = DEFAULT_EVALUATED_KINDS;

/**
 * Whether compliance data can be shown for an entity: it is of an evaluated
 * kind and does not opt out with the annotation `compliance.backstage.io/skip: 'true'`.
 *
 * @remarks
 * Use with `EntitySwitch` in the legacy frontend system. The new frontend
 * system uses the equivalent declarative filter `complianceEntityFilter`.
 *
 * @public
 */
export function isComplianceAvailable(entity: Entity): boolean {
  if (
    !COMPLIANCE_ENTITY_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'))
  ) {
    return false;
  }
  const skip = entity.metadata.annotations?.[ANNOTATION_COMPLIANCE_SKIP];
  return skip?.toLocaleLowerCase('en-US') !== 'true';
}

/**
 * The declarative entity filter of the new-system extensions: the same rule
 * as {@link isComplianceAvailable}. Adopters can replace it with the
 * extension's `filter` config.
 *
 * @public
 */
export const complianceEntityFilter: FilterPredicate = {
  $all: [
    { kind: { $in: [...COMPLIANCE_ENTITY_KINDS] } },
    {
      $not: { [`metadata.annotations.${ANNOTATION_COMPLIANCE_SKIP}`]: 'true' },
    },
  ],
};
