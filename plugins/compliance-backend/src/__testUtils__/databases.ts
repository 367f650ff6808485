import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { DatabaseComplianceStore } from '../database/DatabaseComplianceStore';

/**
 * Every database the store supports. SQLite always runs; the others run when
 * `BACKSTAGE_TEST_DATABASE_<ID>_CONNECTION_STRING` is set (CI sets
 * PostgreSQL 15).
 */
export const SUPPORTED_DATABASES: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
  'MYSQL_8',
];

export function createTestDatabases() {
  return TestDatabases.create({ ids: SUPPORTED_DATABASES });
}

/** A fresh, migrated database of the given kind and the stores on it. */
export async function createTestStores(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  const knex = await databases.init(databaseId);
  const stores = await DatabaseComplianceStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  return { knex, stores };
}

/**
 * Declares the tests once per supported database; each test calls `setup`
 * for a fresh database and the stores on it.
 */
export function describeOnEachDatabase(
  name: string,
  tests: (setup: () => ReturnType<typeof createTestStores>) => void,
) {
  jest.setTimeout(60_000);
  const databases = createTestDatabases();
  describe.each(databases.eachSupportedId())(`${name} on %s`, databaseId => {
    tests(() => createTestStores(databases, databaseId));
  });
}
