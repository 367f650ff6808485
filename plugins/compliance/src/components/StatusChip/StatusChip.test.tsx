import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { COMPLIANCE_STATUSES } from 'backstage-plugin-compliance-common';
import { StatusChip } from './StatusChip';

describe('StatusChip', () => {
  it.each(COMPLIANCE_STATUSES.map(s => [s]))(
    'labels the %s status with text',
    async status => {
      await renderInTestApp(<StatusChip status={status} />);
      const labels: Record<string, string> = {
        pass: 'Pass',
        warn: 'Warn',
        fail: 'Fail',
        unknown: 'Unknown',
        not_applicable: 'Not applicable',
        waived: 'Waived',
      };
      expect(screen.getByText(labels[status])).toBeInTheDocument();
    },
  );
});
