/**
 * Shared types, API schemas, permissions and client of the compliance suite.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './apiTypes';
export * from './constants';
export * from './defaults';
export * from './ciSummary';
export * from './ciChecks';
export * from './ciStatistics';
export * from './ciPush';
export * from './people';
export * from './orgCi';
export * from './permissions';
export * from './schemas';
export * from './client';
export * from './insights';
export * from './teamInsights';
export * from './governance';
export * from './auditing';
export * from './creationRecords';
