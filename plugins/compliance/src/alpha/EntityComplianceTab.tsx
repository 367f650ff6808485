import { lazy, Suspense, useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../api';
import { prefetchEntityData } from '../lib/entityData';

// The view (and its dependencies) load while the data does, and the chart
// library beside the view rather than after it (the view renders the list
// first, then the trend, which then finds the library loaded).
const EntityComplianceView = lazy(() => {
  import('../components/Charts/Charts').catch(() => {});
  return import(
    '../components/EntityComplianceContent/EntityComplianceContent'
  ).then(m => ({ default: m.EntityComplianceView }));
});

/**
 * The Compliance tab as the new frontend system mounts it. This small part
 * ships with the app's code, so the tab starts its requests (summary,
 * results, a year of history) the moment it mounts, in parallel with
 * loading the view's code instead of after it.
 */
export function EntityComplianceTab() {
  const { entity } = useEntity();
  const api = useApi(complianceApiRef);
  const entityRef = stringifyEntityRef(entity);
  useMemo(() => prefetchEntityData(api, entityRef), [api, entityRef]);
  return (
    <Suspense fallback={<Progress />}>
      <EntityComplianceView />
    </Suspense>
  );
}
