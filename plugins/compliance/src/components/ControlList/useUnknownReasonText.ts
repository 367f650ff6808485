import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { UnknownReason } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';

/** Human text for an unknown reason. */
export function useUnknownReasonText() {
  const { t } = useTranslationRef(complianceTranslationRef);
  return (reason: UnknownReason | string | undefined): string | undefined => {
    switch (reason) {
      case 'no_repo':
      case 'no_credentials':
      case 'insufficient_permission':
      case 'feature_unavailable':
      case 'rate_limited':
      case 'error':
      case 'not_collected':
      case 'insufficient_data':
        return t(`unknownReason.${reason}`);
      case undefined:
        return undefined;
      default:
        return reason;
    }
  };
}
