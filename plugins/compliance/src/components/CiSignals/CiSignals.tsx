import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { CiDurationChart, CiOutcomeChart } from '../Charts';
import { CiChecksTable } from './CiChecksTable';
import {
  ciDurationSeries,
  ciOutcomeSeries,
  formatCiHeadState,
  readCiSummary,
} from '../../lib/ciSummary';
import { formatPercent, formatRelative, formatSeconds } from '../../lib/format';

function Stat(props: { label: string; value: string; testId?: string }) {
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h6" component="div" data-testid={props.testId}>
        {props.value}
      </Typography>
    </Box>
  );
}

/**
 * CI health of an entity read from the `github.ci.summary` fact (through the
 * contract in `backstage-plugin-compliance-common`): latest default-branch
 * state, pass and flaky rates, durations and the checks that fail most.
 * Shows an empty state until the CI collector has data.
 *
 * @public
 */
export function CiSignals(props: {
  entityRef: string;
  variant?: 'full' | 'compact';
}) {
  const { entityRef, variant = 'full' } = props;
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { value, loading, error } = useAsync(async () => {
    const [github, pushed] = await Promise.all([
      api.getFacts(entityRef, { prefix: 'github.ci' }),
      api.getFacts(entityRef, { prefix: 'ci.pushed' }),
    ]);
    return { items: [...github.items, ...pushed.items] };
  }, [api, entityRef]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const ci = readCiSummary(value?.items);
  if (!ci) {
    return variant === 'full' ? (
      <EmptyState
        missing="data"
        title={t('ci.empty')}
        description={t('ci.emptyDescription')}
      />
    ) : (
      <Typography color="textSecondary">{t('ci.empty')}</Typography>
    );
  }
  const { summary } = ci;
  const top =
    variant === 'full'
      ? summary.topFailingChecks
      : summary.topFailingChecks.slice(0, 3);
  const series = variant === 'full' ? ciDurationSeries(summary) : [];
  const outcomes = variant === 'full' ? ciOutcomeSeries(summary) : [];
  return (
    <Box data-testid="compliance-ci">
      <Grid container spacing={2}>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.latestStatus')}
            value={formatCiHeadState(summary.headState)}
            testId="ci-latest"
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.passRate')}
            value={formatPercent(summary.passRate)}
            testId="ci-pass-rate"
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.flakyRate')}
            value={formatPercent(summary.flakyRate)}
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.runs', { days: String(summary.windowDays) })}
            value={String(summary.runs)}
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.p50')}
            value={formatSeconds(summary.p50DurationSeconds)}
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.p95')}
            value={formatSeconds(summary.p95DurationSeconds)}
          />
        </Grid>
      </Grid>
      {variant === 'full' && summary.checks && summary.checks.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            {t('ci.checks')}
          </Typography>
          <CiChecksTable checks={summary.checks} />
        </Box>
      )}
      {outcomes.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            {t('ci.outcomeChart')}
          </Typography>
          <CiOutcomeChart series={outcomes} label={t('ci.outcomeChart')} />
        </Box>
      )}
      {series.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            {t('ci.durationChart')}
          </Typography>
          <CiDurationChart series={series} label={t('ci.durationChart')} />
        </Box>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2" component="h3">
          {t('ci.topFailing')}
        </Typography>
        {top.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            {t('ci.noFailing')}
          </Typography>
        ) : (
          <List dense>
            {top.map(c => (
              <ListItem key={c.name} disableGutters>
                <ListItemText primary={c.name} secondary={String(c.count)} />
              </ListItem>
            ))}
          </List>
        )}
      </Box>
      {(ci.observedAt || ci.url) && (
        <Typography variant="caption" color="textSecondary">
          {ci.observedAt &&
            t('controls.observed', {
              relative: formatRelative(ci.observedAt) ?? '',
            })}
          {ci.url && (
            <>
              {' · '}
              <Link to={ci.url}>{t('controls.source')}</Link>
            </>
          )}
        </Typography>
      )}
    </Box>
  );
}
