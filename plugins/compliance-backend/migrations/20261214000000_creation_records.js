// @ts-check

/**
 * Born-compliant records (issue 14): "created at level X by template Y",
 * written once per scaffolder run after the new entity's first evaluation.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_creation_records', table => {
    table.comment(
      'The level an entity was created at by a software template run',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('level', 127).nullable();
    table.string('template_ref', 255).notNullable();
    table.string('task_id', 127).notNullable();
    table.text('run_url').nullable();
    table.string('recorded_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['entity_ref', 'task_id'], {
      indexName: 'compliance_creation_records_run_key',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_creation_records');
};
