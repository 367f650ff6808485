import { lazy, Suspense, useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../api';
import { prefetchEntityData } from '../lib/entityData';

// The view (and its dependencies) load while the data does; the chart
// library as soon as the view is there (it renders the list first).
const EntityComplianceView = lazy(() =>
  import('../components/EntityComplianceContent/EntityComplianceContent').then(
    m => {
      m.prefetchCharts();
      return { default: m.EntityComplianceView };
    },
  ),
);

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
