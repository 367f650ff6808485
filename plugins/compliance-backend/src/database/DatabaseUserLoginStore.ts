import type { Knex } from 'knex';
import { chunks, selectInChunks } from './util';

/** A GitHub login of a catalog user. */
export interface UserLogin {
  /** Lower case. */
  login: string;
  /** Canonical `user:<namespace>/<name>`. */
  userRef: string;
  displayName?: string;
}

/** The catalog's login → user index, collected by the scheduler. */
export interface UserLoginStore {
  /** Replaces every stored login with these. */
  replaceUserLogins(logins: UserLogin[]): Promise<void>;
  /** The stored users of these (lower-case) logins. */
  getUserLogins(logins: string[]): Promise<UserLogin[]>;
}

type UserLoginRow = {
  login: string;
  user_ref: string;
  display_name: string | null;
};

/** The knex implementation of {@link UserLoginStore}. */
export class DatabaseUserLoginStore implements UserLoginStore {
  constructor(private readonly db: Knex) {}

  async replaceUserLogins(logins: UserLogin[]): Promise<void> {
    const rows = new Map<string, UserLoginRow>();
    for (const l of logins) {
      if (l.login.length > 64 || l.userRef.length > 255) continue;
      rows.set(l.login, {
        login: l.login,
        user_ref: l.userRef,
        display_name: l.displayName?.slice(0, 255) ?? null,
      });
    }
    await this.db.transaction(async tx => {
      await tx('compliance_user_logins').delete();
      for (const part of chunks([...rows.values()], 200)) {
        await tx('compliance_user_logins').insert(part);
      }
    });
  }

  async getUserLogins(logins: string[]): Promise<UserLogin[]> {
    const rows = await selectInChunks(
      [...new Set(logins)],
      (part): Promise<UserLoginRow[]> =>
        this.db('compliance_user_logins')
          .whereIn('login', part)
          .select('login', 'user_ref', 'display_name'),
    );
    return rows.map(r => ({
      login: r.login,
      userRef: r.user_ref,
      ...(r.display_name ? { displayName: r.display_name } : {}),
    }));
  }
}
