import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { CreationRecord } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { formatRelative } from '../../lib/format';

/** "Created at level X by template Y", with the link to the template run. */
export function CreationRecords(props: { records?: CreationRecord[] }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  const records = props.records ?? [];
  if (records.length === 0) return null;
  return (
    <Box mb={1} data-testid="compliance-creation">
      {records.map(r => (
        <Typography key={r.taskId} variant="body2">
          {r.level
            ? t('trend.created', { level: r.level, template: r.templateRef })
            : t('trend.createdNoLevel', { template: r.templateRef })}{' '}
          · {formatRelative(r.createdAt) ?? r.createdAt}
          {r.runUrl && /^https?:\/\//i.test(r.runUrl) && (
            <>
              {' · '}
              <Link to={r.runUrl}>{t('trend.createdRun')}</Link>
            </>
          )}
        </Typography>
      ))}
    </Box>
  );
}
