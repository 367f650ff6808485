/**
 * The compliance backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { compliancePlugin as default } from './plugin';
export { compliancePlugin } from './plugin';
