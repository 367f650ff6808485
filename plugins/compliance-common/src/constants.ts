/**
 * The plugin id of the compliance backend.
 *
 * @public
 */
export const COMPLIANCE_PLUGIN_ID = 'compliance';

/**
 * Annotation an entity can carry to opt out of compliance evaluation.
 *
 * @public
 */
export const ANNOTATION_COMPLIANCE_SKIP = 'compliance.backstage.io/skip';
