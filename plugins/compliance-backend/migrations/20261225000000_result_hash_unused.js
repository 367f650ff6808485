// @ts-check

/**
 * `compliance_results.result_hash` was written on every result and read
 * nowhere: hashing each result's whole evidence for it was a tenth of the
 * evaluation's CPU, and its 64 characters a fifth of a result row. New
 * code leaves it out; the column becomes nullable (replicas still running
 * the previous version keep writing it during a rolling upgrade) and the
 * stored hashes are cleared. A later release drops it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_results', table => {
    table.string('result_hash', 64).nullable().alter();
  });
  await knex('compliance_results').update({ result_hash: null });
};

/**
 * Down: the column is required again; rows written without it get an
 * empty hash (nothing reads it).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('compliance_results')
    .whereNull('result_hash')
    .update({ result_hash: '' });
  await knex.schema.alterTable('compliance_results', table => {
    table.string('result_hash', 64).notNullable().alter();
  });
};
