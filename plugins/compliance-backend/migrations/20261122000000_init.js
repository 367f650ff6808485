// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Entities known to the engine, their catalog metadata (for overview
  // filters) and their current score.
  await knex.schema.createTable('compliance_entities', table => {
    table.comment(
      'Entities evaluated by the compliance engine and their current score',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.string('kind', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 255).notNullable();
    table.string('title', 255).nullable();
    table.string('owner', 255).nullable();
    table.string('system', 255).nullable();
    table.string('lifecycle', 63).nullable();
    table.string('type', 63).nullable();
    table
      .text('entity_json')
      .notNullable()
      .comment('Subset of the entity used for applicability');
    table.string('entity_hash', 64).notNullable();
    table.double('score').nullable();
    table.double('coverage').notNullable().defaultTo(0);
    table.string('level', 63).nullable();
    table.integer('pass_count').notNullable().defaultTo(0);
    table.integer('warn_count').notNullable().defaultTo(0);
    table.integer('fail_count').notNullable().defaultTo(0);
    table.integer('unknown_count').notNullable().defaultTo(0);
    table.integer('na_count').notNullable().defaultTo(0);
    table.integer('waived_count').notNullable().defaultTo(0);
    table
      .text('summary_json')
      .nullable()
      .comment('Categories, frameworks and weights');
    table
      .string('inputs_hash', 64)
      .nullable()
      .comment('Hash of facts + controls at last evaluation');
    table.boolean('dirty').notNullable().defaultTo(true);
    table.timestamp('facts_changed_at', { useTz: true }).nullable();
    table.timestamp('evaluated_at', { useTz: true }).nullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.index(['dirty'], 'compliance_entities_dirty_idx');
    table.index(['owner', 'score'], 'compliance_entities_owner_score_idx');
    table.index(['score'], 'compliance_entities_score_idx');
    table.index(['kind'], 'compliance_entities_kind_idx');
    table.index(['system'], 'compliance_entities_system_idx');
    table.index(['level'], 'compliance_entities_level_idx');
    table.index(['last_seen_at'], 'compliance_entities_last_seen_idx');
  });

  // Current value of every fact.
  await knex.schema.createTable('compliance_facts', table => {
    table.comment('Latest observation of each fact per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('fact_id', 191).notNullable();
    table.string('collector_id', 127).notNullable();
    table
      .text('value')
      .nullable()
      .comment('JSON value used for evaluation; null when unknown');
    table.string('value_hash', 64).notNullable();
    table.string('unknown_reason', 63).nullable();
    table.text('message').nullable();
    table
      .text('last_good_value')
      .nullable()
      .comment('JSON of the last successfully observed value');
    table.timestamp('last_good_observed_at', { useTz: true }).nullable();
    table.text('evidence').nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'fact_id']);
    table.index(['collector_id'], 'compliance_facts_collector_idx');
  });

  // One row per change of a fact, for audit and explanations.
  await knex.schema.createTable('compliance_fact_history', table => {
    table.comment('Every change of a fact value');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('fact_id', 191).notNullable();
    table.text('value').nullable();
    table.string('unknown_reason', 63).nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'fact_id', 'observed_at'],
      'compliance_fact_history_entity_idx',
    );
    table.index(['observed_at'], 'compliance_fact_history_observed_idx');
  });

  await knex.schema.createTable('compliance_results', table => {
    table.comment('Current result of each control per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('control_id', 127).notNullable();
    table.string('status', 31).notNullable();
    table.text('reason').notNullable();
    table.string('unknown_reason', 63).nullable();
    table.text('evidence').notNullable();
    table.string('control_version', 64).notNullable();
    table.string('result_hash', 64).notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.timestamp('status_since', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'control_id']);
    table.index(
      ['status', 'control_id'],
      'compliance_results_status_control_idx',
    );
  });

  await knex.schema.createTable('compliance_framework_scores', table => {
    table.comment('Current per-framework score per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('framework', 63).notNullable();
    table.double('score').nullable();
    table.double('coverage').notNullable();
    table.primary(['entity_ref', 'framework']);
    table.index(['framework', 'score'], 'compliance_framework_scores_idx');
  });

  await knex.schema.createTable('compliance_history', table => {
    table.comment('Daily roll-up per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table.double('score').nullable();
    table.double('coverage').notNullable();
    table.string('level', 63).nullable();
    table.text('counts').notNullable();
    table.primary(['entity_ref', 'day']);
    table.index(['day'], 'compliance_history_day_idx');
  });

  await knex.schema.createTable('compliance_status_changes', table => {
    table.comment('Ledger of control status changes with their cause');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('control_id', 127).notNullable();
    table.string('from_status', 31).nullable();
    table.string('to_status', 31).notNullable();
    table.string('cause', 31).notNullable();
    table.text('reason').notNullable();
    table.string('control_version', 64).notNullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'changed_at'],
      'compliance_status_changes_entity_idx',
    );
    table.index(['changed_at'], 'compliance_status_changes_changed_idx');
  });

  await knex.schema.createTable('compliance_collector_runs', table => {
    table.comment('One row per collector or evaluation run');
    table.bigIncrements('id').primary();
    table.string('collector_id', 127).notNullable();
    table.string('status', 31).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('duration_ms').nullable();
    table.integer('entities_processed').notNullable().defaultTo(0);
    table.integer('facts_written').notNullable().defaultTo(0);
    table.integer('errors').notNullable().defaultTo(0);
    table.text('message').nullable();
    table.index(
      ['collector_id', 'started_at'],
      'compliance_collector_runs_idx',
    );
  });

  await knex.schema.createTable('compliance_collector_state', table => {
    table.comment('Durable key/value state of collectors (ETags, watermarks)');
    table.string('collector_id', 127).notNullable();
    table.string('key', 255).notNullable();
    table.text('value').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['collector_id', 'key']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_collector_state');
  await knex.schema.dropTable('compliance_collector_runs');
  await knex.schema.dropTable('compliance_status_changes');
  await knex.schema.dropTable('compliance_history');
  await knex.schema.dropTable('compliance_framework_scores');
  await knex.schema.dropTable('compliance_results');
  await knex.schema.dropTable('compliance_fact_history');
  await knex.schema.dropTable('compliance_facts');
  await knex.schema.dropTable('compliance_entities');
};
