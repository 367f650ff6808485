import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('DatabaseComplianceStore.create', () => {
  it('migrates the database and returns one store per aggregate', async () => {
    const knex = await databases.init('SQLITE_3');
    const stores = await DatabaseComplianceStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    expect(Object.keys(stores).sort()).toEqual([
      'campaigns',
      'ciRuns',
      'creations',
      'entities',
      'evaluations',
      'evidence',
      'facts',
      'groups',
      'insights',
      'notifications',
      'overview',
      'readModel',
      'runs',
      'userLogins',
      'waiverRecords',
    ]);
    expect(await knex.schema.hasTable('compliance_entities')).toBe(true);
    expect(await knex.schema.hasTable('compliance_ci_runs')).toBe(true);
    expect(await knex.schema.hasTable('compliance_notifications_sent')).toBe(
      true,
    );
    expect(await knex.schema.hasTable('compliance_user_logins')).toBe(true);
    expect(await stores.entities.countEntities()).toBe(0);
  });

  it('leaves the schema alone when migrations are skipped', async () => {
    const knex = await databases.init('SQLITE_3');
    await DatabaseComplianceStore.create({
      database: mockServices.database({ knex, migrations: { skip: true } }),
    });
    await DatabaseComplianceStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
      skipMigrations: true,
    });
    expect(await knex.schema.hasTable('compliance_entities')).toBe(false);
  });
});
