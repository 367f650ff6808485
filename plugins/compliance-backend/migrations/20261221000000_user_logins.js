// @ts-check

/**
 * People in the catalog (issue 10): GitHub logins of catalog users (the
 * `github.com/user-login` annotation), collected with the catalog, so
 * evidence that names pull request authors and reviewers links their users.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_user_logins', table => {
    table.comment('GitHub logins of catalog users, collected with the catalog');
    table.string('login', 64).primary().notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('display_name', 255).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_user_logins');
};
