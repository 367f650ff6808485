export { EntityCiSignalsCard } from './EntityCiSignalsCard';
