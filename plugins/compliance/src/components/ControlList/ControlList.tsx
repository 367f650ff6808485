import { KeyboardEvent, useMemo, useState } from 'react';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ControlResultWithControl,
  EntityComplianceSummary,
} from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { fixFirst, groupUnknowns } from '../../lib/explain';
import { UnknownGroups } from './UnknownGroups';
import { ControlRow } from './ControlRow';
import { countStatuses, groupByCategory } from './controlGroups';

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
}));

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

  const groups = useMemo(
    () => (failingOnly ? [] : groupByCategory(results)),
    [results, failingOnly],
  );
  const counts = useMemo(() => countStatuses(results), [results]);

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
                  <ControlRow
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
            <ControlRow key={r.controlId} result={r} />
          ))}
        </div>
      ))}
    </section>
  );
}
