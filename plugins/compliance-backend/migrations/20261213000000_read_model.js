// @ts-check

/**
 * The read path at scale:
 * - `compliance_search_terms`: the word-start suffixes of each entity's name
 *   and title, so overview search is an index range on every database
 *   (binary/"C" collation on PostgreSQL so the range is code point order).
 * - `compliance_group_edges`: the catalog's group hierarchy, collected by
 *   the scheduler, so owner filters expand child groups locally.
 * - `compliance_read_state`: the evaluation version (HTTP ETags) and the
 *   overview aggregates of the common filters, computed once per cycle.
 * - indexes for every overview filter and sort.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPg = knex.client.config.client === 'pg';
  await knex.schema.createTable('compliance_search_terms', table => {
    table.comment('Word-start suffixes of entity names and titles, for search');
    table.string('term', 100).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.primary(['term', 'entity_ref']);
    table.index(['entity_ref'], 'compliance_search_terms_entity_idx');
  });
  if (isPg) {
    await knex.raw(
      'alter table compliance_search_terms alter column term type varchar(100) collate "C"',
    );
  }
  await knex.schema.createTable('compliance_group_edges', table => {
    table.comment('Parent/child links between catalog groups');
    table.string('parent_ref', 255).notNullable();
    table.string('child_ref', 255).notNullable();
    table.primary(['parent_ref', 'child_ref']);
  });
  await knex.schema.createTable('compliance_read_state', table => {
    table.comment('Evaluation version and precomputed overview aggregates');
    table.string('id', 63).primary().notNullable();
    table.bigInteger('version').notNullable().defaultTo(0);
    table.text('aggregates').nullable();
    table.timestamp('computed_at', { useTz: true }).nullable();
  });
  await knex('compliance_read_state').insert({ id: 'overview', version: 1 });
  await knex.schema.alterTable('compliance_entities', table => {
    table.index(['name'], 'compliance_entities_name_idx');
    table.index(['lifecycle'], 'compliance_entities_lifecycle_idx');
    table.index(['coverage'], 'compliance_entities_coverage_idx');
    table.index(['fail_count'], 'compliance_entities_fail_count_idx');
    table.index(['evaluated_at'], 'compliance_entities_evaluated_at_idx');
    table.index(['system', 'score'], 'compliance_entities_system_score_idx');
  });
  // Backfill the search terms of the entities already known (same rule as
  // src/lib/searchTerms.ts, kept here so the migration stands alone).
  const rows = await knex('compliance_entities').select(
    'entity_ref',
    'name',
    'title',
  );
  const terms = [];
  for (const r of rows) {
    const seen = new Set();
    for (const text of [r.name, r.title ?? '']) {
      const chars = Array.from(
        String(text).normalize('NFKC').toLocaleLowerCase('en-US').trim(),
      ).slice(0, 100);
      for (let i = 0; i < chars.length && seen.size < 40; i++) {
        if (
          (i === 0 || /[\s\-_./:]/.test(chars[i - 1])) &&
          !/\s/.test(chars[i])
        ) {
          const term = chars.slice(i).join('').trimEnd();
          if (term) seen.add(term);
        }
      }
    }
    for (const term of seen) terms.push({ term, entity_ref: r.entity_ref });
  }
  for (let i = 0; i < terms.length; i += 200) {
    await knex('compliance_search_terms')
      .insert(terms.slice(i, i + 200))
      .onConflict(['term', 'entity_ref'])
      .ignore();
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    table.dropIndex(['name'], 'compliance_entities_name_idx');
    table.dropIndex(['lifecycle'], 'compliance_entities_lifecycle_idx');
    table.dropIndex(['coverage'], 'compliance_entities_coverage_idx');
    table.dropIndex(['fail_count'], 'compliance_entities_fail_count_idx');
    table.dropIndex(['evaluated_at'], 'compliance_entities_evaluated_at_idx');
    table.dropIndex(
      ['system', 'score'],
      'compliance_entities_system_score_idx',
    );
  });
  await knex.schema.dropTable('compliance_read_state');
  await knex.schema.dropTable('compliance_group_edges');
  await knex.schema.dropTable('compliance_search_terms');
};
