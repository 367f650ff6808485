import { KeyboardEvent, useMemo, useState } from 'react';
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
  EntityComplianceSummary,
  SEVERITY_WEIGHTS,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { StatusChip } from '../StatusChip';
import { formatAbsolute, formatRelative, formatValue } from '../../lib/format';
import {
  FixItem,
  fixFirst,
  groupUnknowns,
  localCheck,
} from '../../lib/explain';
import { UnknownGroups } from './UnknownGroups';
import { EvidencePeople } from './EvidencePeople';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  hidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
  sectionTitle: { marginTop: theme.spacing(2) },
  category: {
    marginTop: theme.spacing(1),
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
      case 'insufficient_data':
        return t(`unknownReason.${reason}`);
      case undefined:
        return undefined;
      default:
        return reason;
    }
  };
}

function ControlItem(props: {
  result: ControlResultWithControl;
  fix?: FixItem;
  nextLevelTitle?: string;
}) {
  const { result, fix, nextLevelTitle } = props;
  const check = fix ? localCheck(result) : undefined;
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
        data-control-nav
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
          {fix?.blocksNextLevel && nextLevelTitle && (
            <Chip
              size="small"
              color="primary"
              variant="outlined"
              label={t('fixFirst.blocksLevel', { level: nextLevelTitle })}
            />
          )}
          {fix && fix.gain > 0 && (
            <Chip
              size="small"
              variant="outlined"
              label={t('fixFirst.gain', { points: String(fix.gain) })}
            />
          )}
          <Chip size="small" label={t(`severity.${control.severity}`)} />
        </Box>
      </AccordionSummary>
      <AccordionDetails className={classes.details} id={`${id}-content`}>
        <div className={classes.section}>
          <Typography variant="subtitle2" component="p">
            {t('controls.reason')}
          </Typography>
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
            <Typography variant="subtitle2" component="p">
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
                    {e.people?.length ? (
                      <EvidencePeople people={e.people} />
                    ) : null}
                  </Typography>
                </li>
              ))}
            </ul>
          </div>
        )}
        {control.remediation && (
          <div className={classes.section}>
            <Typography variant="subtitle2" component="p">
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
        {check && (
          <div className={classes.section}>
            <Typography variant="subtitle2" component="p">
              {t('fixFirst.checkLocally')}
            </Typography>
            <code className={classes.code}>{check}</code>
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

/** Moves focus among the list's headers with the arrow, Home and End keys. */
function onListKeyDown(e: KeyboardEvent<HTMLElement>) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const items = Array.from(
    e.currentTarget.querySelectorAll<HTMLElement>('[data-control-nav]'),
  );
  const current = items.findIndex(el => el === document.activeElement);
  if (current < 0) return;
  e.preventDefault();
  let next = current;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, current + 1);
  if (e.key === 'ArrowUp') next = Math.max(0, current - 1);
  if (e.key === 'Home') next = 0;
  if (e.key === 'End') next = items.length - 1;
  items[next].focus();
}

/**
 * The controls of an entity: what to fix first (failing and warning
 * controls, those the next level needs first, then by score gain), unknown
 * controls grouped by cause with the fix, then the rest by category. Each
 * control expands to its reason, evidence, remediation and how to check it
 * locally. The arrow keys move between controls.
 *
 * @public
 */
export function ControlList(props: {
  results: ControlResultWithControl[];
  /** The entity's summary: the next level and the known weight for fix-first order. */
  summary?: Pick<EntityComplianceSummary, 'knownWeight' | 'nextLevel'>;
}) {
  const { results, summary } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const [failingOnly, setFailingOnly] = useState(false);

  const fixes = useMemo(() => {
    const items = fixFirst(results, summary);
    return failingOnly ? items.filter(i => i.result.status === 'fail') : items;
  }, [results, summary, failingOnly]);
  const unknownGroups = useMemo(() => groupUnknowns(results), [results]);

  const groups = useMemo(() => {
    if (failingOnly) return [];
    const rest = results.filter(
      r => !['fail', 'warn', 'unknown'].includes(r.status),
    );
    const byCategory = new Map<string, ControlResultWithControl[]>();
    for (const r of rest) {
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
    // The arrow keys move between the headers of the controls below.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <section
      aria-labelledby="compliance-controls-heading"
      aria-describedby="compliance-controls-keys"
      onKeyDown={onListKeyDown}
    >
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
          <span id="compliance-controls-keys" className={classes.hidden}>
            {t('controls.keyboardHint')}
          </span>
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
      {results.length > 0 && (
        <section aria-labelledby="compliance-fix-first-heading">
          <Typography
            variant="h6"
            component="h3"
            id="compliance-fix-first-heading"
            className={classes.sectionTitle}
          >
            {t('fixFirst.title')}
          </Typography>
          {fixes.length === 0 ? (
            <Typography color="textSecondary">
              {failingOnly ? t('controls.noneFailing') : t('fixFirst.none')}
            </Typography>
          ) : (
            <>
              <Typography variant="body2" color="textSecondary" gutterBottom>
                {t('fixFirst.description')}
              </Typography>
              <div data-testid="compliance-fix-first">
                {fixes.map(f => (
                  <ControlItem
                    key={f.result.controlId}
                    result={f.result}
                    fix={f}
                    nextLevelTitle={summary?.nextLevel?.title}
                  />
                ))}
              </div>
            </>
          )}
        </section>
      )}
      {!failingOnly && <UnknownGroups groups={unknownGroups} />}
      {groups.length > 0 && (
        <Typography
          variant="h6"
          component="h3"
          className={classes.sectionTitle}
        >
          {t('controls.passing')}
        </Typography>
      )}
      {groups.map(g => (
        <div key={g.category}>
          <Typography
            variant="subtitle1"
            component="h4"
            className={classes.category}
          >
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
