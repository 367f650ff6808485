// @ts-check

/**
 * Notifications (issue 11):
 * - `compliance_notifications_sent`: one row per notification, claimed with
 *   a unique key (kind, subject, window) before it is sent, so several
 *   replicas or a retried task send each notification exactly once;
 * - `compliance_notified_levels`: the level each entity was last seen at by
 *   the notifier, to tell a level drop from a first evaluation.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_notifications_sent', table => {
    table.comment('Notifications claimed before sending (exactly once)');
    table
      .string('kind', 31)
      .notNullable()
      .comment(
        'regression, waiver_requested, waiver_expiring, collector_failing',
      );
    table
      .string('subject', 255)
      .notNullable()
      .comment('The entity ref, waiver id or collector run key');
    table
      .string('window', 31)
      .notNullable()
      .comment('The grouping window, such as a UTC day');
    table.string('claim_id', 36).notNullable();
    table.text('recipients').notNullable().comment('JSON list of entity refs');
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table.primary(['kind', 'subject', 'window']);
    table.index(['claimed_at'], 'compliance_notifications_sent_at_idx');
  });

  await knex.schema.createTable('compliance_notified_levels', table => {
    table.comment('The level of each entity as the notifier last saw it');
    table.string('entity_ref', 255).primary().notNullable();
    table.string('level', 63).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_notified_levels');
  await knex.schema.dropTable('compliance_notifications_sent');
};
