import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { CiCheckStats } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { formatPercent, formatRelative, formatSeconds } from '../../lib/format';

/**
 * Every check of an entity's CI (workflows, check runs, commit statuses,
 * pushed runs) with its statistics and last failure. Names and summaries
 * come from repositories and CI systems: shown as text, links only http(s)
 * (the contract rejects anything else).
 */
export function CiChecksTable(props: { checks: CiCheckStats[] }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  if (!props.checks.length) return null;
  return (
    <Table size="small" aria-label={t('ci.checks')} data-testid="ci-checks">
      <TableHead>
        <TableRow>
          <TableCell>{t('ci.check')}</TableCell>
          <TableCell align="right">{t('ci.checkRuns')}</TableCell>
          <TableCell align="right">{t('ci.passRate')}</TableCell>
          <TableCell align="right">{t('ci.flakyRate')}</TableCell>
          <TableCell align="right">{t('ci.p50')}</TableCell>
          <TableCell align="right">{t('ci.p95')}</TableCell>
          <TableCell>{t('ci.lastFailure')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.checks.map(check => (
          <TableRow key={check.name} data-testid="ci-check-row">
            <TableCell>
              <Typography variant="body2">{check.name}</Typography>
              <Typography variant="caption" color="textSecondary">
                {check.sources.join(', ')}
                {check.status === 'insufficient_data' &&
                  ` · ${t('ci.insufficientData')}`}
              </Typography>
            </TableCell>
            <TableCell align="right">{check.runs}</TableCell>
            <TableCell align="right">{formatPercent(check.passRate)}</TableCell>
            <TableCell align="right">
              {formatPercent(check.flakyRate)}
            </TableCell>
            <TableCell align="right">
              {formatSeconds(check.p50DurationSeconds)}
            </TableCell>
            <TableCell align="right">
              {formatSeconds(check.p95DurationSeconds)}
            </TableCell>
            <TableCell>
              {check.lastFailure ? (
                <>
                  {check.lastFailure.url ? (
                    <Link to={check.lastFailure.url}>
                      {formatRelative(check.lastFailure.at) ??
                        check.lastFailure.at}
                    </Link>
                  ) : (
                    formatRelative(check.lastFailure.at) ?? check.lastFailure.at
                  )}
                  {check.lastFailure.summary && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {check.lastFailure.summary}
                    </Typography>
                  )}
                </>
              ) : (
                '—'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
