import { ChangeEvent, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  EntityComplianceSummary,
  OverviewQueryInput,
  OverviewSortField,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { toCsv } from '../../lib/csv';
import {
  formatAbsolute,
  formatPercent,
  formatRelative,
  formatScore,
} from '../../lib/format';
import { ScoreDistributionChart } from '../Charts';
import { CollectorStatusPanel } from '../CollectorStatusPanel';

const KINDS = ['Component', 'API', 'Resource', 'System'];

interface Filters {
  owner: string;
  system: string;
  kind: string;
  level: string;
  framework: string;
  search: string;
}

const emptyFilters: Filters = {
  owner: '',
  system: '',
  kind: '',
  level: '',
  framework: '',
  search: '',
};

function toQuery(filters: Filters): OverviewQueryInput {
  const q: OverviewQueryInput = {};
  if (filters.owner.trim()) q.owner = filters.owner.trim();
  if (filters.system.trim()) q.system = filters.system.trim();
  if (filters.kind) q.kind = filters.kind;
  if (filters.level) q.level = filters.level;
  if (filters.framework) q.framework = filters.framework;
  if (filters.search.trim()) q.search = filters.search.trim();
  return q;
}

/** `group:default/team-a` → `team-a`; other namespaces stay visible. */
function shortRef(ref: string): string {
  const match = /^(?:[^:]+:)?(?:default\/)?(.+)$/.exec(ref);
  return match ? match[1] : ref;
}

function downloadText(filename: string, text: string) {
  const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/**
 * Props of `ComplianceOverview`.
 *
 * @public
 */
export interface ComplianceOverviewProps {
  /** Rows per page. Defaults to 25. */
  pageSize?: number;
}

/**
 * The org-wide compliance overview: filters, a sortable paginated table,
 * score distribution, the controls failing most, the collector status and a
 * CSV export. Rendered by {@link CompliancePage} and the new-system page.
 *
 * @public
 */
export function ComplianceOverview(props: ComplianceOverviewProps) {
  const api = useApi(complianceApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const entityRoute = useRouteRef(entityRouteRef);

  const [filters, setFilters] = useState<Filters>(emptyFilters);
  const [debounced, setDebounced] = useState<Filters>(emptyFilters);
  useDebounce(() => setDebounced(filters), 300, [filters]);
  const [sort, setSort] = useState<OverviewSortField>('score');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(props.pageSize ?? 25);
  const [exporting, setExporting] = useState(false);

  const baseQuery = useMemo(() => toQuery(debounced), [debounced]);
  const catalogue = useAsync(() => api.getControls(), [api]);
  const { value, loading, error } = useAsync(
    () =>
      api.getOverview({ ...baseQuery, sort, order, page: page + 1, pageSize }),
    [api, baseQuery, sort, order, page, pageSize],
  );

  const setFilter =
    (key: keyof Filters) => (e: ChangeEvent<{ value: unknown }>) => {
      setFilters(f => ({ ...f, [key]: String(e.target.value ?? '') }));
      setPage(0);
    };

  const onSort = (field: OverviewSortField) => () => {
    if (sort === field) {
      setOrder(o => (o === 'asc' ? 'desc' : 'asc'));
    } else {
      setSort(field);
      setOrder(
        field === 'score' || field === 'coverage' || field === 'name'
          ? 'asc'
          : 'desc',
      );
    }
    setPage(0);
  };

  const onExport = async () => {
    setExporting(true);
    try {
      const items: EntityComplianceSummary[] = [];
      for (let p = 1; ; p++) {
        const res = await api.getOverview({
          ...baseQuery,
          sort,
          order,
          page: p,
          pageSize: 500,
        });
        items.push(...res.items);
        if (res.items.length === 0 || items.length >= res.totalCount) break;
      }
      downloadText('compliance-overview.csv', toCsv(items));
    } catch (e) {
      alertApi.post({
        message: e instanceof Error ? e.message : String(e),
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  };

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

  const frameworks = catalogue.value?.frameworks ?? [];
  const levels = catalogue.value?.levels ?? [];

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

  const select = (
    key: keyof Filters,
    label: string,
    options: Array<{ id: string; title: string }>,
  ) => (
    <TextField
      select
      fullWidth
      size="small"
      variant="outlined"
      id={`compliance-filter-${key}`}
      label={label}
      value={filters[key]}
      onChange={setFilter(key)}
    >
      <MenuItem value="">{t('overview.any')}</MenuItem>
      {options.map(o => (
        <MenuItem key={o.id} value={o.id}>
          {o.title}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <Grid container spacing={3} data-testid="compliance-overview">
      <Grid item xs={12}>
        <InfoCard title={t('overview.filters')}>
          <Grid container spacing={2} alignItems="center">
            <Grid item xs={12} sm={6} md={4}>
              <TextField
                fullWidth
                size="small"
                variant="outlined"
                id="compliance-filter-search"
                label={t('overview.search')}
                value={filters.search}
                onChange={setFilter('search')}
              />
            </Grid>
            <Grid item xs={12} sm={6} md={4}>
              <TextField
                fullWidth
                size="small"
                variant="outlined"
                id="compliance-filter-owner"
                label={t('overview.owner')}
                helperText={t('overview.ownerHelp')}
                value={filters.owner}
                onChange={setFilter('owner')}
              />
            </Grid>
            <Grid item xs={12} sm={6} md={4}>
              <TextField
                fullWidth
                size="small"
                variant="outlined"
                id="compliance-filter-system"
                label={t('overview.system')}
                value={filters.system}
                onChange={setFilter('system')}
              />
            </Grid>
            <Grid item xs={12} sm={4} md={4}>
              {select(
                'kind',
                t('overview.kind'),
                KINDS.map(k => ({
                  id: k.toLocaleLowerCase('en-US'),
                  title: k,
                })),
              )}
            </Grid>
            <Grid item xs={12} sm={4} md={4}>
              {select('level', t('overview.levelFilter'), [
                ...levels.map(l => ({ id: l.id, title: l.title })),
                { id: 'none', title: t('common.noLevel') },
              ])}
            </Grid>
            <Grid item xs={12} sm={4} md={4}>
              {select('framework', t('overview.framework'), frameworks)}
            </Grid>
            <Grid item xs={12}>
              <Box display="flex" style={{ gap: 8 }}>
                <Button
                  onClick={() => {
                    setFilters(emptyFilters);
                    setPage(0);
                  }}
                >
                  {t('overview.clear')}
                </Button>
                <Button
                  variant="outlined"
                  color="primary"
                  startIcon={<GetAppIcon />}
                  onClick={onExport}
                  disabled={exporting}
                >
                  {exporting
                    ? t('overview.exporting')
                    : t('overview.exportCsv')}
                </Button>
              </Box>
            </Grid>
          </Grid>
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={8}>
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
                          <TableCell>
                            {link ? <Link to={link}>{name}</Link> : name}
                          </TableCell>
                          <TableCell title={item.owner}>
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
                onPageChange={(_e, p) => setPage(p)}
                onRowsPerPageChange={e => {
                  setPageSize(Number(e.target.value));
                  setPage(0);
                }}
              />
            </>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={4}>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <InfoCard title={t('overview.distribution')}>
              {value && value.distribution.length > 0 ? (
                <ScoreDistributionChart
                  distribution={value.distribution}
                  label={`${t(
                    'overview.distributionLabel',
                  )}: ${value.distribution
                    .map(d => `${d.bucket} ${d.count}`)
                    .join(', ')}`}
                />
              ) : (
                <Typography color="textSecondary">
                  {t('overview.empty')}
                </Typography>
              )}
              {value && Object.keys(value.levels ?? {}).length > 0 && (
                <Box
                  mt={2}
                  display="flex"
                  flexWrap="wrap"
                  style={{ gap: 4 }}
                  aria-label={t('overview.levels')}
                >
                  {Object.entries(value.levels).map(([id, count]) => (
                    <Chip
                      key={id}
                      size="small"
                      label={`${
                        levels.find(l => l.id === id)?.title ??
                        (id === 'none' ? t('common.noLevel') : id)
                      }: ${count}`}
                    />
                  ))}
                </Box>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={t('overview.topFailing')}>
              {value && value.topFailingControls.length > 0 ? (
                <List dense>
                  {value.topFailingControls.map(c => (
                    <ListItem key={c.controlId} disableGutters>
                      <ListItemText
                        primary={c.title}
                        secondary={t('overview.topFailingEntities', {
                          entities: String(c.count),
                        })}
                      />
                    </ListItem>
                  ))}
                </List>
              ) : (
                <Typography color="textSecondary">
                  {t('overview.noneFailing')}
                </Typography>
              )}
            </InfoCard>
          </Grid>
        </Grid>
      </Grid>
      <Grid item xs={12}>
        <CollectorStatusPanel />
      </Grid>
    </Grid>
  );
}
