// @ts-check

/**
 * Governance (issue 11):
 * - `compliance_waivers`: waivers as data, with their workflow state and the
 *   evidence hash they were granted against;
 * - `compliance_waiver_events`: the append-only ledger of waiver actions
 *   with the actor;
 * - evidence columns on the fact history (append-only: a changed value is a
 *   new row) so that the evidence as of a date carries its hash and source;
 * - `last_observed_at` on facts: when a collector last saw the value, which
 *   differs from when it changed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_waivers', table => {
    table.comment('Waivers requested and decided through the API');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('control_id', 127).notNullable();
    table.string('status', 31).notNullable();
    table.text('reason').notNullable();
    table.text('link').nullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_comment').nullable();
    table.string('revoked_by', 255).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('evidence_hash', 64).nullable();
    table.boolean('review_required').notNullable().defaultTo(false);
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'control_id'], 'compliance_waivers_entity_idx');
    table.index(['status', 'expires_at'], 'compliance_waivers_status_idx');
  });

  await knex.schema.createTable('compliance_waiver_events', table => {
    table.comment('Append-only ledger of waiver actions and their actor');
    table.bigIncrements('id').primary();
    table.string('waiver_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('control_id', 127).notNullable();
    table.string('action', 31).notNullable();
    table.string('actor', 255).notNullable();
    table.text('comment').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'at'], 'compliance_waiver_events_entity_idx');
    table.index(['waiver_id'], 'compliance_waiver_events_waiver_idx');
  });

  await knex.schema.alterTable('compliance_fact_history', table => {
    table.string('collector_id', 127).nullable();
    table
      .string('value_hash', 64)
      .nullable()
      .comment('sha256 of the canonical JSON of the observation');
    table.text('evidence').nullable().comment('JSON: source, url, sha256');
  });

  await knex.schema.alterTable('compliance_facts', table => {
    table
      .timestamp('last_observed_at', { useTz: true })
      .nullable()
      .comment('When a collector last observed the fact (changed or not)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('compliance_facts', table => {
    table.dropColumn('last_observed_at');
  });
  await knex.schema.alterTable('compliance_fact_history', table => {
    table.dropColumn('evidence');
    table.dropColumn('value_hash');
    table.dropColumn('collector_id');
  });
  await knex.schema.dropTable('compliance_waiver_events');
  await knex.schema.dropTable('compliance_waivers');
};
