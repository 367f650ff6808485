export { ControlCampaign, controlEntitiesCsv } from './ControlCampaign';
export type { ControlCampaignProps } from './ControlCampaign';
