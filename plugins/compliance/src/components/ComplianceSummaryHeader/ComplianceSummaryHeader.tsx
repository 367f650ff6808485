import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ControlResultWithControl,
  EntityComplianceSummary,
  ScoreBreakdown,
} from 'backstage-plugin-compliance-common';
import { Link } from '@backstage/core-components';
import {
  DEFAULT_MIN_COVERAGE,
  groupUnknowns,
  hasEnoughEvidence,
} from '../../lib/explain';
import { useWhyText } from '../ControlList/UnknownGroups';
import { complianceTranslationRef } from '../../translation';
import { ScoreGauge } from '../ScoreGauge';
import {
  formatAbsolute,
  formatPercent,
  formatRelative,
  formatScore,
  isOlderThan,
} from '../../lib/format';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  framework: { marginBottom: theme.spacing(1.5) },
  bar: { height: 8, borderRadius: 4 },
}));

/** Known framework ids with translated titles. */
const KNOWN_FRAMEWORKS = ['soc2', 'iso27001', 'openssf'] as const;

/** Whether any of the summary's data is older than `hours`. */
export function isSummaryStale(
  summary: EntityComplianceSummary,
  hours: number,
): boolean {
  if (isOlderThan(summary.evaluatedAt, hours)) return true;
  return Object.values(summary.collectedAt ?? {}).some(at =>
    isOlderThan(at, hours),
  );
}

function FrameworkScore(props: { title: string; breakdown: ScoreBreakdown }) {
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const score = props.breakdown.score;
  return (
    <div className={classes.framework} data-testid="compliance-framework">
      <Box display="flex" justifyContent="space-between">
        <Typography variant="body2">{props.title}</Typography>
        <Typography variant="body2" color="textSecondary">
          {formatScore(score) ?? t('common.noScore')} · {t('common.coverage')}{' '}
          {formatPercent(props.breakdown.coverage)}
        </Typography>
      </Box>
      <LinearProgress
        className={classes.bar}
        variant="determinate"
        value={score ?? 0}
        aria-label={`${props.title} ${t('common.score')}`}
      />
    </div>
  );
}

/**
 * The headline of an entity's compliance: score gauge, level, coverage, last
 * evaluation with a stale badge, next level, and per-framework scores.
 *
 * @public
 */
export function ComplianceSummaryHeader(props: {
  summary: EntityComplianceSummary;
  staleAfterHours?: number;
  action?: ReactNode;
  /** The entity's results: to say why coverage is low and name the controls the next level needs. */
  results?: ControlResultWithControl[];
  /** Coverage below which the score is "not enough evidence". Defaults to 0.5. */
  minCoverage?: number;
}) {
  const {
    summary,
    staleAfterHours = 24,
    action,
    results = [],
    minCoverage = DEFAULT_MIN_COVERAGE,
  } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const whyText = useWhyText();
  const enough = hasEnoughEvidence(summary, minCoverage);
  const topUnknown =
    summary.coverage < 1 ? groupUnknowns(results)[0] : undefined;
  const titleOf = new Map(results.map(r => [r.controlId, r.control.title]));
  const next = summary.nextLevel;
  const stale = isSummaryStale(summary, staleAfterHours);
  const frameworks = Object.entries(summary.frameworks ?? {}).sort(
    ([a], [b]) => {
      const ia = KNOWN_FRAMEWORKS.indexOf(a as never);
      const ib = KNOWN_FRAMEWORKS.indexOf(b as never);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    },
  );
  const frameworkTitle = (id: string) =>
    (KNOWN_FRAMEWORKS as readonly string[]).includes(id)
      ? t(`frameworks.${id as (typeof KNOWN_FRAMEWORKS)[number]}`)
      : id;

  return (
    <InfoCard>
      <Grid container spacing={3} alignItems="center">
        <Grid item xs={12} sm="auto">
          <ScoreGauge
            score={summary.score}
            coverage={summary.coverage}
            minCoverage={minCoverage}
          />
        </Grid>
        <Grid item xs={12} sm>
          {!enough && summary.score !== null && (
            <div data-testid="compliance-headline">
              <Typography variant="h5" component="h2">
                {t('common.notEnoughEvidence')}
              </Typography>
              <Typography variant="body2" color="textSecondary">
                {t('common.notEnoughEvidenceDetail', {
                  percent: String(Math.round(summary.coverage * 100)),
                  min: String(Math.round(minCoverage * 100)),
                })}
              </Typography>
            </div>
          )}
          <div className={classes.row}>
            <Typography variant="h5" component={enough ? 'h2' : 'h3'}>
              {t('common.level')}:
            </Typography>
            <Chip
              color={summary.level ? 'primary' : 'default'}
              label={summary.level?.title ?? t('common.noLevel')}
              data-testid="compliance-level"
            />
            {stale && (
              <Tooltip
                title={t('common.staleHint', {
                  hours: String(staleAfterHours),
                })}
              >
                <Chip
                  size="small"
                  variant="outlined"
                  label={t('common.stale')}
                  aria-label={`${t('common.stale')}: ${t('common.staleHint', {
                    hours: String(staleAfterHours),
                  })}`}
                />
              </Tooltip>
            )}
          </div>
          <Typography variant="body1" data-testid="compliance-coverage">
            {t('common.coverage')}: {formatPercent(summary.coverage)}{' '}
            <Typography component="span" variant="body2" color="textSecondary">
              (
              {t('common.coverageValue', {
                percent: String(Math.round(summary.coverage * 100)),
              })}
              )
            </Typography>
          </Typography>
          <Typography
            variant="body2"
            color="textSecondary"
            title={formatAbsolute(summary.evaluatedAt)}
          >
            {summary.evaluatedAt
              ? t('common.evaluated', {
                  relative: formatRelative(summary.evaluatedAt) ?? '',
                })
              : t('common.neverEvaluated')}
          </Typography>
          {topUnknown && (
            <Typography variant="body2" data-testid="compliance-why">
              {whyText(topUnknown)}
              {' · '}
              <Link to="#compliance-unknowns" underline="always">
                {t('why.howToFix')}
              </Link>
            </Typography>
          )}
          {next && (
            <Typography variant="body2" data-testid="compliance-next-level">
              <strong>
                {t('common.nextLevelNeeds', { level: next.title })}
              </strong>
              {next.missingControls.length > 0 &&
                ` — ${t('common.nextLevelControls', {
                  n: String(next.missingControls.length),
                  controls: next.missingControls
                    .map(id => titleOf.get(id) ?? id)
                    .join(', '),
                })}`}
              {next.minCoverage !== undefined &&
                ` — ${t('common.nextLevelCoverage', {
                  percent: String(Math.round(next.minCoverage * 100)),
                })}`}
            </Typography>
          )}
          {action && <Box mt={1}>{action}</Box>}
        </Grid>
        {frameworks.length > 0 && (
          <Grid item xs={12} md={5}>
            <Typography variant="subtitle2" component="h3" gutterBottom>
              {t('frameworks.title')}
            </Typography>
            {frameworks.map(([id, breakdown]) => (
              <FrameworkScore
                key={id}
                title={frameworkTitle(id)}
                breakdown={breakdown}
              />
            ))}
          </Grid>
        )}
      </Grid>
    </InfoCard>
  );
}
