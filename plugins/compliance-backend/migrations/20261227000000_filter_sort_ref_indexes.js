// @ts-check

/**
 * The owner and system indexes of the overview carry the ref after the
 * score: an owner's or a system's page sorted by score (the default) is an
 * index range read in order, both directions, instead of the filter's
 * entities sorted by their ties (PostgreSQL sorted each score group, and
 * at 100,000 entities a system's first page read hundreds of rows for 51).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    table.index(
      ['owner', 'score', 'entity_ref'],
      'compliance_entities_owner_score_ref_idx',
    );
    table.index(
      ['system', 'score', 'entity_ref'],
      'compliance_entities_system_score_ref_idx',
    );
  });
  await knex.schema.alterTable('compliance_entities', table => {
    table.dropIndex(['owner', 'score'], 'compliance_entities_owner_score_idx');
    table.dropIndex(
      ['system', 'score'],
      'compliance_entities_system_score_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    table.index(['owner', 'score'], 'compliance_entities_owner_score_idx');
    table.index(['system', 'score'], 'compliance_entities_system_score_idx');
  });
  await knex.schema.alterTable('compliance_entities', table => {
    table.dropIndex(
      ['owner', 'score', 'entity_ref'],
      'compliance_entities_owner_score_ref_idx',
    );
    table.dropIndex(
      ['system', 'score', 'entity_ref'],
      'compliance_entities_system_score_ref_idx',
    );
  });
};
