import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseFactStore } from './DatabaseFactStore';
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

  it('clears the copies of known values from the last good value, and a transient failure still falls back to it', async () => {
    const knex = await databases.init(databaseId);
    const LAST_GOOD_ONCE = '20261226000000_fact_last_good_value_once.js';
    for (const file of migrationFiles.filter(f => f < LAST_GOOD_ONCE)) {
      await knex.migrate.up({ directory: migrationsDir, name: file });
    }
    const at = new Date('2026-11-20T09:00:00Z');
    const row = (factId: string, value: string | null, lastGood: string) => ({
      entity_ref: 'component:default/a',
      fact_id: factId,
      collector_id: 'gh',
      value,
      value_hash: `h-${factId}`,
      unknown_reason: value === null ? 'insufficient_permission' : null,
      last_good_value: lastGood,
      last_good_observed_at: at,
      observed_at: at,
      changed_at: at,
    });
    // As the previous version wrote them: a known value copied, and the
    // good value kept apart behind a permission error.
    await knex('compliance_facts').insert([
      row('known', '{"n":1}', '{"n":1}'),
      row('denied', null, '7'),
    ]);
    await knex.migrate.up({ directory: migrationsDir, name: LAST_GOOD_ONCE });
    const lastGood = async () =>
      Object.fromEntries(
        (
          await knex('compliance_facts').select('fact_id', 'last_good_value')
        ).map(r => [r.fact_id, r.last_good_value]),
      );
    expect(await lastGood()).toEqual({ known: null, denied: '7' });

    const facts = new DatabaseFactStore(knex);
    await facts.writeFacts('gh', [
      {
        entityRef: 'component:default/a',
        factId: 'known',
        unknownReason: 'rate_limited',
        observedAt: new Date('2026-11-21T09:00:00Z'),
      },
    ]);
    const [, known] = (await facts.getFacts(['component:default/a'])).get(
      'component:default/a',
    )!;
    expect(known).toMatchObject({
      factId: 'known',
      value: { n: 1 },
      known: true,
      stale: true,
      unknownReason: 'rate_limited',
    });

    await knex.migrate.down({ directory: migrationsDir });
    expect(await lastGood()).toEqual({ known: '{"n":1}', denied: '7' });
    await knex.destroy();
  });
});
