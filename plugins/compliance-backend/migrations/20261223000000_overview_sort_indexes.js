// @ts-check

/**
 * Overview pages in index order on every database: each sort column's index
 * also holds the ref (the tie-breaker), so a page reads
 * `<column> <order>, entity_ref` from the index, and the rows without a
 * value (`<column> is null order by entity_ref`) too, instead of sorting the
 * filtered table. Replaces the single-column indexes of these columns (the
 * composite index serves their filters as well); the owner keeps its
 * (owner, score) index for owner-filtered pages and gains one for its sort.
 *
 * @param {import('knex').Knex} knex
 */

/** [single-column index, column, composite index] */
const SORT_INDEXES = [
  [
    'compliance_entities_score_idx',
    'score',
    'compliance_entities_score_ref_idx',
  ],
  [
    'compliance_entities_coverage_idx',
    'coverage',
    'compliance_entities_coverage_ref_idx',
  ],
  ['compliance_entities_name_idx', 'name', 'compliance_entities_name_ref_idx'],
  [
    'compliance_entities_level_idx',
    'level',
    'compliance_entities_level_ref_idx',
  ],
  [
    'compliance_entities_fail_count_idx',
    'fail_count',
    'compliance_entities_fail_count_ref_idx',
  ],
  [
    'compliance_entities_evaluated_at_idx',
    'evaluated_at',
    'compliance_entities_evaluated_at_ref_idx',
  ],
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [single, column, composite] of SORT_INDEXES) {
      table.index([column, 'entity_ref'], composite);
      table.dropIndex([column], single);
    }
    table.index(['owner', 'entity_ref'], 'compliance_entities_owner_ref_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_entities', table => {
    for (const [single, column, composite] of SORT_INDEXES) {
      table.index([column], single);
      table.dropIndex([column, 'entity_ref'], composite);
    }
    table.dropIndex(
      ['owner', 'entity_ref'],
      'compliance_entities_owner_ref_idx',
    );
  });
};
