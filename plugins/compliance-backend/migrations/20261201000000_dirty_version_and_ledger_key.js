// @ts-check

/**
 * - `compliance_entities.dirty_version`: incremented whenever an entity is
 *   marked dirty, so an evaluation clears the flag only when nothing changed
 *   since it read the entity (no clock comparison across replicas).
 * - A uniqueness key on the status-change ledger, so two evaluations of one
 *   entity can never record the same change twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    table
      .bigInteger('dirty_version')
      .notNullable()
      .defaultTo(0)
      .comment('Incremented each time the entity is marked dirty');
  });
  // Keep the first of any duplicated ledger rows, then add the key.
  const keep = knex('compliance_status_changes')
    .min('id as id')
    .groupBy('entity_ref', 'control_id', 'changed_at', 'to_status');
  const kept = await knex
    .select('id')
    .from(keep.as('k'))
    .then(rows => new Set(rows.map(r => String(r.id))));
  const all = await knex('compliance_status_changes').select('id');
  const duplicates = all.map(r => r.id).filter(id => !kept.has(String(id)));
  for (let i = 0; i < duplicates.length; i += 500) {
    await knex('compliance_status_changes')
      .whereIn('id', duplicates.slice(i, i + 500))
      .delete();
  }
  await knex.schema.alterTable('compliance_status_changes', table => {
    table.unique(['entity_ref', 'control_id', 'changed_at', 'to_status'], {
      indexName: 'compliance_status_changes_unique_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_status_changes', table => {
    table.dropUnique(
      ['entity_ref', 'control_id', 'changed_at', 'to_status'],
      'compliance_status_changes_unique_idx',
    );
  });
  await knex.schema.alterTable('compliance_entities', table => {
    table.dropColumn('dirty_version');
  });
};
