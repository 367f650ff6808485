import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
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
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { EntityComplianceSummary } from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { formatPercent, formatScore } from '../../lib/format';

/** Average and worst score of a system's entities; entities without a score are left out. */
export function rollUp(items: EntityComplianceSummary[]) {
  const scored = items.filter(i => i.score !== null);
  if (scored.length === 0) return { average: null, worst: undefined };
  const average =
    Math.round(
      (scored.reduce((n, i) => n + (i.score ?? 0), 0) / scored.length) * 10,
    ) / 10;
  const worst = [...scored].sort((a, b) => (a.score ?? 0) - (b.score ?? 0))[0];
  return { average, worst };
}

/**
 * The components (and other entities) of a system with their score, coverage
 * and level, the average and the worst: the roll-up of a System's tab.
 *
 * @public
 */
export function SystemRollup(props: { systemRef: string }) {
  const systemRef = props.systemRef.toLocaleLowerCase('en-US');
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getOverview({
        system: [systemRef],
        sort: 'score',
        order: 'asc',
        pageSize: 200,
      }),
    [api, systemRef],
  );

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value || value.items.length === 0) {
    body = <Typography color="textSecondary">{t('system.empty')}</Typography>;
  } else {
    const { average, worst } = rollUp(value.items);
    body = (
      <>
        <Box display="flex" flexWrap="wrap" style={{ gap: 24 }} mb={2}>
          <div>
            <Typography variant="caption" color="textSecondary">
              {t('system.average')}
            </Typography>
            <Typography variant="h5" data-testid="compliance-system-average">
              {formatScore(average) ?? t('common.noScore')}
            </Typography>
          </div>
          <div>
            <Typography variant="caption" color="textSecondary">
              {t('system.worst')}
            </Typography>
            <Typography variant="h5" data-testid="compliance-system-worst">
              {formatScore(worst?.score ?? null) ?? t('common.noScore')}
            </Typography>
            {worst && (
              <EntityRefLink entityRef={worst.entityRef} defaultKind="component" />
            )}
          </div>
          <div>
            <Typography variant="caption" color="textSecondary">
              {t('system.components', { n: String(value.totalCount) })}
            </Typography>
          </div>
        </Box>
        <Table size="small" aria-label={t('system.title')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('system.component')}</TableCell>
              <TableCell>{t('common.score')}</TableCell>
              <TableCell>{t('common.coverage')}</TableCell>
              <TableCell>{t('common.level')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(item => (
              <TableRow key={item.entityRef} data-testid="compliance-system-row">
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  <EntityRefLink
                    entityRef={item.entityRef}
                    defaultKind="component"
                    title={item.title}
                  />
                </TableCell>
                <TableCell>
                  {formatScore(item.score) ?? t('common.noScore')}
                </TableCell>
                <TableCell>{formatPercent(item.coverage)}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={item.level?.title ?? t('common.noLevel')}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  }
  return (
    <InfoCard title={t('system.title')}>
      <div data-testid="compliance-system-rollup">{body}</div>
    </InfoCard>
  );
}
