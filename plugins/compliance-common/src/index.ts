/**
 * Shared types, API schemas, permissions and client of the compliance suite.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './constants';
export * from './permissions';
export * from './schemas';
export * from './client';
