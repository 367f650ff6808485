import { ReactNode, useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  insightDisplayState,
  type EntityInsightResponse,
  type Insight,
  type InsightClaim,
  type InsightJob,
} from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { hasStatus } from '../../lib/errors';
import { InsightActions } from './InsightActions';
import { controlDomId } from '../ControlList/controlGroups';

/**
 * An entity's compliance insight, as the insight endpoint serves it.
 *
 * @public
 */
export type ComplianceInsight = Insight;

const isPending = (answer: EntityInsightResponse) =>
  ['queued', 'generating'].includes(insightDisplayState(answer));

/** The in-page anchor of a control in the control list. */
export function controlAnchor(controlId: string): string {
  return `#${controlDomId(controlId)}-header`;
}

/** Fact ids of the insight input (`score.total`, `ci.passRatePercent`); the rest are control ids. */
const FACT_ID = /^(score|results|ci|trend|level)\./;

/** The ids a claim cites: controls link to their rows, facts are shown as is. */
function Cites(props: { ids: string[] }) {
  return (
    <Typography variant="caption" color="textSecondary" component="span">
      {props.ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          {FACT_ID.test(id) ? (
            <code>{id}</code>
          ) : (
            <Link to={controlAnchor(id)}>{id}</Link>
          )}
        </span>
      ))}
    </Typography>
  );
}

/** One claim: its text as plain text (never markup), then what it cites. */
function Claim(props: { claim: InsightClaim; prefix?: string }) {
  return (
    <>
      <Typography variant="body2" component="span">
        {props.prefix}
        {props.claim.text}
      </Typography>{' '}
      <Cites ids={props.claim.cites} />
    </>
  );
}

function Section(props: {
  title: string;
  items: InsightClaim[];
  ordered?: boolean;
  prefix?: (i: number) => string | undefined;
}) {
  if (props.items.length === 0) return null;
  const List = props.ordered ? 'ol' : 'ul';
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      <List style={{ marginTop: 4, paddingLeft: 20 }}>
        {props.items.map((item, i) => (
          <li key={i}>
            <Claim claim={item} prefix={props.prefix?.(i)} />
          </li>
        ))}
      </List>
    </Box>
  );
}

const relative = (iso: string | null | undefined) =>
  iso ? DateTime.fromISO(iso).toRelative() ?? iso : '';

/** A notice about the generation, as plain text. */
function Notice(props: {
  severity: 'info' | 'warning' | 'error';
  children: string;
}) {
  const color = {
    info: 'textSecondary',
    warning: 'textPrimary',
    error: 'error',
  }[props.severity] as 'textSecondary' | 'textPrimary' | 'error';
  return (
    <Typography
      variant="body2"
      color={color}
      role="status"
      data-testid={`compliance-insight-job-${props.severity}`}
    >
      {props.children}
    </Typography>
  );
}

/** The state of the job generating a model insight, when there is one. */
function JobState(props: { job: InsightJob | null; fresh: boolean }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  const { job } = props;
  if (!job) return null;
  if (job.state === 'retrying') {
    return (
      <Notice severity="warning">
        {t('insight.jobRetrying', {
          attempts: String(job.attempts),
          maxAttempts: String(job.maxAttempts),
          error: job.lastError ?? '',
          next: relative(job.nextAttemptAt),
        })}
      </Notice>
    );
  }
  if (job.state === 'dead') {
    return (
      <Notice severity="error">
        {t('insight.jobDead', {
          attempts: String(job.attempts),
          error: job.lastError ?? '',
        })}
      </Notice>
    );
  }
  if (props.fresh) return null;
  return (
    <Notice severity="info">
      {job.state === 'running'
        ? t('insight.jobRunning')
        : t('insight.jobQueued')}
    </Notice>
  );
}

/** Renders an insight as plain text, with its source and age. */
export function InsightView(props: {
  insight: Insight;
  job?: InsightJob | null;
  status?: EntityInsightResponse['status'];
  /** Shown at the end of the header row (state, regenerate). */
  actions?: ReactNode;
}) {
  const { insight } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  const source =
    insight.source.type === 'model'
      ? `${insight.source.provider}/${insight.source.model}`
      : t('insight.rules');
  return (
    <div data-testid="compliance-insight">
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={1}>
        <Chip
          size="small"
          label={t('insight.source', { source })}
          data-testid="compliance-insight-source"
        />
        <Typography variant="caption" color="textSecondary">
          {t('insight.generated', { age: relative(insight.generatedAt) })}
        </Typography>
        {props.actions}
      </Box>
      <JobState job={props.job ?? null} fresh={props.status === 'fresh'} />
      <Box mt={1}>
        <Claim claim={insight.summary} />
      </Box>
      <Section title={t('insight.risks')} items={insight.risks} />
      <Section
        title={t('insight.steps')}
        items={insight.steps}
        ordered
        prefix={i =>
          insight.steps[i].expectedScoreGain > 0
            ? `${t('insight.gain', {
                gain: String(insight.steps[i].expectedScoreGain),
              })} `
            : undefined
        }
      />
      <Section title={t('insight.ciCauses')} items={insight.ciCauses} />
      <Box mt={2}>
        <Typography variant="subtitle2" component="h3">
          {t('insight.trend')}
        </Typography>
        <Claim claim={insight.trend} />
      </Box>
    </div>
  );
}

/**
 * The AI insight section of the Compliance tab: loads the entity's insight
 * (a model's, or the rules fallback) with the state of its generation.
 * Given an `insight` it renders that instead.
 *
 * @public
 */
export function AiInsight(props: {
  entityRef?: string;
  insight?: ComplianceInsight;
  /** Changes to reload (for example after a refresh). */
  reloadKey?: number;
  /** While a model insight is queued or generating, reload this often. Default 15 s. */
  pollIntervalMs?: number;
}) {
  const { entityRef, insight } = props;
  const api = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const [poll, setPoll] = useState(0);
  const { value, loading, error } = useAsync(async () => {
    if (insight || !entityRef || typeof api.getInsight !== 'function') {
      return undefined;
    }
    return api.getInsight(entityRef);
  }, [api, entityRef, insight, props.reloadKey, poll]);
  // The answer of a regenerate request replaces the loaded one.
  const [regenerated, setRegenerated] = useState<EntityInsightResponse>();
  useEffect(() => setRegenerated(undefined), [value]);
  // A pending job: look again until it is done.
  const shown = regenerated ?? value;
  const pending = shown ? isPending(shown) : false;
  useEffect(() => {
    if (!pending) return undefined;
    const timer = setTimeout(
      () => setPoll(n => n + 1),
      props.pollIntervalMs ?? 15_000,
    );
    return () => clearTimeout(timer);
  }, [pending, shown, props.pollIntervalMs]);

  if (insight) return <InsightView insight={insight} />;
  if (loading && !value) return <Progress />;
  if (error && !hasStatus(error, 404)) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return (
      <EmptyState
        missing="info"
        title={t('insight.empty')}
        description={t('insight.emptyDescription')}
      />
    );
  }
  const answer = regenerated ?? value;
  return (
    <InsightView
      insight={answer.insight}
      job={answer.job}
      status={answer.status}
      actions={
        entityRef && (
          <InsightActions
            entityRef={entityRef}
            answer={answer}
            onChange={setRegenerated}
          />
        )
      }
    />
  );
}
