import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  complianceEntityRefreshPermission,
  EntityComplianceSummary,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { hasStatus } from '../../lib/errors';
import { ComplianceSummaryHeader } from '../ComplianceSummaryHeader';
import { ControlList } from '../ControlList';
import { ScoreTrend } from '../ScoreTrend';
import { CiSignals } from '../CiSignals';
import { AiInsight } from '../AiInsight';

/**
 * Props of {@link EntityComplianceContent}.
 *
 * @public
 */
export interface EntityComplianceContentProps {
  /** Data older than this many hours gets a stale badge. Defaults to 24. */
  staleAfterHours?: number;
  /** The initial range of the score trend, in days. Defaults to 90. */
  trendDays?: number;
}

/**
 * The Compliance tab of an entity page: headline, frameworks, controls, trend,
 * CI signals and AI insight. Reads the entity from the entity page context.
 *
 * @public
 */
export function EntityComplianceContent(props: EntityComplianceContentProps) {
  const { staleAfterHours = 24, trendDays = 90 } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(complianceApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { allowed: canRefresh } = usePermission({
    permission: complianceEntityRefreshPermission,
    resourceRef: entityRef,
  });
  const [refreshing, setRefreshing] = useState(false);
  const [refreshed, setRefreshed] = useState<EntityComplianceSummary>();
  const [reloadKey, setReloadKey] = useState(0);

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [summary, results] = await Promise.all([
      api.getSummary(entityRef),
      api.getResults(entityRef),
    ]);
    setRefreshed(undefined);
    return { summary, results: results.items };
  }, [api, entityRef, reloadKey]);

  const onRefresh = async () => {
    setRefreshing(true);
    try {
      const summary = await api.refresh(entityRef);
      setRefreshed(summary);
      alertApi.post({
        message: t('common.refreshed'),
        severity: 'success',
        display: 'transient',
      });
      setReloadKey(k => k + 1);
    } catch (e) {
      alertApi.post({
        message: hasStatus(e, 403)
          ? t('common.notAllowedRefresh')
          : t('common.refreshFailed', {
              message: e instanceof Error ? e.message : String(e),
            }),
        severity: 'error',
      });
    } finally {
      setRefreshing(false);
    }
  };

  const refreshButton = canRefresh ? (
    <Button
      variant="outlined"
      color="primary"
      onClick={onRefresh}
      disabled={refreshing}
      aria-busy={refreshing}
      startIcon={
        refreshing ? (
          <CircularProgress size={16} aria-hidden />
        ) : (
          <RefreshIcon />
        )
      }
    >
      {refreshing ? t('common.refreshing') : t('common.refresh')}
    </Button>
  ) : undefined;

  if (loading && !value) {
    return <Progress aria-label={t('common.loading')} />;
  }
  if (error && hasStatus(error, 404)) {
    return (
      <EmptyState
        missing="data"
        title={t('tab.emptyTitle')}
        description={t('tab.emptyDescription')}
        action={refreshButton}
      />
    );
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return (
      <EmptyState
        missing="data"
        title={t('tab.emptyTitle')}
        description={t('tab.emptyDescription')}
        action={<Button onClick={retry}>{t('common.refresh')}</Button>}
      />
    );
  }

  const summary = refreshed ?? value.summary;
  return (
    <Grid container spacing={3} data-testid="compliance-tab">
      <Grid item xs={12}>
        <ComplianceSummaryHeader
          summary={summary}
          staleAfterHours={staleAfterHours}
          action={refreshButton}
        />
      </Grid>
      <Grid item xs={12} lg={7}>
        <InfoCard>
          <ControlList results={value.results} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <ScoreTrend
              entityRef={entityRef}
              defaultDays={trendDays}
              reloadKey={reloadKey}
            />
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={t('ci.title')}>
              <CiSignals entityRef={entityRef} />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={t('insight.title')}>
              <AiInsight />
            </InfoCard>
          </Grid>
        </Grid>
      </Grid>
    </Grid>
  );
}
