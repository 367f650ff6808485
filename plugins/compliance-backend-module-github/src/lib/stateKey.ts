import { createHash } from 'crypto';

/** Longest key the compliance backend stores (`varchar(255)`). */
export const MAX_STATE_KEY_LENGTH = 255;

/** What a state entry of the GitHub collector holds. */
export type StateKind = 'etag' | 'runs' | 'checks';

/**
 * The one key function of the collector's state: `<kind>:<parts…>`, or
 * `<kind>:sha256:<hex>` of that when it would be longer than the state key
 * column allows, so that a long host, owner or repository name never makes a
 * write fail.
 */
export function stateKey(kind: StateKind, ...parts: string[]): string {
  const key = `${kind}:${parts.join(':')}`;
  if (key.length <= MAX_STATE_KEY_LENGTH) {
    return key;
  }
  return `${kind}:sha256:${createHash('sha256').update(key).digest('hex')}`;
}
