module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The end-to-end tests run with the root's @playwright/test (the
      // repository's test runner, like Jest), not as part of the app.
      files: ['e2e-tests/**'],
      rules: { '@backstage/no-undeclared-imports': 'off' },
    },
  ],
});
