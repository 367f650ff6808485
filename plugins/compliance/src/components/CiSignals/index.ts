export { CiSignals } from './CiSignals';
