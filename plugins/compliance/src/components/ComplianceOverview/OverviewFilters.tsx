import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Switch from '@material-ui/core/Switch';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import GetAppIcon from '@material-ui/icons/GetApp';
import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceTranslationRef } from '../../translation';
import { Filters, KINDS } from './overviewQuery';
import { OverviewEntityPicker } from './OverviewEntityPicker';

const KIND_TITLES: Record<string, string> = {
  component: 'Component',
  api: 'API',
  resource: 'Resource',
  system: 'System',
  domain: 'Domain',
  group: 'Group',
  user: 'User',
  template: 'Template',
  location: 'Location',
};

/** An option of a select filter. */
interface Option {
  id: string;
  title: string;
}

/** Props of {@link OverviewFilters}. */
export interface OverviewFiltersProps {
  filters: Filters;
  /** Levels of the catalogue, lowest first. */
  levels: Option[];
  frameworks: Option[];
  /** Kinds the backend evaluates (`GET /controls`); the defaults until known. */
  kinds?: string[];
  onFilterChange: (key: keyof Filters, value: string) => void;
  onClear: () => void;
  onExport: () => void;
  exporting: boolean;
}

/** The overview's filter bar, with the clear and CSV export buttons. */
export function OverviewFilters(props: OverviewFiltersProps) {
  const {
    filters,
    levels,
    frameworks,
    onFilterChange,
    exporting,
    kinds = [],
  } = props;
  const { t } = useTranslationRef(complianceTranslationRef);

  const setFilter =
    (key: keyof Filters) => (e: ChangeEvent<{ value: unknown }>) =>
      onFilterChange(key, String(e.target.value ?? ''));

  const select = (key: keyof Filters, label: string, options: Option[]) => (
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
          <OverviewEntityPicker
            kind="group"
            id="compliance-filter-owner"
            label={t('overview.owner')}
            helperText={
              filters.ownerDirect === 'true'
                ? t('overview.ownerDirectHelp')
                : t('overview.ownerHelp')
            }
            value={filters.owner}
            onChange={v => onFilterChange('owner', v)}
          />
          <FormControlLabel
            control={
              <Switch
                size="small"
                color="primary"
                checked={filters.ownerDirect !== 'true'}
                onChange={(_e, on) =>
                  onFilterChange('ownerDirect', on ? '' : 'true')
                }
              />
            }
            label={t('overview.ownerTransitive')}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={4}>
          <OverviewEntityPicker
            kind="system"
            id="compliance-filter-system"
            label={t('overview.system')}
            value={filters.system}
            onChange={v => onFilterChange('system', v)}
          />
        </Grid>
        <Grid item xs={12} sm={4} md={4}>
          {select(
            'kind',
            t('overview.kind'),
            (kinds.length ? kinds : KINDS).map(k => ({
              id: k.toLocaleLowerCase('en-US'),
              title: KIND_TITLES[k.toLocaleLowerCase('en-US')] ?? k,
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
            <Button onClick={props.onClear}>{t('overview.clear')}</Button>
            <Button
              variant="outlined"
              color="primary"
              startIcon={<GetAppIcon />}
              onClick={props.onExport}
              disabled={exporting}
            >
              {exporting ? t('overview.exporting') : t('overview.exportCsv')}
            </Button>
          </Box>
        </Grid>
      </Grid>
    </InfoCard>
  );
}
