import { createTestDatabases } from '../__testUtils__/databases';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  'backstage-plugin-compliance-backend',
  'migrations',
);
const migrationFiles = fs
  .readdirSync(migrationsDir)
  .filter(f => f.endsWith('.js'))
  .sort();

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('migrates every step up and back down', async () => {
    const knex = await databases.init(databaseId);
    for (const file of migrationFiles) {
      await knex.migrate.up({ directory: migrationsDir, name: file });
    }
    expect(await knex.schema.hasTable('compliance_entities')).toBe(true);
    expect(await knex.schema.hasTable('compliance_status_changes')).toBe(true);
    await knex('compliance_entities').insert({
      entity_ref: 'component:default/a',
      kind: 'component',
      namespace: 'default',
      name: 'a',
      entity_json: '{}',
      entity_hash: 'h',
      last_seen_at: new Date(),
    });
    for (const _ of migrationFiles) {
      await knex.migrate.down({ directory: migrationsDir });
    }
    expect(await knex.schema.hasTable('compliance_entities')).toBe(false);
    expect(await knex.schema.hasTable('compliance_facts')).toBe(false);
    await knex.destroy();
  });
});
