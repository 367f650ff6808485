// @ts-check

/**
 * `compliance_facts.last_good_value` held a second copy of every known
 * value: a known value is always the last good one. It now holds a value
 * only while the fact is unknown (the value a transient failure falls back
 * to is read as `last_good_value ?? value`), and the stored copies are
 * cleared. During a rolling upgrade a replica still on the previous version
 * reads no last good value for a known fact; a transient failure it merges
 * then shows the fact unknown (never a false result) until the next
 * observation.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('compliance_facts')
    .whereNotNull('value')
    .whereNotNull('last_good_value')
    .update({ last_good_value: null });
};

/**
 * Down: the copies are written back.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('compliance_facts')
    .whereNotNull('value')
    .whereNull('last_good_value')
    .update({ last_good_value: knex.ref('value') });
};
