export { InlineForm, SelectField, DateField, useBusyAction } from './InlineForm';
