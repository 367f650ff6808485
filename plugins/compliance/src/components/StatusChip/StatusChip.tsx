import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import HelpIcon from '@material-ui/icons/Help';
import BlockIcon from '@material-ui/icons/Block';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { ComplianceStatus } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';

/** The theme colour of a status; works in light and dark themes. */
export function statusColor(theme: Theme, status: ComplianceStatus): string {
  switch (status) {
    case 'pass':
      return theme.palette.success.main;
    case 'warn':
      return theme.palette.warning.main;
    case 'fail':
      return theme.palette.error.main;
    case 'waived':
      return theme.palette.info.main;
    default:
      return theme.palette.text.secondary;
  }
}

// One static class per status: a style function of props would make JSS
// build a sheet for every chip, which is slow for a list of 40 controls.
const useStyles = makeStyles(theme => {
  // The label keeps the text colour (status colours such as warning orange
  // are too light for text on a light background); border and icon carry
  // the status colour.
  const colored = (status: ComplianceStatus) => ({
    color: theme.palette.text.primary,
    borderColor: statusColor(theme, status),
    fontWeight: theme.typography.fontWeightMedium as number,
    '& $icon': { color: statusColor(theme, status) },
  });
  return {
    icon: {},
    pass: colored('pass'),
    warn: colored('warn'),
    fail: colored('fail'),
    unknown: colored('unknown'),
    not_applicable: colored('not_applicable'),
    waived: colored('waived'),
  };
});

const icons: Record<ComplianceStatus, typeof CheckCircleIcon> = {
  pass: CheckCircleIcon,
  warn: WarningIcon,
  fail: ErrorIcon,
  unknown: HelpIcon,
  not_applicable: BlockIcon,
  waived: VerifiedUserIcon,
};

/**
 * A chip showing a control status with an icon and a text label, so the
 * status never relies on colour alone.
 *
 * @public
 */
export function StatusChip(props: {
  status: ComplianceStatus;
  size?: 'small' | 'medium';
}) {
  const { status, size = 'small' } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const Icon = icons[status] ?? HelpIcon;
  return (
    <Chip
      variant="outlined"
      size={size}
      className={classes[status] ?? classes.unknown}
      icon={<Icon className={classes.icon} aria-hidden />}
      label={t(`status.${status}`)}
      data-status={status}
    />
  );
}
