import protectionBody from '../__fixtures__/branch-protection.json';
import {
  parseClassicProtection,
  readClassicProtectionSettings,
} from './branchProtection';

describe('parseClassicProtection', () => {
  it('reads the REST body', () => {
    expect(parseClassicProtection(protectionBody)).toEqual({
      requiredApprovals: 2,
      codeOwnerReviews: true,
      dismissStaleReviews: false,
      lastPushApproval: false,
      requiredStatusChecks: ['ci/build', 'ci/test'],
      strictStatusChecks: true,
      enforceAdmins: true,
      allowForcePushes: false,
      allowDeletions: false,
      requiredSignatures: false,
    });
  });

  it('reads an empty body as no restriction', () => {
    expect(parseClassicProtection({})).toMatchObject({
      requiredApprovals: 0,
      requiredStatusChecks: [],
      enforceAdmins: false,
    });
  });
});

describe('readClassicProtectionSettings', () => {
  it('reads back what was kept and rejects other shapes', () => {
    const settings = parseClassicProtection(protectionBody);
    expect(
      readClassicProtectionSettings(JSON.parse(JSON.stringify(settings))),
    ).toEqual(settings);
    expect(readClassicProtectionSettings(null)).toBeUndefined();
    expect(
      readClassicProtectionSettings({ ...settings, enforceAdmins: 'yes' }),
    ).toBeUndefined();
    expect(
      readClassicProtectionSettings({ requiredApprovals: 1 }),
    ).toBeUndefined();
  });
});
