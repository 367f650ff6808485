import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ComplianceGovernanceApi,
  ControlEntityRow,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef, complianceGovernanceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { saveTextFile } from '../../lib/download';
import { StatusChip } from '../StatusChip';
import { formatValue } from '../../lib/format';

const list = (text: string) =>
  text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

function csvCell(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV of a control's entities (one line per entity). */
export function controlEntitiesCsv(
  controlId: string,
  rows: ControlEntityRow[],
): string {
  const header = [
    'control_id',
    'entity_ref',
    'title',
    'owner',
    'system',
    'lifecycle',
    'status',
    'status_since',
    'reason',
    'evidence',
  ];
  const lines = rows.map(r =>
    [
      controlId,
      r.entityRef,
      r.title,
      r.owner ?? '',
      r.system ?? '',
      r.lifecycle ?? '',
      r.status,
      r.statusSince,
      r.reason,
      r.evidence.map(e => `${e.factId}=${JSON.stringify(e.value)}`).join('; '),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/**
 * Props of {@link ControlCampaign}.
 *
 * @public
 */
export interface ControlCampaignProps {
  /** The control; defaults to the `:controlId` route parameter. */
  controlId?: string;
}

/**
 * A page per control for remediation campaigns: what it checks and why
 * (framework mappings, remediation), every readable entity by status with
 * its evidence and owner, filters by owner (with child groups), system and
 * lifecycle, and a CSV download.
 *
 * @public
 */
export function ControlCampaign(props: ControlCampaignProps) {
  const params = useParams();
  const controlId = props.controlId ?? params.controlId ?? '';
  const governance = useApiHolder().get(complianceGovernanceApiRef);
  if (!governance) return null;
  return <ControlCampaignWithApi controlId={controlId} api={governance} />;
}

function ControlCampaignWithApi(props: {
  controlId: string;
  api: ComplianceGovernanceApi;
}) {
  const { controlId, api } = props;
  const complianceApi = useApi(complianceApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const [owner, setOwner] = useState('');
  const [system, setSystem] = useState('');
  const [lifecycle, setLifecycle] = useState('');
  const [applied, setApplied] = useState({
    owner: '',
    system: '',
    lifecycle: '',
  });
  const controls = useAsyncRetry(
    () => complianceApi.getControls(),
    [complianceApi],
  );
  const entities = useAsyncRetry(
    () =>
      api.getControlEntities(controlId, {
        owner: list(applied.owner),
        system: list(applied.system),
        lifecycle: list(applied.lifecycle),
      }),
    [api, controlId, applied],
  );
  const control = controls.value?.controls.find(c => c.id === controlId);
  if (controls.loading && !controls.value) return <Progress />;
  if (controls.error) return <ResponseErrorPanel error={controls.error} />;
  if (!control) {
    return (
      <EmptyState
        missing="data"
        title={t('campaign.noControl', { controlId })}
        description={t('campaign.noControlDetail')}
      />
    );
  }
  return (
    <Grid container spacing={3} data-testid="control-campaign">
      <Grid item xs={12}>
        <InfoCard title={`${control.id} · ${control.title}`}>
          <Typography variant="body1" paragraph>
            {control.description}
          </Typography>
          <Box display="flex" flexWrap="wrap" gridGap={8} mb={1}>
            <Chip
              size="small"
              label={t('campaign.severity', { severity: control.severity })}
            />
            <Chip
              size="small"
              label={t('campaign.category', { category: control.category })}
            />
            {Object.entries(control.frameworks ?? {}).flatMap(([fw, reqs]) =>
              reqs.map(r => (
                <Chip
                  key={`${fw}-${r}`}
                  size="small"
                  variant="outlined"
                  label={`${fw} ${r}`}
                />
              )),
            )}
          </Box>
          {control.remediation ? (
            <Typography variant="body2">
              <strong>{t('campaign.howToFix')}</strong>
              {control.remediation.text}
            </Typography>
          ) : null}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={t('campaign.entities')}>
          <Box
            component="form"
            display="flex"
            flexWrap="wrap"
            gridGap={8}
            alignItems="flex-end"
            mb={2}
            onSubmit={(e: React.FormEvent) => {
              e.preventDefault();
              setApplied({ owner, system, lifecycle });
            }}
          >
            <TextField
              id="campaign-owner-includes-child-groups"
              label={t('campaign.owner')}
              value={owner}
              onChange={e => setOwner(e.target.value)}
              placeholder="group:default/platform"
            />
            <TextField
              id="campaign-system"
              label={t('campaign.system')}
              value={system}
              onChange={e => setSystem(e.target.value)}
            />
            <TextField
              id="campaign-lifecycle"
              label={t('campaign.lifecycle')}
              value={lifecycle}
              onChange={e => setLifecycle(e.target.value)}
            />
            <Button type="submit" variant="outlined">
              {t('campaign.apply')}
            </Button>
            <Button
              disabled={!entities.value?.items.length}
              onClick={() =>
                saveTextFile(
                  `compliance-${controlId}.csv`,
                  controlEntitiesCsv(controlId, entities.value?.items ?? []),
                )
              }
            >
              {t('campaign.downloadCsv')}
            </Button>
          </Box>
          {entities.value ? (
            <Box display="flex" gridGap={8} mb={2} flexWrap="wrap">
              {Object.entries(entities.value.counts).map(([status, n]) => (
                <Chip key={status} size="small" label={`${status}: ${n}`} />
              ))}
            </Box>
          ) : null}
          {entities.loading && !entities.value ? <Progress /> : null}
          {entities.error ? (
            <ResponseErrorPanel error={entities.error} />
          ) : null}
          {entities.value && entities.value.items.length === 0 ? (
            <Typography color="textSecondary">
              {t('campaign.noMatch')}
            </Typography>
          ) : null}
          {entities.value && entities.value.items.length > 0 ? (
            <Table
              size="small"
              aria-label={t('campaign.tableLabel', { controlId })}
            >
              <TableHead>
                <TableRow>
                  <TableCell>{t('campaign.entity')}</TableCell>
                  <TableCell>{t('campaign.ownerColumn')}</TableCell>
                  <TableCell>{t('campaign.status')}</TableCell>
                  <TableCell>{t('campaign.reason')}</TableCell>
                  <TableCell>{t('campaign.evidence')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {entities.value.items.map(r => (
                  <TableRow key={r.entityRef}>
                    <TableCell>
                      <EntityRefLink entityRef={r.entityRef} />
                    </TableCell>
                    <TableCell>
                      {r.owner ? <EntityRefLink entityRef={r.owner} /> : '—'}
                    </TableCell>
                    <TableCell>
                      <StatusChip status={r.status} />
                    </TableCell>
                    <TableCell>{r.reason}</TableCell>
                    <TableCell>
                      {r.evidence.map(e => (
                        <Typography
                          key={e.factId}
                          variant="caption"
                          component="div"
                        >
                          {e.factId} = {formatValue(e.value)}
                        </Typography>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
