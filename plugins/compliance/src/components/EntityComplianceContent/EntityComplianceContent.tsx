import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
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
import { SystemRollup } from '../SystemRollup';
import { useMinCoverage } from '../../lib/useMinCoverage';
import { useWhenIdle } from '../../lib/useWhenIdle';
import { loadSummaryAndResults } from '../../lib/entityData';
import { EntityWaivers } from '../EntityWaivers';

/**
 * The title of a side card as a heading one level below the tab's sections,
 * so the cards' own headings (empty states are h5) keep a valid order.
 */
function SectionTitle(props: { children: string }) {
  return (
    <Typography variant="h5" component="h4" style={{ margin: 0 }}>
      {props.children}
    </Typography>
  );
}

/** Starts loading the chart library while the data loads. */
export function prefetchCharts() {
  import('../Charts/Charts').catch(() => {});
}

export { useMinCoverage };

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
  /**
   * Coverage (0..1) below which the headline says "not enough evidence".
   * Defaults to `compliance.ui.minCoverage` from the app config, else 0.5.
   */
  minCoverage?: number;
}

/**
 * The Compliance tab's content, rendered by `EntityComplianceContent`
 * (EntityComplianceShell.tsx) once that has started the data requests:
 * headline, frameworks, controls and trend; CI signals, AI insight and
 * waivers when the browser is idle.
 */
export function EntityComplianceView(props: EntityComplianceContentProps) {
  const { staleAfterHours = 24, trendDays = 90 } = props;
  const minCoverage = useMinCoverage(props.minCoverage);
  const { entity } = useEntity();
  const isSystem = entity.kind.toLocaleLowerCase('en-US') === 'system';
  useEffect(prefetchCharts, []);
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

  // The first load takes the answers the shell prefetched; reloads ask again.
  const loads = useRef(0);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const data = await loadSummaryAndResults(
      api,
      entityRef,
      loads.current++ > 0,
    );
    setRefreshed(undefined);
    return data;
  }, [api, entityRef, reloadKey]);
  // The trend mounts at once (its data requested with the results, its
  // chart lazy); CI, insight and waivers once the browser is idle, so they
  // never hold back the list or the chart.
  const tertiary = useWhenIdle(Boolean(value));

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
  if (!value && !loading) {
    return (
      <EmptyState
        missing="data"
        title={t('tab.emptyTitle')}
        description={t('tab.emptyDescription')}
        action={<Button onClick={retry}>{t('common.refresh')}</Button>}
      />
    );
  }

  // One tree while loading and loaded, so the trend (mounted at once, its
  // data loading in parallel with the results) is never remounted; the
  // controls render as soon as the results arrive, before the chart.
  const summary = value ? refreshed ?? value.summary : undefined;
  return (
    <Grid container spacing={3} data-testid="compliance-tab">
      <Grid item xs={12}>
        {value && summary ? (
          <ComplianceSummaryHeader
            summary={summary}
            staleAfterHours={staleAfterHours}
            action={refreshButton}
            results={value.results}
            minCoverage={minCoverage}
          />
        ) : (
          <Progress aria-label={t('common.loading')} />
        )}
      </Grid>
      {isSystem && (
        <Grid item xs={12}>
          <SystemRollup systemRef={entityRef} />
        </Grid>
      )}
      <Grid item xs={12} lg={7}>
        {value && summary && (
          <InfoCard>
            <ControlList results={value.results} summary={summary} />
          </InfoCard>
        )}
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
          {tertiary && (
            <Grid item xs={12}>
              <InfoCard title={<SectionTitle>{t('ci.title')}</SectionTitle>}>
                <CiSignals entityRef={entityRef} />
              </InfoCard>
            </Grid>
          )}
          {tertiary && (
            <Grid item xs={12}>
              <InfoCard
                title={<SectionTitle>{t('insight.title')}</SectionTitle>}
              >
                <AiInsight entityRef={entityRef} reloadKey={reloadKey} />
              </InfoCard>
            </Grid>
          )}
        </Grid>
      </Grid>
      {value && tertiary && (
        <Grid item xs={12}>
          <EntityWaivers
            entityRef={entityRef}
            results={value.results}
            onChange={retry}
          />
        </Grid>
      )}
    </Grid>
  );
}
