export { EntityWaivers } from './EntityWaivers';
export type { EntityWaiversProps } from './EntityWaivers';
