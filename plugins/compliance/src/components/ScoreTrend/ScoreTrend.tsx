import { useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
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
import { ScoreTrendChart } from '../Charts';
import { StatusChip } from '../StatusChip';
import { CreationRecords } from './CreationRecords';
import { formatRelative } from '../../lib/format';
import { loadHistory, sliceHistory } from '../../lib/entityData';
import { downsample } from '../../lib/downsample';

/** The most points the chart draws (a year is cut to this, its dips kept). */
const CHART_POINTS = 120;

/** The selectable trend ranges, in days. */
export const TREND_RANGES = [30, 90, 180, 365] as const;

/** The URL parameter holding the selected range, so a link or reload keeps it. */
export const TREND_PARAM = 'trend';

/** The range a URL asks for, when it is one of the offered ones. */
export function trendDaysFrom(params: URLSearchParams): number | undefined {
  const days = Number(params.get(TREND_PARAM));
  return (TREND_RANGES as readonly number[]).includes(days) ? days : undefined;
}

/**
 * The score trend of an entity as a line chart with a selectable range, and
 * the latest status changes with their causes.
 *
 * @public
 */
export function ScoreTrend(props: {
  entityRef: string;
  defaultDays?: number;
  reloadKey?: number;
}) {
  const { entityRef, defaultDays = 90, reloadKey } = props;
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  // The URL holds the range (`?trend=365`); the default is left out of it.
  const [params, setParams] = useSearchParams();
  const days = trendDaysFrom(params) ?? defaultDays;
  const setDays = (d: number) => {
    const next = new URLSearchParams(params);
    if (d === defaultDays) next.delete(TREND_PARAM);
    else next.set(TREND_PARAM, String(d));
    setParams(next, { replace: true });
  };
  // One request for the longest range (prefetched by the tab when it
  // mounted); a range switch cuts the loaded year, without a request.
  const loads = useRef(0);
  const { value: year, loading, error } = useAsync(
    () => loadHistory(api, entityRef, loads.current++ > 0),
    [api, entityRef, reloadKey],
  );
  const value = useMemo(
    () => (year ? sliceHistory(year, days) : undefined),
    [year, days],
  );

  const points = useMemo(() => value?.points ?? [], [value]);
  const drawn = useMemo(() => downsample(points, CHART_POINTS), [points]);
  const changes = [...(value?.changes ?? [])]
    .sort((a, b) => b.changedAt.localeCompare(a.changedAt))
    .slice(0, 5);

  const rangeLabel = (d: number) =>
    d === 365 ? t('trend.year') : t('trend.days', { days: String(d) });

  return (
    <InfoCard title={t('trend.title')} noPadding={false}>
      <Box display="flex" justifyContent="flex-end" mb={1}>
        <ButtonGroup size="small" aria-label={t('trend.range')}>
          {TREND_RANGES.map(d => (
            <Button
              key={d}
              variant={d === days ? 'contained' : 'outlined'}
              color={d === days ? 'primary' : 'default'}
              aria-pressed={d === days}
              onClick={() => setDays(d)}
            >
              {rangeLabel(d)}
            </Button>
          ))}
        </ButtonGroup>
      </Box>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {!loading && !error && <CreationRecords records={value?.creations} />}
      {!loading && !error && points.length === 0 && (
        <Typography color="textSecondary">{t('trend.empty')}</Typography>
      )}
      {!loading && !error && points.length > 0 && (
        <Box
          data-testid="compliance-trend"
          data-points={points.length}
          data-days={days}
        >
          <ScoreTrendChart
            points={drawn}
            label={t('trend.chartLabel', {
              days: String(days),
              first:
                points[0].score === null
                  ? '–'
                  : String(Math.round(points[0].score)),
              last:
                points[points.length - 1].score === null
                  ? '–'
                  : String(Math.round(points[points.length - 1].score ?? 0)),
            })}
          />
          {changes.length > 0 && (
            <>
              <Typography variant="subtitle2" component="h3">
                {t('trend.changes')}
              </Typography>
              <List dense>
                {changes.map(c => (
                  <ListItem
                    key={`${c.controlId}-${c.changedAt}`}
                    disableGutters
                  >
                    <Box mr={1}>
                      <StatusChip status={c.to} />
                    </Box>
                    <ListItemText
                      primary={`${c.controlId}: ${c.reason}`}
                      secondary={`${
                        formatRelative(c.changedAt) ?? c.changedAt
                      } · ${t(`trend.cause_${c.cause}`)}`}
                    />
                  </ListItem>
                ))}
              </List>
            </>
          )}
        </Box>
      )}
    </InfoCard>
  );
}
