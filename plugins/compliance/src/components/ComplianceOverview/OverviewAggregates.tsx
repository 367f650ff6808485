import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { OverviewResponse } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { ScoreDistributionChart } from '../Charts';

/** Props of {@link OverviewAggregates}. */
export interface OverviewAggregatesProps {
  /** The current overview page, whose aggregates cover the filtered set. */
  value?: OverviewResponse;
  /** Levels of the catalogue, to title the level counts. */
  levels: Array<{ id: string; title: string }>;
  /** The control the table is filtered by (entities on which it fails). */
  failing?: string;
  /** Filters the table by a failing control; `undefined` clears it. */
  onFailingChange?: (controlId: string | undefined) => void;
}

/**
 * The overview's aggregates of the filtered set: the score distribution with
 * the counts per level, and the controls failing most.
 */
export function OverviewAggregates(props: OverviewAggregatesProps) {
  const { value, levels, failing, onFailingChange } = props;
  const { t } = useTranslationRef(complianceTranslationRef);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title={t('overview.distribution')}>
          {value && value.distribution.length > 0 ? (
            <ScoreDistributionChart
              distribution={value.distribution}
              label={`${t('overview.distributionLabel')}: ${value.distribution
                .map(d => `${d.bucket} ${d.count}`)
                .join(', ')}`}
            />
          ) : (
            <Typography color="textSecondary">{t('overview.empty')}</Typography>
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
                <ListItem
                  key={c.controlId}
                  button
                  selected={failing === c.controlId}
                  aria-pressed={failing === c.controlId}
                  data-testid="compliance-top-failing"
                  onClick={() =>
                    onFailingChange?.(
                      failing === c.controlId ? undefined : c.controlId,
                    )
                  }
                >
                  <ListItemText
                    primary={c.title}
                    secondary={t('overview.topFailingEntities', {
                      entities: String(c.count),
                    })}
                  />
                  <ListItemSecondaryAction>
                    <Link
                      to={`controls/${encodeURIComponent(c.controlId)}`}
                      aria-label={`Campaign page for ${c.title}`}
                    >
                      Campaign
                    </Link>
                  </ListItemSecondaryAction>
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
  );
}
