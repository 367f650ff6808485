/**
 * Scaffolder actions for the Backstage compliance suite.
 *
 * @packageDocumentation
 */

export * from './actions';
export { scaffolderModuleCompliance as default } from './module';
