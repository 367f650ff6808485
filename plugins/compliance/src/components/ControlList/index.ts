export { ControlList, useUnknownReasonText } from './ControlList';
