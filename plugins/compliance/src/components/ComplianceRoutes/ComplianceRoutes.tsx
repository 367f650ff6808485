import { Route, Routes } from 'react-router-dom';
import {
  ComplianceOverview,
  ComplianceOverviewProps,
} from '../ComplianceOverview';
import { ControlCampaign } from '../ControlCampaign';

/**
 * The routes under the compliance page: the overview at its root and a
 * page per control at `controls/:controlId` (remediation campaigns).
 *
 * @public
 */
export function ComplianceRoutes(props: ComplianceOverviewProps) {
  return (
    <Routes>
      <Route path="/" element={<ComplianceOverview {...props} />} />
      <Route path="/controls/:controlId" element={<ControlCampaign />} />
    </Routes>
  );
}
