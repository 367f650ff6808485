import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { ControlResultWithControl } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { formatAbsolute, formatRelative, formatValue } from '../../lib/format';
import { localCheck } from '../../lib/explain';
import { EvidencePeople } from './EvidencePeople';
import { useUnknownReasonText } from './useUnknownReasonText';

const useStyles = makeStyles(theme => ({
  details: { padding: theme.spacing(1, 2, 2) },
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

/**
 * What an expanded control shows: its reason, evidence, remediation, how to
 * check it locally (fix-first controls) and its framework references. Only
 * mounted while the row is expanded.
 */
export function ControlDetails(props: {
  result: ControlResultWithControl;
  /** Whether to say how to check the control locally (fix-first rows). */
  showLocalCheck?: boolean;
  id: string;
  labelledBy: string;
}) {
  const { result, showLocalCheck, id, labelledBy } = props;
  const { control } = result;
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const unknownText = useUnknownReasonText();
  const check = showLocalCheck ? localCheck(result) : undefined;
  const frameworkRefs = Object.entries(control.frameworks ?? {}).flatMap(
    ([fw, refs]) => refs.map(r => `${fw}:${r}`),
  );
  return (
    <div
      className={classes.details}
      id={id}
      role="region"
      aria-labelledby={labelledBy}
    >
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
            <Link to={control.remediation.url}>{t('controls.learnMore')}</Link>
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
    </div>
  );
}
