import protectionBody from '../__fixtures__/branch-protection.json';
import { parseClassicProtection } from '../rest/branchProtection';
import {
  BranchRules,
  ClassicProtection,
  mergeEffectiveProtection,
} from './protection';

const noRules: BranchRules = { state: 'known', rules: [] };
const value = (s: { known: boolean; value?: unknown }) =>
  s.known ? s.value : 'unknown';

describe('mergeEffectiveProtection', () => {
  const classic: ClassicProtection = {
    state: 'protected',
    settings: parseClassicProtection(protectionBody),
  };

  it('reports an unprotected branch as not protected', () => {
    const p = mergeEffectiveProtection({ state: 'none' }, noRules);
    expect(value(p.protected)).toBe(false);
    expect(value(p.forcePushesBlocked)).toBe(false);
    expect(value(p.requiredApprovals)).toBe(0);
    expect(value(p.adminsEnforced)).toBe(false);
  });

  it('takes the most restrictive value across classic protection and rulesets', () => {
    const p = mergeEffectiveProtection(classic, {
      state: 'known',
      rules: [
        {
          type: 'PULL_REQUEST',
          rulesetId: 7,
          bypassActors: 0,
          parameters: {
            requiredApprovingReviewCount: 3,
            dismissStaleReviewsOnPush: true,
          },
        },
        { type: 'REQUIRED_SIGNATURES', rulesetId: 7, bypassActors: 0 },
      ],
    });
    expect(p.requiredApprovals).toEqual({
      known: true,
      value: 3,
      sources: ['ruleset:7'],
    });
    expect(value(p.staleReviewsDismissed)).toBe(true);
    expect(value(p.requiresSignatures)).toBe(true);
    expect(value(p.codeOwnerReviewRequired)).toBe(true);
    expect(value(p.adminsEnforced)).toBe(true);
    expect(p.protected).toMatchObject({
      known: true,
      value: true,
      sources: ['classic', 'ruleset:7'],
    });
  });

  it('protects through rulesets alone', () => {
    const p = mergeEffectiveProtection(
      { state: 'none' },
      {
        state: 'known',
        rules: [
          { type: 'NON_FAST_FORWARD', rulesetId: 1, bypassActors: 2 },
          { type: 'DELETION', rulesetId: 1, bypassActors: 2 },
        ],
      },
    );
    expect(value(p.protected)).toBe(true);
    expect(value(p.forcePushesBlocked)).toBe(true);
    expect(value(p.deletionsBlocked)).toBe(true);
    expect(value(p.adminsEnforced)).toBe(false);
  });

  it('keeps admin-only settings unknown when classic protection is hidden', () => {
    const p = mergeEffectiveProtection(
      {
        state: 'unknown',
        reason: 'insufficient_permission',
        message: 'hidden',
        visible: {
          allowsDeletions: false,
          allowsForcePushes: true,
          requiredApprovingReviewCount: 1,
          requiredStatusCheckContexts: ['ci'],
          requiresCodeOwnerReviews: false,
          requiresSignatures: false,
        },
      },
      noRules,
    );
    expect(value(p.protected)).toBe(true);
    expect(value(p.requiredApprovals)).toBe(1);
    expect(value(p.deletionsBlocked)).toBe(true);
    expect(value(p.forcePushesBlocked)).toBe(false);
    expect(value(p.staleReviewsDismissed)).toBe('unknown');
    expect(value(p.adminsEnforced)).toBe('unknown');
    expect(value(p.strictStatusChecks)).toBe('unknown');
  });

  it('never reports a weaker value because of a permission error', () => {
    const p = mergeEffectiveProtection(
      {
        state: 'unknown',
        reason: 'insufficient_permission',
        message: 'hidden',
      },
      noRules,
    );
    for (const setting of Object.values(p)) {
      expect(setting.known).toBe(false);
    }
  });

  it('still proves restrictive settings from rulesets when classic is hidden', () => {
    const p = mergeEffectiveProtection(
      {
        state: 'unknown',
        reason: 'insufficient_permission',
        message: 'hidden',
      },
      {
        state: 'known',
        rules: [{ type: 'NON_FAST_FORWARD', rulesetId: 3, bypassActors: null }],
      },
    );
    expect(value(p.protected)).toBe(true);
    expect(value(p.forcePushesBlocked)).toBe(true);
    expect(value(p.deletionsBlocked)).toBe('unknown');
    expect(value(p.adminsEnforced)).toBe('unknown');
  });

  it('reports bypass actors hidden from the reader as unknown', () => {
    const p = mergeEffectiveProtection(
      { state: 'none' },
      {
        state: 'known',
        rules: [{ type: 'DELETION', rulesetId: 5, bypassActors: null }],
      },
    );
    expect(p.adminsEnforced).toMatchObject({
      known: false,
      reason: 'insufficient_permission',
    });
  });
});
