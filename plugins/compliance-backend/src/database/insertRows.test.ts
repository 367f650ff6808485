import { createTestDatabases } from '../__testUtils__/databases';
import { insertRows } from './insertRows';
import { dialectOf } from './util';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('insertRows on %s', databaseId => {
  async function table() {
    const knex = await databases.init(databaseId);
    await knex.schema.createTable('t', t => {
      t.string('k1').notNullable();
      t.string('k2').notNullable();
      t.text('value');
      t.bigInteger('seen').notNullable();
      t.boolean('flag');
      t.timestamp('at', { useTz: true });
      t.primary(['k1', 'k2']);
    });
    const rows = async () =>
      (await knex('t').orderBy(['k1', 'k2'])).map(r => ({
        ...r,
        seen: Number(r.seen),
        flag: r.flag === null ? null : Boolean(r.flag),
        at: r.at === null ? null : new Date(r.at).toISOString(),
      }));
    return { knex, dialect: dialectOf(knex), rows };
  }

  it('writes many rows in statements the database accepts, missing columns as null', async () => {
    const { knex, dialect, rows } = await table();
    const many = Array.from({ length: 2_500 }, (_, i) => ({
      k1: `e${String(i).padStart(4, '0')}`,
      k2: 'a',
      seen: i,
      ...(i % 2
        ? {
            value: i === 1 ? 'it\'s "quoted", {braced}\\ ,' : `v${i}`,
            flag: true,
            at: new Date(Date.UTC(2026, 11, 1, 12, 30, 15, 250)),
          }
        : {}),
    }));
    const statements: string[] = [];
    knex.on('query', q => statements.push(q.sql));
    await insertRows(knex, dialect, 't', many, { chunk: 200 });
    const shapeOf = (q: string) => {
      if (q.includes('unnest(')) return 'unnest';
      return q.includes(' values ') ? 'values' : 'other';
    };
    const shapes = statements.filter(q => q.startsWith('insert')).map(shapeOf);
    // PostgreSQL: one array per column, 13 statements of 200 rows, a
    // parameter per column. SQLite: values lists, as many rows as 4,000
    // values allow. Elsewhere knex's insert, 200 rows each.
    let expected = new Array(13).fill('values');
    if (dialect.isPostgres) expected = new Array(13).fill('unnest');
    if (dialect.isSqlite) expected = new Array(4).fill('values');
    expect(shapes).toEqual(expected);
    const stored = await rows();
    expect(stored).toHaveLength(2_500);
    expect(stored[0]).toEqual({
      k1: 'e0000',
      k2: 'a',
      value: null,
      seen: 0,
      flag: null,
      at: null,
    });
    expect(stored[1]).toEqual({
      k1: 'e0001',
      k2: 'a',
      value: 'it\'s "quoted", {braced}\\ ,',
      seen: 1,
      flag: true,
      at: '2026-12-01T12:30:15.250Z',
    });
    await knex.destroy();
  });

  it('keeps, merges, or merges only where the guard holds, on conflict', async () => {
    const { knex, dialect, rows } = await table();
    await insertRows(
      knex,
      dialect,
      't',
      [
        { k1: 'a', k2: '1', value: 'old', seen: 10 },
        { k1: 'b', k2: '1', value: 'old', seen: 10 },
      ],
      { chunk: 100 },
    );
    await insertRows(
      knex,
      dialect,
      't',
      [{ k1: 'a', k2: '1', value: 'ignored', seen: 99 }],
      { chunk: 100, onConflict: { columns: ['k1', 'k2'], ignore: true } },
    );
    expect((await rows())[0].value).toBe('old');

    const guarded = {
      columns: ['k1', 'k2'],
      merge: true as const,
      mergeWhere: '"t"."seen" <= excluded."seen"',
    };
    await insertRows(
      knex,
      dialect,
      't',
      [
        { k1: 'a', k2: '1', value: 'newer', seen: 11 },
        { k1: 'b', k2: '1', value: 'older', seen: 9 },
        { k1: 'c', k2: '1', value: 'new', seen: 1 },
      ],
      { chunk: 100, onConflict: guarded },
    );
    const stored = await rows();
    expect(stored.map(r => r.value)).toEqual([
      'newer',
      // MySQL has no WHERE on ON DUPLICATE KEY UPDATE (see the README).
      dialect.isSqlite || dialect.isPostgres ? 'old' : 'older',
      'new',
    ]);

    await insertRows(
      knex,
      dialect,
      't',
      [{ k1: 'c', k2: '1', value: 'only value', seen: 500 }],
      { chunk: 100, onConflict: { columns: ['k1', 'k2'], merge: ['value'] } },
    );
    expect((await rows())[2]).toMatchObject({ value: 'only value', seen: 1 });
    await knex.destroy();
  });
});
