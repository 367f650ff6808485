import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  EntityComplianceSummary,
  OverviewResponse,
  OverviewSortField,
} from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import {
  formatAbsolute,
  formatPercent,
  formatRelative,
  formatScore,
} from '../../lib/format';
import { shortRef } from './overviewQuery';

/** Props of {@link OverviewTable}. */
export interface OverviewTableProps {
  /** The current overview page; kept while the next one loads. */
  value?: OverviewResponse;
  loading: boolean;
  error?: Error;
  sort: OverviewSortField;
  order: 'asc' | 'desc';
  /** Makes a click handler for the header of `field`. */
  onSort: (field: OverviewSortField) => () => void;
  /** Zero-based page. */
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
}

/** The overview's sortable, paginated table of entities. */
export function OverviewTable(props: OverviewTableProps) {
  const { value, loading, error, sort, order, onSort, page, pageSize } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  const entityRoute = useRouteRef(entityRouteRef);

  const entityLink = (item: EntityComplianceSummary): string | undefined => {
    try {
      return entityRoute({
        kind: item.kind.toLocaleLowerCase('en-US'),
        namespace: item.namespace.toLocaleLowerCase('en-US'),
        name: item.name,
      });
    } catch {
      return undefined;
    }
  };

  const sortable = (
    field: OverviewSortField,
    label: string,
    align?: 'right',
  ) => (
    <TableCell
      align={align}
      sortDirection={sort === field ? order : false}
      style={{ whiteSpace: 'nowrap' }}
    >
      <TableSortLabel
        active={sort === field}
        direction={sort === field ? order : 'asc'}
        onClick={onSort(field)}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    <InfoCard title={t('overview.entities')} noPadding>
      {error && <ResponseErrorPanel error={error} />}
      {!error && loading && !value && <Progress />}
      {!error && value && (
        <>
          {loading && <Progress />}
          <TableContainer>
            <Table size="small" aria-label={t('overview.entities')}>
              <TableHead>
                <TableRow>
                  {sortable('name', t('overview.entity'))}
                  {sortable('owner', t('overview.owner'))}
                  {sortable('score', t('common.score'), 'right')}
                  {sortable('coverage', t('common.coverage'), 'right')}
                  {sortable('level', t('common.level'))}
                  {sortable('failing', t('overview.failing'), 'right')}
                  {sortable('evaluatedAt', t('overview.evaluatedAt'))}
                </TableRow>
              </TableHead>
              <TableBody>
                {value.items.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={7}>
                      <Typography color="textSecondary">
                        {t('overview.empty')}
                      </Typography>
                    </TableCell>
                  </TableRow>
                )}
                {value.items.map(item => {
                  const link = entityLink(item);
                  const name = item.title ?? item.name;
                  return (
                    <TableRow
                      key={item.entityRef}
                      data-testid="compliance-overview-row"
                    >
                      <TableCell style={{ whiteSpace: 'nowrap' }}>
                        {link ? <Link to={link}>{name}</Link> : name}
                      </TableCell>
                      <TableCell
                        title={item.owner}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {item.owner ? shortRef(item.owner) : '–'}
                      </TableCell>
                      <TableCell align="right">
                        {formatScore(item.score) ?? t('common.noScore')}
                      </TableCell>
                      <TableCell align="right">
                        {formatPercent(item.coverage)}
                      </TableCell>
                      <TableCell>
                        {item.level?.title ?? t('common.noLevel')}
                      </TableCell>
                      <TableCell align="right">
                        {item.counts?.fail ?? 0}
                      </TableCell>
                      <TableCell title={formatAbsolute(item.evaluatedAt)}>
                        {formatRelative(item.evaluatedAt) ?? '–'}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
          <TablePagination
            component="div"
            count={value.totalCount}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={[10, 25, 50, 100]}
            onPageChange={(_e, p) => props.onPageChange(p)}
            onRowsPerPageChange={e =>
              props.onPageSizeChange(Number(e.target.value))
            }
          />
        </>
      )}
    </InfoCard>
  );
}
