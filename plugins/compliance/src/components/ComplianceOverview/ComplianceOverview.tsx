import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import Grid from '@material-ui/core/Grid';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  EntityComplianceSummary,
  OverviewSortField,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { toCsv } from '../../lib/csv';
import { saveTextFile } from '../../lib/download';
import { CollectorStatusPanel } from '../CollectorStatusPanel';
import { AuditorExport } from '../AuditorExport';
import { OrgCiView } from '../OrgCiView';
import { OrgTrend } from '../OrgTrend';
import { TeamInsight } from '../TeamInsight';
import { OverviewAggregates } from './OverviewAggregates';
import { OverviewFilters } from './OverviewFilters';
import { OverviewTable } from './OverviewTable';
import {
  Filters,
  filtersFromParams,
  paramsOf,
  toQuery,
} from './overviewQuery';

const SORTS: OverviewSortField[] = [
  'score',
  'coverage',
  'name',
  'owner',
  'level',
  'evaluatedAt',
  'failing',
];

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

  // The URL holds the filters, sort and page, so a link shares the view.
  const [params, setParams] = useSearchParams();
  const [initial] = useState(() => {
    const sortParam = params.get('sort') as OverviewSortField;
    return {
      filters: filtersFromParams(params),
      sort: SORTS.includes(sortParam) ? sortParam : 'score',
      order: (params.get('order') === 'desc' ? 'desc' : 'asc') as
        | 'asc'
        | 'desc',
      page: Math.max(0, Math.min(99_999, Number(params.get('page')) - 1 || 0)),
    };
  });
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [debounced, setDebounced] = useState<Filters>(initial.filters);
  useDebounce(() => setDebounced(filters), 300, [filters]);
  const [sort, setSort] = useState<OverviewSortField>(initial.sort);
  const [order, setOrder] = useState<'asc' | 'desc'>(initial.order);
  const [page, setPage] = useState(initial.page);
  useEffect(() => {
    const next = paramsOf(debounced, { sort, order, page });
    if (next.toString() !== params.toString()) {
      setParams(next, { replace: true });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced, sort, order, page]);
  const [pageSize, setPageSize] = useState(props.pageSize ?? 25);
  const [exporting, setExporting] = useState(false);

  const baseQuery = useMemo(() => toQuery(debounced), [debounced]);
  const catalogue = useAsync(() => api.getControls(), [api]);
  const { value, loading, error } = useAsync(
    () =>
      api.getOverview({ ...baseQuery, sort, order, page: page + 1, pageSize }),
    [api, baseQuery, sort, order, page, pageSize],
  );

  const onFilterChange = (key: keyof Filters, text: string) => {
    setFilters(f => ({ ...f, [key]: text }));
    setPage(0);
  };

  const onClear = () => {
    setFilters(filtersFromParams(new URLSearchParams()));
    setPage(0);
  };

  const onFailingChange = (controlId: string | undefined) => {
    const next = { ...filters, failing: controlId ?? '' };
    setFilters(next);
    setDebounced(next);
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
      saveTextFile('compliance-overview.csv', toCsv(items));
    } catch (e) {
      alertApi.post({
        message: e instanceof Error ? e.message : String(e),
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  };

  const frameworks = catalogue.value?.frameworks ?? [];
  const levels = catalogue.value?.levels ?? [];

  return (
    <Grid container spacing={3} data-testid="compliance-overview">
      <Grid item xs={12}>
        <OverviewFilters
          filters={filters}
          levels={levels}
          frameworks={frameworks}
          kinds={catalogue.value?.kinds}
          onFilterChange={onFilterChange}
          onClear={onClear}
          onExport={onExport}
          exporting={exporting}
        />
      </Grid>
      <Grid item xs={12} lg={8}>
        <OverviewTable
          value={value}
          loading={loading}
          error={error}
          sort={sort}
          order={order}
          onSort={onSort}
          page={page}
          pageSize={pageSize}
          onPageChange={setPage}
          onPageSizeChange={size => {
            setPageSize(size);
            setPage(0);
          }}
        />
      </Grid>
      <Grid item xs={12} lg={4}>
        <OverviewAggregates
          value={value}
          levels={levels}
          failing={debounced.failing || undefined}
          onFailingChange={onFailingChange}
        />
      </Grid>
      <Grid item xs={12} lg={8}>
        <OrgTrend
          owner={baseQuery.owner ? [String(baseQuery.owner)] : undefined}
          system={baseQuery.system ? [String(baseQuery.system)] : undefined}
          kind={baseQuery.kind ? [String(baseQuery.kind)] : undefined}
        />
      </Grid>
      <Grid item xs={12} lg={4}>
        <AuditorExport frameworks={frameworks} />
      </Grid>
      <Grid item xs={12}>
        <TeamInsight
          owner={baseQuery.owner ? String(baseQuery.owner) : undefined}
        />
      </Grid>
      <Grid item xs={12}>
        <OrgCiView query={baseQuery} />
      </Grid>
      <Grid item xs={12}>
        <CollectorStatusPanel />
      </Grid>
    </Grid>
  );
}
