import { Fragment } from 'react';
import useAsync from 'react-use/esm/useAsync';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ComplianceApi,
  OrgCiCheck,
  OrgCiQueryInput,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { formatPercent, formatSeconds } from '../../lib/format';
import { useEntityLink } from '../../lib/useEntityRoute';
import { complianceTranslationRef } from '../../translation';

/**
 * Props of {@link OrgCiView}.
 *
 * @public
 */
export interface OrgCiViewProps {
  /** The overview's entity filters. */
  query?: Pick<OrgCiQueryInput, 'owner' | 'system' | 'kind' | 'search'>;
  /** Checks per list. Defaults to 5. */
  limit?: number;
}

/** Entities shown per check before "and N more". */
const SHOWN_ENTITIES = 3;

function Entities(props: { check: OrgCiCheck }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  const link = useEntityLink();
  const { check } = props;
  const shown = check.entities.slice(0, SHOWN_ENTITIES);
  const more = check.entityCount - shown.length;
  return (
    <>
      {shown.map((e, i) => {
        const to = link(e.entityRef);
        const name = e.entityRef.replace(/^[^:]+:(default\/)?/, '');
        return (
          <Fragment key={e.entityRef}>
            {i > 0 && ', '}
            {to ? <Link to={to}>{name}</Link> : name}
          </Fragment>
        );
      })}
      {more > 0 && ` ${t('orgCi.more', { n: String(more) })}`}
    </>
  );
}

function ChecksTable(props: {
  label: string;
  checks: OrgCiCheck[];
  figure: string;
  value: (check: OrgCiCheck) => string;
}) {
  const { t } = useTranslationRef(complianceTranslationRef);
  if (props.checks.length === 0) {
    return <Typography variant="body2">{t('orgCi.none')}</Typography>;
  }
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>{t('orgCi.check')}</TableCell>
          <TableCell align="right">{props.figure}</TableCell>
          <TableCell align="right">{t('orgCi.runs')}</TableCell>
          <TableCell>{t('orgCi.entities')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.checks.map(check => (
          <TableRow key={check.name} data-testid="compliance-org-ci-check">
            <TableCell>{check.name}</TableCell>
            <TableCell align="right">{props.value(check)}</TableCell>
            <TableCell align="right">{check.runs}</TableCell>
            <TableCell>
              <Entities check={check} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function OrgCiViewWithApi(props: OrgCiViewProps & { api: ComplianceApi }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  const { api, limit = 5 } = props;
  const { owner, system, kind, search } = props.query ?? {};
  const { value, loading, error } = useAsync(
    () => api.getOrgCi({ owner, system, kind, search, limit }),
    [api, String(owner), String(system), String(kind), search, limit],
  );
  let content;
  if (loading) content = <Progress />;
  else if (error) content = <ResponseErrorPanel error={error} />;
  else if (!value || value.entitiesWithCi === 0) {
    content = <Typography variant="body2">{t('orgCi.empty')}</Typography>;
  } else {
    content = (
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2" component="h3">
            {t('orgCi.flakiest')}
          </Typography>
          <ChecksTable
            label={t('orgCi.flakiest')}
            checks={value.flakiest}
            figure={t('orgCi.flakyRate')}
            value={c => formatPercent(c.flakyRate)}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2" component="h3">
            {t('orgCi.slowest')}
          </Typography>
          <ChecksTable
            label={t('orgCi.slowest')}
            checks={value.slowest}
            figure={t('orgCi.p95')}
            value={c => formatSeconds(c.maxP95DurationSeconds)}
          />
        </Grid>
        <Grid item xs={12}>
          <Typography variant="caption">
            {t('orgCi.coverage', {
              withCi: String(value.entitiesWithCi),
              total: String(value.entityCount),
            })}
            {value.truncated && ` ${t('orgCi.truncated')}`}
          </Typography>
        </Grid>
      </Grid>
    );
  }
  return (
    <InfoCard title={t('orgCi.title')} noPadding={false}>
      <div data-testid="compliance-org-ci">{content}</div>
    </InfoCard>
  );
}

/**
 * The org CI view of the overview: the flakiest and slowest checks across
 * the filtered entities the user may read, with the entities they affect.
 * Renders nothing with an API that does not serve it.
 *
 * @public
 */
export function OrgCiView(props: OrgCiViewProps) {
  const api = useApi(complianceApiRef);
  if (typeof api.getOrgCi !== 'function') return null;
  return <OrgCiViewWithApi {...props} api={api} />;
}
