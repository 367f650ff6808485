import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { ControlResultWithControl } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { StatusChip } from '../StatusChip';
import type { FixItem } from '../../lib/explain';
import { ControlDetails } from './ControlDetails';
import { controlDomId } from './controlGroups';
import { useUnknownReasonText } from './useUnknownReasonText';

// One static style sheet for all rows: a row is a plain button and spans,
// not an MUI Accordion (Paper, Collapse, two ripples and chips per row were
// most of the tab's rendering time for 40 controls).
const useStyles = makeStyles(theme => {
  const light = theme.palette.type === 'light';
  const tag = {
    display: 'inline-flex',
    alignItems: 'center',
    height: 24,
    padding: theme.spacing(0, 1),
    borderRadius: 12,
    fontSize: theme.typography.pxToRem(13),
    whiteSpace: 'nowrap' as const,
    border: `1px solid ${
      light ? 'rgba(0, 0, 0, 0.23)' : 'rgba(255, 255, 255, 0.23)'
    }`,
    color: theme.palette.text.primary,
  };
  const filled = light ? theme.palette.grey[300] : theme.palette.grey[700];
  return {
    row: {
      backgroundColor: theme.palette.background.paper,
      borderBottom: `1px solid ${theme.palette.divider}`,
      '&:first-of-type': { borderTop: `1px solid ${theme.palette.divider}` },
    },
    header: {
      display: 'flex',
      alignItems: 'center',
      flexWrap: 'wrap',
      gap: theme.spacing(1),
      width: '100%',
      minHeight: 48,
      padding: theme.spacing(1, 2),
      margin: 0,
      border: 0,
      background: 'none',
      color: 'inherit',
      font: 'inherit',
      textAlign: 'left',
      cursor: 'pointer',
      '&:hover': { backgroundColor: theme.palette.action.hover },
      '&:focus-visible': {
        outline: `2px solid ${theme.palette.primary.main}`,
        outlineOffset: -2,
      },
    },
    title: { flexGrow: 1, minWidth: 200 },
    secondary: {
      ...theme.typography.body2,
      color: theme.palette.text.secondary,
    },
    tag,
    primaryTag: {
      ...tag,
      color: theme.palette.primary.main,
      borderColor: theme.palette.primary.main,
    },
    filledTag: {
      ...tag,
      border: 0,
      backgroundColor: filled,
      color: theme.palette.getContrastText(filled),
    },
    icon: {
      color: theme.palette.action.active,
      transition: theme.transitions.create('transform', {
        duration: theme.transitions.duration.shortest,
      }),
    },
    iconOpen: { transform: 'rotate(180deg)' },
  };
});

/**
 * One control in the list: a button showing its status, title, what fixing
 * it is worth and its severity; the details mount only once expanded.
 */
export function ControlRow(props: {
  result: ControlResultWithControl;
  fix?: FixItem;
  nextLevelTitle?: string;
}) {
  const { result, fix, nextLevelTitle } = props;
  const { control } = result;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const unknownText = useUnknownReasonText();
  const [open, setOpen] = useState(false);
  const id = controlDomId(control.id);
  const unknown =
    result.status === 'unknown' ? unknownText(result.unknownReason) : undefined;
  return (
    <div className={classes.row} data-testid="compliance-control">
      <button
        type="button"
        className={classes.header}
        id={`${id}-header`}
        aria-expanded={open}
        aria-controls={open ? `${id}-content` : undefined}
        data-control-nav
        onClick={() => setOpen(o => !o)}
      >
        <StatusChip status={result.status} />
        <Typography className={classes.title} component="span">
          {control.title}
        </Typography>
        {unknown && (
          <span className={classes.secondary}>
            {t('controls.unknownBecause', { reason: unknown })}
          </span>
        )}
        {fix?.blocksNextLevel && nextLevelTitle && (
          <span className={classes.primaryTag}>
            {t('fixFirst.blocksLevel', { level: nextLevelTitle })}
          </span>
        )}
        {fix && fix.gain > 0 && (
          <span className={classes.tag}>
            {t('fixFirst.gain', { points: String(fix.gain) })}
          </span>
        )}
        <span className={classes.filledTag}>
          {t(`severity.${control.severity}`)}
        </span>
        <ExpandMoreIcon
          aria-hidden
          className={`${classes.icon} ${open ? classes.iconOpen : ''}`}
        />
      </button>
      {open && (
        <ControlDetails
          result={result}
          showLocalCheck={Boolean(fix)}
          id={`${id}-content`}
          labelledBy={`${id}-header`}
        />
      )}
    </div>
  );
}
