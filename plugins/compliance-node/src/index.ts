/**
 * Extension points, service ref and collector contracts of the compliance suite.
 *
 * @packageDocumentation
 */
export * from './collectors';
export * from './extensions';
export * from './ComplianceService';
export * from './insights';
