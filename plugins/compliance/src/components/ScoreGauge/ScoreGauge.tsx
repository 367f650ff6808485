import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceTranslationRef } from '../../translation';
import { formatScore } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  root: {
    position: 'relative',
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
  },
  label: {
    position: 'absolute',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    color: theme.palette.text.primary,
  },
}));

/** The colour of a score: red below 50, amber below 80, green otherwise. */
function scoreColor(score: number | null, palette: Theme['palette']) {
  if (score === null) return palette.text.disabled;
  if (score < 50) return palette.error.main;
  if (score < 80) return palette.warning.main;
  return palette.success.main;
}

/**
 * A circular gauge of a 0..100 score, drawn in SVG (no chart library), with
 * an accessible meter role.
 *
 * @remarks
 * With `coverage` below `minCoverage` the gauge says "Not enough evidence":
 * the ring and the score are greyed and the score is secondary.
 *
 * @public
 */
export function ScoreGauge(props: {
  score: number | null;
  size?: number;
  /** Known weight / applicable weight, 0..1. */
  coverage?: number;
  /** Coverage below which the score is not presented as a headline. */
  minCoverage?: number;
}) {
  const { score, size = 120, coverage, minCoverage = 0.5 } = props;
  const lowEvidence =
    score !== null && coverage !== undefined && coverage < minCoverage;
  const classes = useStyles();
  const theme = useTheme<Theme>();
  const { t } = useTranslationRef(complianceTranslationRef);
  const stroke = Math.max(6, Math.round(size / 12));
  const radius = (size - stroke) / 2;
  const circumference = 2 * Math.PI * radius;
  const value = score === null ? 0 : Math.max(0, Math.min(100, score));
  const text = formatScore(score);
  const valueText = lowEvidence
    ? `${t('common.notEnoughEvidence')}: ${t('common.scoreOnLowCoverage', {
        score: text ?? '',
        percent: String(Math.round((coverage ?? 0) * 100)),
      })}`
    : text ?? t('common.noScore');
  return (
    <Box
      className={classes.root}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={score === null ? undefined : Math.round(value)}
      aria-valuetext={valueText}
      aria-label={t('common.score')}
      data-testid="compliance-score"
    >
      <svg width={size} height={size} aria-hidden focusable="false">
        <circle
          cx={size / 2}
          cy={size / 2}
          r={radius}
          fill="none"
          stroke={theme.palette.divider}
          strokeWidth={stroke}
        />
        <circle
          cx={size / 2}
          cy={size / 2}
          r={radius}
          fill="none"
          stroke={
            lowEvidence
              ? theme.palette.text.disabled
              : scoreColor(score, theme.palette)
          }
          strokeWidth={stroke}
          strokeLinecap="round"
          strokeDasharray={`${(value / 100) * circumference} ${circumference}`}
          transform={`rotate(-90 ${size / 2} ${size / 2})`}
        />
      </svg>
      <Box className={classes.label} style={{ maxWidth: size * 0.72 }}>
        {lowEvidence ? (
          <>
            <Typography
              component="span"
              variant={size >= 100 ? 'h6' : 'body1'}
              color="textSecondary"
              style={{ lineHeight: 1 }}
            >
              {text}
            </Typography>
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
              data-testid="compliance-low-evidence"
            >
              {t('common.notEnoughEvidence')}
            </Typography>
          </>
        ) : (
          <>
            <Typography
              component="span"
              variant={size >= 100 ? 'h4' : 'h6'}
              style={{ lineHeight: 1 }}
            >
              {text ?? t('common.noScore')}
            </Typography>
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
            >
              {t('common.score')}
            </Typography>
          </>
        )}
      </Box>
    </Box>
  );
}
