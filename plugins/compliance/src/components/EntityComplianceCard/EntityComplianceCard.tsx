import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { fixFirst, groupUnknowns, hasEnoughEvidence } from '../../lib/explain';
import { useMinCoverage } from '../../lib/useMinCoverage';
import { useWhyText } from '../ControlList/UnknownGroups';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { hasStatus } from '../../lib/errors';
import { formatPercent, formatRelative } from '../../lib/format';
import { ScoreGauge } from '../ScoreGauge';

/**
 * Props of {@link EntityComplianceCard}.
 *
 * @public
 */
export interface EntityComplianceCardProps {
  /** The path of the Compliance tab below the entity page. Defaults to `compliance`. */
  tabPath?: string;
  /** How many failing controls to list. Defaults to 3. */
  maxFailing?: number;
  /**
   * Coverage (0..1) below which the card says "not enough evidence".
   * Defaults to `compliance.ui.minCoverage` from the app config, else 0.5.
   */
  minCoverage?: number;
}

/**
 * The compliance headline of an entity for its overview tab: score, level,
 * coverage, top failing controls and a link to the Compliance tab.
 *
 * @public
 */
export function EntityComplianceCard(props: EntityComplianceCardProps) {
  const { tabPath = 'compliance', maxFailing = 3 } = props;
  const minCoverage = useMinCoverage(props.minCoverage);
  const whyText = useWhyText();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const entityRoute = useRouteRef(entityRouteRef);

  const { value, loading, error } = useAsync(async () => {
    const [summary, results] = await Promise.all([
      api.getSummary(entityRef),
      api.getResults(entityRef),
    ]);
    const failing = fixFirst(results.items, summary)
      .filter(f => f.result.status === 'fail')
      .map(f => f.result);
    const topUnknown =
      summary.coverage < 1 ? groupUnknowns(results.items)[0] : undefined;
    return { summary, failing, topUnknown };
  }, [api, entityRef]);

  let link: string | undefined;
  try {
    link = `${entityRoute({
      kind: entity.kind.toLocaleLowerCase('en-US'),
      namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase(
        'en-US',
      ),
      name: entity.metadata.name,
    })}/${tabPath}`;
  } catch {
    link = undefined;
  }

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error && hasStatus(error, 404)) {
    body = <Typography color="textSecondary">{t('tab.emptyTitle')}</Typography>;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (value) {
    const { summary, failing, topUnknown } = value;
    const enough = hasEnoughEvidence(summary, minCoverage);
    body = (
      <Box data-testid="compliance-card">
        <Box display="flex" alignItems="center" style={{ gap: 16 }}>
          <ScoreGauge
            score={summary.score}
            size={80}
            coverage={summary.coverage}
            minCoverage={minCoverage}
          />
          <Box>
            {!enough && summary.score !== null && (
              <Typography
                variant="subtitle1"
                component="p"
                data-testid="compliance-headline"
              >
                {t('common.notEnoughEvidence')}
              </Typography>
            )}
            <Chip
              size="small"
              color={summary.level ? 'primary' : 'default'}
              label={summary.level?.title ?? t('common.noLevel')}
            />
            <Typography variant="body2">
              {t('common.coverage')}: {formatPercent(summary.coverage)}
            </Typography>
            {topUnknown && (
              <Typography variant="body2" color="textSecondary">
                {whyText(topUnknown)}
              </Typography>
            )}
            <Typography variant="caption" color="textSecondary">
              {summary.evaluatedAt
                ? t('common.evaluated', {
                    relative: formatRelative(summary.evaluatedAt) ?? '',
                  })
                : t('common.neverEvaluated')}
            </Typography>
          </Box>
        </Box>
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            {t('card.topFailing')}
          </Typography>
          {failing.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              {t('card.noneFailing')}
            </Typography>
          ) : (
            <List dense>
              {failing.slice(0, maxFailing).map(r => (
                <ListItem key={r.controlId} disableGutters>
                  <ListItemText
                    primary={r.control.title}
                    secondary={`${t(`severity.${r.control.severity}`)} · ${
                      r.reason
                    }`}
                  />
                </ListItem>
              ))}
            </List>
          )}
        </Box>
      </Box>
    );
  }

  return (
    <InfoCard
      title={t('card.title')}
      deepLink={link ? { title: t('card.viewDetails'), link } : undefined}
    >
      {body}
    </InfoCard>
  );
}
