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
import { CiDurationChart } from '../Charts';
import { readCiSummary } from '../../lib/ciSummary';
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
 * CI health of an entity read from the `github.ci.summary` fact: latest
 * default-branch status, pass and flaky rates, durations and the checks that
 * fail most. Shows an empty state until the CI collector has data.
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
  const { value, loading, error } = useAsync(
    () => api.getFacts(entityRef, { prefix: 'github.ci' }),
    [api, entityRef],
  );

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
  const top =
    variant === 'full' ? ci.topFailingChecks : ci.topFailingChecks.slice(0, 3);
  return (
    <Box data-testid="compliance-ci">
      <Grid container spacing={2}>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.latestStatus')}
            value={ci.latestStatus ?? '–'}
            testId="ci-latest"
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.passRate')}
            value={formatPercent(ci.passRate)}
            testId="ci-pass-rate"
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat label={t('ci.flakyRate')} value={formatPercent(ci.flakyRate)} />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.runs', { days: String(ci.windowDays ?? '–') })}
            value={ci.runs === undefined ? '–' : String(ci.runs)}
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.p50')}
            value={formatSeconds(ci.p50DurationSeconds)}
          />
        </Grid>
        <Grid item xs={6} sm={4}>
          <Stat
            label={t('ci.p95')}
            value={formatSeconds(ci.p95DurationSeconds)}
          />
        </Grid>
      </Grid>
      {variant === 'full' && ci.series.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            {t('ci.durationChart')}
          </Typography>
          <CiDurationChart series={ci.series} label={t('ci.durationChart')} />
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
