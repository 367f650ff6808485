import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { ComplianceStores } from './ComplianceStore';
import { DatabaseCiRunStore } from './DatabaseCiRunStore';
import { DatabaseCreationStore } from './DatabaseCreationStore';
import { DatabaseEntityStore } from './DatabaseEntityStore';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { DatabaseFactStore } from './DatabaseFactStore';
import { DatabaseInsightStore } from './DatabaseInsightStore';
import { DatabaseOverviewStore } from './DatabaseOverviewStore';
import { DatabaseRunStore } from './DatabaseRunStore';
import { DatabaseUserLoginStore } from './DatabaseUserLoginStore';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import {
  DatabaseGroupStore,
  DatabaseReadModelStore,
} from './DatabaseReadModelStore';
import { DatabaseEvidenceStore } from './DatabaseEvidenceStore';
import { DatabaseCampaignStore } from './DatabaseCampaignStore';
import { DatabaseNotificationStore } from './DatabaseNotificationStore';
import { dialectOf } from './util';

const migrationsDir = resolvePackagePath(
  'backstage-plugin-compliance-backend',
  'migrations',
);

/**
 * The knex implementation of {@link ComplianceStores}, on the host database
 * (SQLite, PostgreSQL, MySQL): one store per aggregate over one set of
 * migrations.
 */
export const DatabaseComplianceStore = {
  /** Runs the migrations (unless skipped) and creates the stores. */
  async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<ComplianceStores> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    const dialect = dialectOf(client);
    return {
      entities: new DatabaseEntityStore(client),
      facts: new DatabaseFactStore(client),
      evaluations: new DatabaseEvaluationStore(client, dialect),
      runs: new DatabaseRunStore(client),
      overview: new DatabaseOverviewStore(client, dialect),
      waiverRecords: new DatabaseWaiverStore(client),
      ciRuns: new DatabaseCiRunStore(client),
      groups: new DatabaseGroupStore(client),
      userLogins: new DatabaseUserLoginStore(client),
      readModel: new DatabaseReadModelStore(client),
      insights: new DatabaseInsightStore(client),
      creations: new DatabaseCreationStore(client),
      evidence: new DatabaseEvidenceStore(client),
      campaigns: new DatabaseCampaignStore(client, dialect),
      notifications: new DatabaseNotificationStore(client),
    };
  },
};
