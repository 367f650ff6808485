import useAsync from 'react-use/esm/useAsync';
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
import { useApiHolder } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ComplianceGovernanceApi,
  TrendPoint,
} from 'backstage-plugin-compliance-common';
import { complianceGovernanceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';

/**
 * Props of {@link OrgTrend}.
 *
 * @public
 */
export interface OrgTrendProps {
  owner?: string[];
  system?: string[];
  lifecycle?: string[];
  kind?: string[];
  /** Days of history. Defaults to 30. */
  days?: number;
  /** Rows shown (most recent first). Defaults to 14. */
  rows?: number;
}

/** Level counts as "gold 3 · silver 5 · none 2". */
export function formatLevels(levels: TrendPoint['levels']): string {
  return Object.entries(levels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([level, n]) => `${level} ${n}`)
    .join(' · ');
}

/**
 * The org trend of the overview's filtered set: average score and level
 * distribution per day. Renders nothing when the governance API is not
 * registered.
 *
 * @public
 */
export function OrgTrend(props: OrgTrendProps) {
  const api = useApiHolder().get(complianceGovernanceApiRef);
  if (!api) return null;
  return <OrgTrendWithApi {...props} api={api} />;
}

function OrgTrendWithApi(
  props: OrgTrendProps & { api: ComplianceGovernanceApi },
) {
  const { api, owner, system, lifecycle, kind, days = 30, rows = 14 } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  const key = JSON.stringify([owner, system, lifecycle, kind, days]);
  const { value, loading, error } = useAsync(
    () => api.getTrend({ owner, system, lifecycle, kind, days }),
    [api, key],
  );
  return (
    <InfoCard title={t('orgTrend.title')}>
      {loading ? <Progress /> : null}
      {error ? <ResponseErrorPanel error={error} /> : null}
      {value && value.points.length === 0 ? (
        <Typography color="textSecondary">{t('orgTrend.noHistory')}</Typography>
      ) : null}
      {value && value.points.length > 0 ? (
        <Table size="small" aria-label={t('orgTrend.tableLabel')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('orgTrend.day')}</TableCell>
              <TableCell align="right">{t('orgTrend.entities')}</TableCell>
              <TableCell align="right">{t('orgTrend.averageScore')}</TableCell>
              <TableCell>{t('orgTrend.levels')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {[...value.points]
              .reverse()
              .slice(0, rows)
              .map(p => (
                <TableRow key={p.day}>
                  <TableCell>{p.day}</TableCell>
                  <TableCell align="right">{p.entities}</TableCell>
                  <TableCell align="right">
                    {p.averageScore === null
                      ? '–'
                      : Math.round(p.averageScore * 10) / 10}
                  </TableCell>
                  <TableCell>{formatLevels(p.levels)}</TableCell>
                </TableRow>
              ))}
          </TableBody>
        </Table>
      ) : null}
    </InfoCard>
  );
}
