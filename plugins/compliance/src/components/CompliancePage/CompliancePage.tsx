import { Content, Header, Page } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceTranslationRef } from '../../translation';
import type { ComplianceOverviewProps } from '../ComplianceOverview';
import { ComplianceRoutes } from '../ComplianceRoutes';

/**
 * The org overview as a full page with a header, for the legacy frontend
 * system. The new system renders `ComplianceOverview` in its own page
 * layout.
 *
 * @public
 */
export function CompliancePage(props: ComplianceOverviewProps) {
  const { t } = useTranslationRef(complianceTranslationRef);
  return (
    <Page themeId="tool">
      <Header title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <Content>
        <ComplianceRoutes {...props} />
      </Content>
    </Page>
  );
}
