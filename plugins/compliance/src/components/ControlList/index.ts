export { ControlList } from './ControlList';
export { useUnknownReasonText } from './useUnknownReasonText';
