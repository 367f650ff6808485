import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  ComplianceGovernanceApi,
  ExportManifest,
} from 'backstage-plugin-compliance-common';
import { complianceGovernanceApiRef } from '../../api';
import { complianceTranslationRef } from '../../translation';
import { saveTextFile } from '../../lib/download';
import {
  DateField,
  InlineForm,
  SelectField,
  useBusyAction,
} from '../InlineForm';

/**
 * Props of {@link AuditorExport}.
 *
 * @public
 */
export interface AuditorExportProps {
  /** Framework ids and titles to offer (besides "all"). */
  frameworks: Array<{ id: string; title: string }>;
}

/** sha256 hex of a text, as the manifest computes it (UTF-8 bytes). */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest))
    .map(b => b.toString(16).padStart(2, '0'))
    .join('');
}

/**
 * Downloads an auditor export (framework, as of a date, JSON and CSV) with
 * its manifest, and checks each file's sha256 against the manifest before
 * saving. Renders nothing when the governance API is not registered.
 *
 * @public
 */
export function AuditorExport(props: AuditorExportProps) {
  const api = useApiHolder().get(complianceGovernanceApiRef);
  if (!api) return null;
  return <AuditorExportWithApi {...props} api={api} />;
}

function AuditorExportWithApi(
  props: AuditorExportProps & { api: ComplianceGovernanceApi },
) {
  const { api, frameworks } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  const [framework, setFramework] = useState('all');
  const [asOf, setAsOf] = useState(new Date().toISOString().slice(0, 10));
  const { busy, run } = useBusyAction(message =>
    t('auditorExport.failed', { message }),
  );
  const [result, setResult] = useState<{
    manifest: ExportManifest;
    verified: boolean;
  }>();

  const download = () =>
    run(async () => {
      setResult(undefined);
      // A past day means its end; today means now.
      const today = new Date().toISOString().slice(0, 10);
      const at = asOf >= today ? new Date().toISOString() : asOf;
      const request = { framework, asOf: at };
      const manifest = await api.getExportManifest(request);
      const request2 = { ...request, asOf: manifest.asOf };
      const files = await Promise.all(
        (['json', 'csv'] as const).map(format =>
          api.downloadExport({ ...request2, format }),
        ),
      );
      let verified = true;
      for (const file of files) {
        const expected = manifest.files.find(f => f.name === file.fileName);
        if (!expected || expected.sha256 !== (await sha256Hex(file.text))) {
          verified = false;
        }
      }
      for (const file of files) {
        saveTextFile(
          file.fileName,
          file.text,
          file.fileName.endsWith('.csv') ? 'text/csv' : 'application/json',
        );
      }
      saveTextFile(
        `compliance-${framework}-manifest.json`,
        `${JSON.stringify(manifest, null, 2)}\n`,
        'application/json',
      );
      setResult({ manifest, verified });
    });

  return (
    <InfoCard title={t('auditorExport.title')}>
      <InlineForm>
        <SelectField
          id="export-framework"
          label={t('auditorExport.framework')}
          value={framework}
          onChange={setFramework}
          minWidth={180}
          options={[
            { value: 'all', label: t('auditorExport.allFrameworks') },
            ...frameworks.map(f => ({ value: f.id, label: f.title })),
          ]}
        />
        <DateField
          id="export-as-of"
          label={t('auditorExport.asOf')}
          value={asOf}
          onChange={setAsOf}
        />
        <Button
          variant="outlined"
          color="primary"
          onClick={download}
          disabled={busy}
        >
          {busy ? t('auditorExport.exporting') : t('auditorExport.download')}
        </Button>
      </InlineForm>
      {result ? (
        <Box mt={2} data-testid="export-result">
          <Typography variant="body2">
            {result.verified
              ? t('auditorExport.verified')
              : t('auditorExport.mismatch')}
          </Typography>
          {result.manifest.files.map(f => (
            <Typography key={f.name} variant="caption" component="div">
              {t('auditorExport.file', {
                name: f.name,
                rows: String(f.rows),
                sha256: f.sha256,
              })}
            </Typography>
          ))}
        </Box>
      ) : null}
    </InfoCard>
  );
}
