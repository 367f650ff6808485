// @ts-check

/**
 * AI insights:
 * - `compliance_insight_jobs`: the durable job queue (lease-based claims,
 *   backoff, dead letter with the last error); one job per entity and input
 *   hash, so unchanged inputs are never queued twice.
 * - `compliance_insights`: the latest generated insight per entity.
 * - `compliance_insight_usage`: the ledger of tokens and estimated cost per
 *   request, per provider and model.
 * - `compliance_insight_providers`: providers marked unhealthy (auth, quota)
 *   until a time, shared by the replicas.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_insight_jobs', table => {
    table.comment('Insight generation jobs, claimed with a lease');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('input_hash', 64).notNullable();
    table
      .text('input')
      .notNullable()
      .comment('Normalized insight input (JSON)');
    table
      .string('state', 16)
      .notNullable()
      .comment('queued | running | retrying | dead');
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table.string('lease_owner', 64).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['entity_ref', 'input_hash'], {
      indexName: 'compliance_insight_jobs_entity_input_uq',
    });
    table.index(
      ['state', 'next_attempt_at'],
      'compliance_insight_jobs_due_idx',
    );
  });

  await knex.schema.createTable('compliance_insights', table => {
    table.comment('The latest generated insight per entity');
    table.string('entity_ref', 255).primary().notNullable();
    table.string('input_hash', 64).notNullable();
    table.string('source_type', 16).notNullable();
    table.string('provider', 100).nullable();
    table.string('model', 200).nullable();
    table.text('document').notNullable().comment('The insight (JSON)');
    table.integer('input_tokens').notNullable().defaultTo(0);
    table.integer('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.timestamp('generated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('compliance_insight_usage', table => {
    table.comment('Tokens and estimated cost of every provider request');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('input_hash', 64).notNullable();
    table.string('provider', 100).notNullable();
    table.string('model', 200).notNullable();
    table
      .string('outcome', 32)
      .notNullable()
      .comment('ok, or the error class of the attempt');
    table.integer('input_tokens').notNullable().defaultTo(0);
    table.integer('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['created_at'], 'compliance_insight_usage_created_idx');
    table.index(['provider', 'model'], 'compliance_insight_usage_provider_idx');
    table.index(['entity_ref'], 'compliance_insight_usage_entity_idx');
  });

  await knex.schema.createTable('compliance_insight_providers', table => {
    table.comment('Providers marked unhealthy until a time');
    table.string('provider_id', 100).primary().notNullable();
    table.timestamp('unhealthy_until', { useTz: true }).notNullable();
    table.text('reason').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_insight_providers');
  await knex.schema.dropTable('compliance_insight_usage');
  await knex.schema.dropTable('compliance_insights');
  await knex.schema.dropTable('compliance_insight_jobs');
};
