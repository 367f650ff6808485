export { OrgCiView } from './OrgCiView';
export type { OrgCiViewProps } from './OrgCiView';
