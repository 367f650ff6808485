import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { complianceTranslationRef } from '../../translation';
import { CiSignals } from '../CiSignals';

/**
 * CI health of an entity for its overview tab: latest default-branch state,
 * pass and flaky rates, durations and the checks that fail most.
 *
 * @public
 */
export function EntityCiSignalsCard() {
  const { entity } = useEntity();
  const { t } = useTranslationRef(complianceTranslationRef);
  return (
    <InfoCard title={t('ci.title')}>
      <CiSignals entityRef={stringifyEntityRef(entity)} variant="compact" />
    </InfoCard>
  );
}
