export { CollectorStatusPanel } from './CollectorStatusPanel';
