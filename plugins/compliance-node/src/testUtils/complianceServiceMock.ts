import { createServiceMock } from '@backstage/backend-test-utils';
import { complianceServiceRef } from '../ComplianceService';

/**
 * A mock of the compliance service ref for tests, with a `.factory`.
 *
 * @public
 */
export const complianceServiceMock = createServiceMock(
  complianceServiceRef,
  () => ({
    getSummary: jest.fn(),
    getResults: jest.fn(),
    refresh: jest.fn(),
    getControls: jest.fn(),
    evaluateEntity: jest.fn(),
    recordCreation: jest.fn(),
  }),
);
