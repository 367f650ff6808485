import type { Knex } from 'knex';
import type { CreationRecord } from 'backstage-plugin-compliance-common';
import { Timestamp, toIso } from './util';

/** A row of `compliance_creation_records`. */
interface CreationRow {
  entity_ref: string;
  level: string | null;
  template_ref: string;
  task_id: string;
  run_url: string | null;
  recorded_by: string;
  created_at: Timestamp;
}

/** The born-compliant records: the level an entity was created at. */
export interface CreationStore {
  /** Records a creation; a second record of the same run is ignored. */
  record(record: CreationRecord): Promise<void>;
  /** The entity's creation records, oldest first. */
  list(entityRef: string): Promise<CreationRecord[]>;
}

/** The knex implementation of {@link CreationStore}. */
export class DatabaseCreationStore implements CreationStore {
  constructor(private readonly db: Knex) {}

  async record(r: CreationRecord): Promise<void> {
    await this.db<CreationRow>('compliance_creation_records')
      .insert({
        entity_ref: r.entityRef,
        level: r.level,
        template_ref: r.templateRef,
        task_id: r.taskId,
        run_url: r.runUrl ?? null,
        recorded_by: r.recordedBy,
        created_at: new Date(r.createdAt),
      })
      .onConflict(['entity_ref', 'task_id'])
      .ignore();
  }

  async list(entityRef: string): Promise<CreationRecord[]> {
    const rows = await this.db<CreationRow>('compliance_creation_records')
      .where({ entity_ref: entityRef })
      .orderBy('created_at', 'asc')
      .limit(20);
    return rows.map(row => ({
      entityRef: row.entity_ref,
      level: row.level,
      templateRef: row.template_ref,
      taskId: row.task_id,
      ...(row.run_url ? { runUrl: row.run_url } : {}),
      recordedBy: row.recorded_by,
      createdAt: toIso(row.created_at),
    }));
  }
}
