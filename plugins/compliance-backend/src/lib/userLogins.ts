import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  GITHUB_USER_LOGIN_ANNOTATION,
  normalizeGithubLogin,
} from 'backstage-plugin-compliance-common';
import type { UserLogin } from '../database/DatabaseUserLoginStore';

/** What {@link userLoginsOf} found in the catalog's users. */
export interface UserLoginIndex {
  logins: UserLogin[];
  /** Annotations that are not GitHub logins. */
  invalid: number;
  /** Logins claimed by more than one user: mapped to nobody. */
  ambiguous: number;
}

/**
 * The login → user index of catalog users (`github.com/user-login`). Pure;
 * a value that is not a GitHub login is skipped, a login two users claim is
 * mapped to neither (never to the wrong person), display names are bounded
 * single-line text.
 */
export function userLoginsOf(users: Entity[]): UserLoginIndex {
  const byLogin = new Map<string, UserLogin | null>();
  let invalid = 0;
  for (const user of users) {
    const raw = user.metadata.annotations?.[GITHUB_USER_LOGIN_ANNOTATION];
    if (raw === undefined) continue;
    const login = normalizeGithubLogin(raw);
    if (!login || user.kind.toLocaleLowerCase('en-US') !== 'user') {
      invalid++;
      continue;
    }
    const userRef = stringifyEntityRef(user).toLocaleLowerCase('en-US');
    const profile = (user.spec as { profile?: { displayName?: unknown } })
      ?.profile;
    const name =
      typeof profile?.displayName === 'string'
        ? [...profile.displayName]
            .map(c => (c < ' ' || c === '\u007f' ? ' ' : c))
            .join('')
            .replace(/ {2,}/g, ' ')
            .trim()
        : '';
    const entry: UserLogin = {
      login,
      userRef,
      ...(name ? { displayName: name.slice(0, 200) } : {}),
    };
    const seen = byLogin.get(login);
    byLogin.set(
      login,
      seen === undefined || seen?.userRef === userRef ? entry : null,
    );
  }
  const logins = [...byLogin.values()].filter(
    (l): l is UserLogin => l !== null,
  );
  return {
    logins,
    invalid,
    ambiguous: byLogin.size - logins.length,
  };
}
