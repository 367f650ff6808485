export { SystemRollup } from './SystemRollup';
