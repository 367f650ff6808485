import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { usePermission } from '@backstage/plugin-permission-react';
import { ResponseError } from '@backstage/errors';
import {
  complianceInsightRegeneratePermission,
  insightDisplayState,
  type EntityInsightResponse,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';

/** The backend's own message of a failed request (cooldown, no provider). */
function reasonOf(e: unknown): string {
  if (e instanceof ResponseError) return e.body.error.message;
  return e instanceof Error ? e.message : String(e);
}

const COLORS = {
  fresh: 'primary',
  queued: 'default',
  generating: 'default',
  failed: 'secondary',
  rules: 'default',
} as const;

/**
 * The state of an entity's insight (fresh, queued, generating, failed,
 * rules-based) and, when the caller may regenerate it and a model provider
 * is configured, a Regenerate button that queues a new model insight.
 */
export function InsightActions(props: {
  entityRef: string;
  answer: EntityInsightResponse;
  onChange: (answer: EntityInsightResponse) => void;
}) {
  const { entityRef, answer, onChange } = props;
  const api = useApi(complianceApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { allowed } = usePermission({
    permission: complianceInsightRegeneratePermission,
    resourceRef: entityRef,
  });
  const [busy, setBusy] = useState(false);
  const state = insightDisplayState(answer);
  const pending = state === 'queued' || state === 'generating';

  const onRegenerate = async () => {
    setBusy(true);
    try {
      onChange(await api.regenerateInsight(entityRef));
      alertApi.post({
        message: t('insight.regenerateQueued'),
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: t('insight.regenerateFailed', { error: reasonOf(e) }),
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box display="flex" alignItems="center" ml="auto">
      <Chip
        size="small"
        variant="outlined"
        color={COLORS[state]}
        label={t(`insight.state.${state}`)}
        data-testid="compliance-insight-state"
      />
      {allowed && answer.providersConfigured && (
        <Button
          size="small"
          variant="outlined"
          disabled={busy || pending}
          onClick={onRegenerate}
        >
          {busy ? t('insight.regenerating') : t('insight.regenerate')}
        </Button>
      )}
    </Box>
  );
}
