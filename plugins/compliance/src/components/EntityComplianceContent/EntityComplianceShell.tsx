import { useMemo } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../../api';
import { prefetchEntityData } from '../../lib/entityData';
import {
  EntityComplianceView,
  type EntityComplianceContentProps,
} from './EntityComplianceContent';

/**
 * The Compliance tab of an entity page: headline, frameworks, controls, trend,
 * CI signals and AI insight. Reads the entity from the entity page context.
 *
 * @remarks
 * It asks for the entity's summary, results and a year of history at once
 * when it mounts. The view is imported statically: a lazily loaded view
 * measured slower (`yarn bench:ui`), its chunks waiting for this one.
 *
 * @public
 */
export function EntityComplianceContent(props: EntityComplianceContentProps) {
  const { entity } = useEntity();
  const api = useApi(complianceApiRef);
  const entityRef = stringifyEntityRef(entity);
  useMemo(() => prefetchEntityData(api, entityRef), [api, entityRef]);
  return <EntityComplianceView {...props} />;
}
