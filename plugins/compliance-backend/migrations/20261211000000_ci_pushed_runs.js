// @ts-check

/**
 * CI runs pushed by any CI system (issue 10): one row per observation (a
 * run, or one check of a run) of an entity, keyed by the sha256 of
 * `<system>:<run id>[:<check>]` so that pushing the same run again updates
 * it instead of counting it twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_ci_runs', table => {
    table.comment('CI runs and check results pushed through POST /ci/runs');
    table.string('entity_ref', 255).notNullable();
    table
      .string('observation_key', 64)
      .notNullable()
      .comment('sha256 of <system>:<run id>[:<check name>]');
    table.string('system', 63).notNullable();
    table.string('run_id', 200).notNullable();
    table.string('name', 200).notNullable();
    table.string('sha', 64).nullable();
    table.string('outcome', 15).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.float('duration_seconds').nullable();
    table.text('url').nullable();
    table.text('summary').nullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'observation_key']);
    table.index(['entity_ref', 'started_at'], 'compliance_ci_runs_entity_idx');
    table.index(['started_at'], 'compliance_ci_runs_started_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_ci_runs');
};
