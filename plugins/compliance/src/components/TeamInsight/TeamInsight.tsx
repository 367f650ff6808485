import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { InsightClaim } from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { hasStatus } from '../../lib/errors';

/**
 * Props of {@link TeamInsight}.
 *
 * @public
 */
export interface TeamInsightProps {
  /** The owner group, for example `group:default/platform`. One owner only. */
  owner?: string;
}

/** A claim as plain text (never markup), then the ids it cites. */
function Claim(props: { claim: InsightClaim; detail?: string }) {
  return (
    <>
      <Typography variant="body2" component="span">
        {props.claim.text}
        {props.detail ? ` ${props.detail}` : ''}
      </Typography>{' '}
      <Typography variant="caption" color="textSecondary" component="span">
        {props.claim.cites.map((id, i) => (
          <span key={id}>
            {i > 0 && ', '}
            <code>{id}</code>
          </span>
        ))}
      </Typography>
    </>
  );
}

function List(props: {
  title: string;
  items: Array<{ claim: InsightClaim; detail?: string }>;
}) {
  if (props.items.length === 0) return null;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      <ol style={{ marginTop: 4, paddingLeft: 20 }}>
        {props.items.map((item, i) => (
          <li key={i}>
            <Claim claim={item.claim} detail={item.detail} />
          </li>
        ))}
      </ol>
    </Box>
  );
}

/**
 * The overview's team view: for one owner group (and the groups below it),
 * the top risks across its entities and the controls that would lift the
 * most entities to their next level. Renders nothing without an owner or
 * when AI insights are not enabled.
 *
 * @public
 */
export function TeamInsight(props: TeamInsightProps) {
  const { owner } = props;
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const single = owner && !owner.includes(',') ? owner : undefined;
  const { value, loading, error } = useAsync(async () => {
    if (!single || typeof api.getTeamInsight !== 'function') return undefined;
    return api.getTeamInsight(single);
  }, [api, single]);

  if (!single) return null;
  if (error && hasStatus(error, 404)) return null;
  return (
    <InfoCard title={t('insight.team.title')}>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <div data-testid="compliance-team-insight">
          <Typography variant="caption" color="textSecondary" component="p">
            {t('insight.team.description', {
              entities: String(value.entityCount),
              owner: value.owner,
            })}{' '}
            {value.truncated &&
              t('insight.team.truncated', {
                entities: String(value.entityCount),
              })}
          </Typography>
          <Box mt={1}>
            <Claim claim={value.summary} />
          </Box>
          <List
            title={t('insight.team.risks')}
            items={value.risks.map(r => ({ claim: r }))}
          />
          <List
            title={t('insight.team.lifts')}
            items={value.lifts.map(l => ({ claim: l }))}
          />
          <Typography variant="caption" color="textSecondary" component="p">
            {t('insight.team.sources', {
              model: String(value.sources.model),
              rules: String(value.sources.rules),
            })}
          </Typography>
        </div>
      )}
    </InfoCard>
  );
}
