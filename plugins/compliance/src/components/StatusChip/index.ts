export { StatusChip, statusColor } from './StatusChip';
