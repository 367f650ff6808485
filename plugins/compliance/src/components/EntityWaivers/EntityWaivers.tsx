import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ComplianceGovernanceApi,
  ComplianceWaiver,
  ControlResultWithControl,
} from 'backstage-plugin-compliance-common';
import { complianceGovernanceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { formatAbsolute } from '../../lib/format';
import {
  DateField,
  InlineForm,
  SelectField,
  useBusyAction,
} from '../InlineForm';

/**
 * Props of {@link EntityWaivers}.
 *
 * @public
 */
export interface EntityWaiversProps {
  entityRef: string;
  /** The entity's results: the controls a waiver can be requested for. */
  results: ControlResultWithControl[];
  /** Called after a waiver changed, so the tab can reload its results. */
  onChange?: () => void;
}

const inDays = (n: number) =>
  new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

function WaiverRequestForm(props: {
  api: ComplianceGovernanceApi;
  entityRef: string;
  results: ControlResultWithControl[];
  onDone: () => void;
}) {
  const { api, entityRef, results, onDone } = props;
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const candidates = results.filter(
    r => r.status === 'fail' || r.status === 'warn',
  );
  const [controlId, setControlId] = useState(candidates[0]?.controlId ?? '');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState(inDays(30));
  const [link, setLink] = useState('');
  const { busy, run } = useBusyAction(message =>
    t('waivers.requestFailed', { message }),
  );
  if (candidates.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {t('waivers.nothingToWaive')}
      </Typography>
    );
  }
  const submit = () =>
    run(async () => {
      await api.requestWaiver(entityRef, {
        controlId,
        reason,
        expiresAt,
        ...(link ? { link } : {}),
      });
      alertApi.post({ message: t('waivers.requested'), severity: 'success' });
      setReason('');
      setLink('');
      onDone();
    });
  return (
    <InlineForm label={t('waivers.formLabel')} onSubmit={submit}>
      <SelectField
        id="waiver-control"
        label={t('waivers.control')}
        value={controlId}
        onChange={setControlId}
        minWidth={220}
        options={candidates.map(r => ({
          value: r.controlId,
          label: `${r.controlId} · ${r.control.title}`,
        }))}
      />
      <TextField
        id="waiver-reason"
        label={t('waivers.reason')}
        value={reason}
        onChange={e => setReason(e.target.value)}
        helperText={t('waivers.reasonHelp')}
        style={{ minWidth: 260, flexGrow: 1 }}
        inputProps={{ maxLength: 2000 }}
      />
      <DateField
        id="waiver-expires"
        label={t('waivers.expires')}
        value={expiresAt}
        onChange={setExpiresAt}
      />
      <TextField
        id="waiver-link-optional"
        label={t('waivers.linkOptional')}
        value={link}
        onChange={e => setLink(e.target.value)}
        inputProps={{ maxLength: 2000 }}
      />
      <Button
        type="submit"
        variant="contained"
        color="primary"
        disabled={busy || reason.trim().length < 10 || !controlId}
      >
        {t('waivers.request')}
      </Button>
    </InlineForm>
  );
}

function statusLabel(w: ComplianceWaiver, reviewRequired: string) {
  if (w.status === 'approved' && w.reviewRequired) return reviewRequired;
  return w.status;
}

/**
 * The waivers of an entity on its Compliance tab: config and requested
 * waivers with approver and expiry, a request form, and approve / reject /
 * revoke for those allowed (the backend decides; a refusal shows its
 * message).
 *
 * @public
 */
export function EntityWaivers(props: EntityWaiversProps) {
  const holder = useApiHolder();
  const api = holder.get(complianceGovernanceApiRef);
  if (!api) return null;
  return <EntityWaiversWithApi {...props} api={api} />;
}

function EntityWaiversWithApi(
  props: EntityWaiversProps & { api: ComplianceGovernanceApi },
) {
  const { api, entityRef, results, onChange } = props;
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getWaivers(entityRef),
    [api, entityRef],
  );
  const decide = async (
    w: ComplianceWaiver,
    step: 'approve' | 'reject' | 'revoke',
  ) => {
    try {
      await api.decideWaiver(w.id, step);
      alertApi.post({
        message: t('waivers.decided', { step }),
        severity: 'success',
      });
      retry();
      onChange?.();
    } catch (e) {
      alertApi.post({
        message: t('waivers.decideFailed', {
          step,
          message: (e as Error).message,
        }),
        severity: 'error',
      });
    }
  };
  return (
    <InfoCard title={t('waivers.title')}>
      {loading && !value ? <Progress /> : null}
      {error ? <ResponseErrorPanel error={error} /> : null}
      {value ? (
        <>
          {value.items.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              {t('waivers.none')}
            </Typography>
          ) : (
            <Table size="small" aria-label={t('waivers.tableLabel')}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('waivers.control')}</TableCell>
                  <TableCell>{t('waivers.status')}</TableCell>
                  <TableCell>{t('waivers.reason')}</TableCell>
                  <TableCell>{t('waivers.requestedBy')}</TableCell>
                  <TableCell>{t('waivers.approver')}</TableCell>
                  <TableCell>{t('waivers.expires')}</TableCell>
                  <TableCell>{t('waivers.actions')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {value.items.map(w => (
                  <TableRow key={w.id} data-testid={`waiver-${w.controlId}`}>
                    <TableCell>{w.controlId}</TableCell>
                    <TableCell>
                      <Chip
                        size="small"
                        label={statusLabel(w, t('waivers.reviewRequired'))}
                      />
                      {w.source === 'config' ? (
                        <Chip
                          size="small"
                          variant="outlined"
                          label={t('waivers.config')}
                        />
                      ) : null}
                    </TableCell>
                    <TableCell>
                      {w.reason}
                      {w.link ? (
                        <>
                          {' '}
                          <Link to={w.link}>{t('waivers.link')}</Link>
                        </>
                      ) : null}
                    </TableCell>
                    <TableCell>{w.requestedBy ?? '—'}</TableCell>
                    <TableCell>{w.decidedBy ?? '—'}</TableCell>
                    <TableCell>
                      {w.expiresAt ? formatAbsolute(w.expiresAt) : '—'}
                    </TableCell>
                    <TableCell>
                      {w.source === 'api' &&
                      (w.status === 'requested' ||
                        (w.status === 'approved' && w.reviewRequired)) ? (
                        <>
                          <Button
                            size="small"
                            onClick={() => decide(w, 'approve')}
                          >
                            {t('waivers.approve')}
                          </Button>
                          <Button
                            size="small"
                            onClick={() => decide(w, 'reject')}
                          >
                            {t('waivers.reject')}
                          </Button>
                        </>
                      ) : null}
                      {w.source === 'api' &&
                      (w.status === 'requested' || w.status === 'approved') ? (
                        <Button
                          size="small"
                          onClick={() => decide(w, 'revoke')}
                        >
                          {t('waivers.revoke')}
                        </Button>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Box mt={2}>
            <WaiverRequestForm
              api={api}
              entityRef={entityRef}
              results={results}
              onDone={() => {
                retry();
                onChange?.();
              }}
            />
          </Box>
        </>
      ) : null}
    </InfoCard>
  );
}
