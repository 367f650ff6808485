import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CreationRecord } from 'backstage-plugin-compliance-common';
import type { CreationStore } from '../database/DatabaseCreationStore';
import type { ReportService } from './ReportService';

type EntityName = Parameters<ReportService['getSummary']>[0];

function principalOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return (p.userEntityRef ?? p.subject ?? p.type ?? 'unknown').slice(0, 255);
}

/**
 * Records "created at level X by template Y". The entity must be readable
 * and evaluated (404 otherwise); the level is the backend's own evaluation,
 * never the caller's claim. A second record of the same run keeps the first.
 */
export async function recordCreation(
  reports: ReportService,
  creations: CreationStore,
  name: EntityName,
  body: { templateRef: string; taskId: string; runUrl?: string },
  credentials: BackstageCredentials,
): Promise<CreationRecord> {
  const summary = await reports.getSummary(name, credentials);
  await creations.record({
    entityRef: summary.entityRef,
    level: summary.level?.id ?? null,
    templateRef: body.templateRef.toLocaleLowerCase('en-US'),
    taskId: body.taskId,
    ...(body.runUrl ? { runUrl: body.runUrl } : {}),
    recordedBy: principalOf(credentials),
    createdAt: new Date().toISOString(),
  });
  const stored = await creations.list(summary.entityRef);
  return stored.find(r => r.taskId === body.taskId)!;
}
