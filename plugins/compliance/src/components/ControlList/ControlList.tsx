import { useMemo, useState } from 'react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  COMPLIANCE_STATUSES,
  ControlResultWithControl,
  SEVERITY_WEIGHTS,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { StatusChip } from '../StatusChip';
import { formatAbsolute, formatRelative, formatValue } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  category: {
    marginTop: theme.spacing(2),
    marginBottom: theme.spacing(1),
    textTransform: 'capitalize',
  },
  summary: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    width: '100%',
  },
  title: { flexGrow: 1, minWidth: 200 },
  details: { display: 'block' },
  section: { marginBottom: theme.spacing(1.5) },
  evidence: { margin: 0, paddingLeft: theme.spacing(2.5) },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.85em',
    wordBreak: 'break-word',
    backgroundColor: theme.palette.action.hover,
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.borderRadius,
  },
}));

const statusOrder = (s: string) => {
  const i = COMPLIANCE_STATUSES.indexOf(s as never);
  return i < 0 ? COMPLIANCE_STATUSES.length : i;
};

/** Human text for an unknown reason. */
export function useUnknownReasonText() {
  const { t } = useTranslationRef(complianceTranslationRef);
  return (reason: UnknownReason | string | undefined): string | undefined => {
    switch (reason) {
      case 'no_repo':
      case 'no_credentials':
      case 'insufficient_permission':
      case 'feature_unavailable':
      case 'rate_limited':
      case 'error':
      case 'not_collected':
        return t(`unknownReason.${reason}`);
      case undefined:
        return undefined;
      default:
        return reason;
    }
  };
}

function ControlItem(props: { result: ControlResultWithControl }) {
  const { result } = props;
  const { control } = result;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const unknownText = useUnknownReasonText();
  const id = `compliance-control-${control.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const frameworkRefs = Object.entries(control.frameworks ?? {}).flatMap(
    ([fw, refs]) => refs.map(r => `${fw}:${r}`),
  );
  const unknown =
    result.status === 'unknown' ? unknownText(result.unknownReason) : undefined;
  return (
    <Accordion
      TransitionProps={{ unmountOnExit: true }}
      data-testid="compliance-control"
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`${id}-content`}
        id={`${id}-header`}
      >
        <Box className={classes.summary}>
          <StatusChip status={result.status} />
          <Typography className={classes.title} component="span">
            {control.title}
          </Typography>
          {unknown && (
            <Typography variant="body2" color="textSecondary" component="span">
              {t('controls.unknownBecause', { reason: unknown })}
            </Typography>
          )}
          <Chip size="small" label={t(`severity.${control.severity}`)} />
        </Box>
      </AccordionSummary>
      <AccordionDetails className={classes.details} id={`${id}-content`}>
        <div className={classes.section}>
          <Typography variant="subtitle2">{t('controls.reason')}</Typography>
          <Typography variant="body2">{result.reason}</Typography>
          {control.description && (
            <Typography variant="body2" color="textSecondary">
              {control.description}
            </Typography>
          )}
          {result.statusSince && (
            <Typography variant="caption" color="textSecondary">
              {t('controls.since', {
                relative: formatRelative(result.statusSince) ?? '',
              })}
            </Typography>
          )}
        </div>
        {result.evidence.length > 0 && (
          <div className={classes.section}>
            <Typography variant="subtitle2">
              {t('controls.evidence')}
            </Typography>
            <ul className={classes.evidence}>
              {result.evidence.map(e => (
                <li key={e.factId}>
                  <Typography variant="body2" component="span">
                    <span className={classes.code}>{e.factId}</span> ={' '}
                    <span className={classes.code}>{formatValue(e.value)}</span>
                    {e.unknownReason && ` (${unknownText(e.unknownReason)})`}
                    {e.observedAt && (
                      <span title={formatAbsolute(e.observedAt)}>
                        {' · '}
                        {t('controls.observed', {
                          relative: formatRelative(e.observedAt) ?? '',
                        })}
                      </span>
                    )}
                    {e.evidence?.url && (
                      <>
                        {' · '}
                        <Link to={e.evidence.url}>
                          {e.evidence.source ?? t('controls.source')}
                        </Link>
                      </>
                    )}
                  </Typography>
                </li>
              ))}
            </ul>
          </div>
        )}
        {control.remediation && (
          <div className={classes.section}>
            <Typography variant="subtitle2">
              {t('controls.remediation')}
            </Typography>
            <Typography variant="body2">{control.remediation.text}</Typography>
            {control.remediation.url && (
              <Link to={control.remediation.url}>
                {t('controls.learnMore')}
              </Link>
            )}
          </div>
        )}
        {frameworkRefs.length > 0 && (
          <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
            {frameworkRefs.map(r => (
              <Chip key={r} size="small" variant="outlined" label={r} />
            ))}
          </Box>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * The controls of an entity grouped by category, each expandable to its
 * reason, evidence and remediation, with a "failing only" filter.
 *
 * @public
 */
export function ControlList(props: { results: ControlResultWithControl[] }) {
  const { results } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const [failingOnly, setFailingOnly] = useState(false);

  const groups = useMemo(() => {
    const visible = failingOnly
      ? results.filter(r => r.status === 'fail')
      : results;
    const byCategory = new Map<string, ControlResultWithControl[]>();
    for (const r of visible) {
      const cat = r.control.category || 'other';
      byCategory.set(cat, [...(byCategory.get(cat) ?? []), r]);
    }
    return [...byCategory.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, items]) => ({
        category,
        items: items.sort(
          (a, b) =>
            statusOrder(a.status) - statusOrder(b.status) ||
            (SEVERITY_WEIGHTS[b.control.severity] ?? 0) -
              (SEVERITY_WEIGHTS[a.control.severity] ?? 0) ||
            a.control.title.localeCompare(b.control.title),
        ),
      }));
  }, [results, failingOnly]);

  const counts = useMemo(() => {
    const c = { pass: 0, fail: 0, warn: 0, unknown: 0 };
    for (const r of results) {
      if (r.status in c) c[r.status as keyof typeof c] += 1;
    }
    return c;
  }, [results]);

  return (
    <section aria-labelledby="compliance-controls-heading">
      <div className={classes.toolbar}>
        <div>
          <Typography
            variant="h5"
            component="h2"
            id="compliance-controls-heading"
          >
            {t('controls.title')}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {t('controls.summary', {
              pass: String(counts.pass),
              fail: String(counts.fail),
              warn: String(counts.warn),
              unknown: String(counts.unknown),
            })}
          </Typography>
        </div>
        <FormControlLabel
          control={
            <Switch
              checked={failingOnly}
              onChange={(_e, checked) => setFailingOnly(checked)}
              color="primary"
            />
          }
          label={t('controls.failingOnly')}
        />
      </div>
      {results.length === 0 && (
        <Typography color="textSecondary">{t('controls.empty')}</Typography>
      )}
      {results.length > 0 && groups.length === 0 && (
        <Typography color="textSecondary">
          {t('controls.noneFailing')}
        </Typography>
      )}
      {groups.map(g => (
        <div key={g.category}>
          <Typography variant="h6" component="h3" className={classes.category}>
            {g.category}
          </Typography>
          {g.items.map(r => (
            <ControlItem key={r.controlId} result={r} />
          ))}
        </div>
      ))}
    </section>
  );
}
