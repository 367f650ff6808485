// @ts-check

/**
 * The owner and system indexes of the overview carry the ref after the
 * sort column, for the default sort (score) and sort by failing: an
 * owner's or a system's page sorted so is an index range read in order,
 * both directions, instead of the filter's entities sorted. Before,
 * PostgreSQL sorted each score group, and for sort by failing it walked
 * the whole failing-count index when a system's entities clustered at one
 * end (20,000 rows read for a page at 100,000 entities).
 */

/**
 * [column, sort column, new index, index it replaces or null]
 *
 * @type {Array<[string, string, string, string | null]>}
 */
const INDEXES = [
  [
    'owner',
    'score',
    'compliance_entities_owner_score_ref_idx',
    'compliance_entities_owner_score_idx',
  ],
  [
    'system',
    'score',
    'compliance_entities_system_score_ref_idx',
    'compliance_entities_system_score_idx',
  ],
  ['owner', 'fail_count', 'compliance_entities_owner_failing_ref_idx', null],
  ['system', 'fail_count', 'compliance_entities_system_failing_ref_idx', null],
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [column, sort, name] of INDEXES) {
      table.index([column, sort, 'entity_ref'], name);
    }
  });
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [column, sort, , replaced] of INDEXES) {
      if (replaced) table.dropIndex([column, sort], replaced);
    }
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [column, sort, , replaced] of INDEXES) {
      if (replaced) table.index([column, sort], replaced);
    }
  });
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [column, sort, name] of INDEXES) {
      table.dropIndex([column, sort, 'entity_ref'], name);
    }
  });
};
