import { lazy, Suspense, useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../../api';
import { prefetchEntityData } from '../../lib/entityData';
import { complianceTranslationRef } from '../../translation';
import type { EntityComplianceContentProps } from './EntityComplianceContent';

const EntityComplianceView = lazy(() =>
  import('./EntityComplianceContent').then(m => ({
    default: m.EntityComplianceView,
  })),
);

/**
 * The Compliance tab of an entity page: headline, frameworks, controls, trend,
 * CI signals and AI insight. Reads the entity from the entity page context.
 *
 * @remarks
 * This small component asks for the entity's summary, results and trend as
 * soon as it mounts, while the tab's code is still loading, so the requests
 * and the code download run side by side.
 *
 * @public
 */
export function EntityComplianceContent(props: EntityComplianceContentProps) {
  const { entity } = useEntity();
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const entityRef = stringifyEntityRef(entity);
  useMemo(() => prefetchEntityData(api, entityRef), [api, entityRef]);
  return (
    <Suspense fallback={<Progress aria-label={t('common.loading')} />}>
      <EntityComplianceView {...props} />
    </Suspense>
  );
}
