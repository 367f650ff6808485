import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

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
