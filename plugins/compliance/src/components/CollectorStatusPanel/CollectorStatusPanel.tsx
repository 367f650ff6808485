import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { hasStatus } from '../../lib/errors';
import {
  formatAbsolute,
  formatRelative,
  formatSeconds,
} from '../../lib/format';

/**
 * The collectors' last runs (time, duration, entities processed, facts
 * written, errors), polling while a run is under way.
 *
 * @public
 */
export function CollectorStatusPanel(props: { pollIntervalMs?: number }) {
  const { pollIntervalMs = 5000 } = props;
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getStatus(),
    [api],
  );
  const running = value?.collectors.some(c => c.running) ?? false;

  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(retry, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [running, retry, pollIntervalMs, value]);

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error && (hasStatus(error, 403) || hasStatus(error, 401))) {
    body = (
      <Typography color="textSecondary">
        {t('overview.statusUnavailable')}
      </Typography>
    );
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (value) {
    body = (
      <Table size="small" aria-label={t('overview.collectors')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('overview.collector')}</TableCell>
            <TableCell>{t('overview.lastRun')}</TableCell>
            <TableCell align="right">{t('overview.duration')}</TableCell>
            <TableCell align="right">{t('overview.processed')}</TableCell>
            <TableCell align="right">{t('overview.factsWritten')}</TableCell>
            <TableCell align="right">{t('overview.errors')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.collectors.map(c => (
            <TableRow key={c.collectorId} data-testid="compliance-collector">
              <TableCell>
                {c.title || c.collectorId}
                {c.running && (
                  <LinearProgress
                    aria-label={`${c.title || c.collectorId}: ${t(
                      'overview.running',
                    )}`}
                    style={{ marginTop: 4 }}
                  />
                )}
              </TableCell>
              <TableCell title={formatAbsolute(c.lastRun?.startedAt)}>
                {c.running
                  ? t('overview.running')
                  : formatRelative(
                      c.lastRun?.finishedAt ?? c.lastRun?.startedAt,
                    ) ?? t('overview.never')}
              </TableCell>
              <TableCell align="right">
                {c.lastRun?.durationMs === undefined
                  ? '–'
                  : formatSeconds(c.lastRun.durationMs / 1000)}
              </TableCell>
              <TableCell align="right">
                {c.lastRun?.entitiesProcessed ?? '–'}
              </TableCell>
              <TableCell align="right">
                {c.lastRun?.factsWritten ?? '–'}
              </TableCell>
              <TableCell align="right">{c.lastRun?.errors ?? '–'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title={t('overview.collectors')}>{body}</InfoCard>;
}
