import {
  compliancePlugin,
  CompliancePage,
  EntityCiSignalsCard,
  EntityComplianceCard,
  EntityComplianceContent,
  isComplianceAvailable,
} from './index';
import { entity } from './__testUtils__/fixtures';

describe('legacy frontend system', () => {
  it('exports the plugin with its API factory and route', () => {
    expect(compliancePlugin.getId()).toBe('compliance');
    expect([...compliancePlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.compliance.service',
      'plugin.compliance.governance',
    ]);
    expect(compliancePlugin.routes.root).toBeDefined();
  });

  it('exports the extensions', () => {
    for (const ext of [
      CompliancePage,
      EntityComplianceContent,
      EntityComplianceCard,
      EntityCiSignalsCard,
    ]) {
      expect(typeof ext).toBe('function');
    }
  });

  it('shows compliance for every evaluated kind unless they opt out', () => {
    expect(isComplianceAvailable(entity)).toBe(true);
    for (const kind of ['API', 'Resource', 'System']) {
      expect(isComplianceAvailable({ ...entity, kind })).toBe(true);
    }
    expect(isComplianceAvailable({ ...entity, kind: 'Group' })).toBe(false);
    expect(
      isComplianceAvailable({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: { 'compliance.backstage.io/skip': 'TRUE' },
        },
      }),
    ).toBe(false);
    expect(
      isComplianceAvailable({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: { 'compliance.backstage.io/skip': 'false' },
        },
      }),
    ).toBe(true);
  });
});
