import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  EvidenceFact,
  loginsInValue,
  normalizeGithubLogin,
  PersonRef,
  personRefSchema,
} from 'backstage-plugin-compliance-common';
import type { UserLoginStore } from '../database/DatabaseUserLoginStore';

/**
 * Names the people of evidence at read time: the GitHub logins a fact value
 * names (authors, reviewers) become {@link PersonRef}s, linked to the
 * catalog user of the login when the collected index has one. One store
 * query per read; an index that cannot be read leaves logins as plain text.
 */
export class PeopleResolver {
  readonly #logins: UserLoginStore;
  readonly #logger: LoggerService;

  constructor(options: { logins: UserLoginStore; logger: LoggerService }) {
    this.#logins = options.logins;
    this.#logger = options.logger;
  }

  /** The items with `people` on every evidence fact that names someone. */
  async attach<T extends { evidence: EvidenceFact[] }>(
    items: T[],
  ): Promise<T[]> {
    const named = new Map<EvidenceFact, string[]>();
    for (const item of items) {
      for (const fact of item.evidence) {
        const logins = loginsInValue(fact.value);
        if (logins.length) named.set(fact, logins);
      }
    }
    if (named.size === 0) return items;
    const users = new Map<string, PersonRef>();
    try {
      const all = [...new Set([...named.values()].flat())];
      for (const user of await this.#logins.getUserLogins(all)) {
        const person = personRefSchema.safeParse({
          login: user.login,
          userRef: user.userRef,
          displayName: user.displayName,
        });
        if (person.success) users.set(user.login, person.data);
      }
    } catch (error) {
      this.#logger.warn('Could not read the GitHub logins of catalog users', {
        error: isError(error) ? error.message : String(error),
      });
    }
    const person = (login: string): PersonRef =>
      users.get(login) ?? { login: normalizeGithubLogin(login) ?? login };
    return items.map(item => ({
      ...item,
      evidence: item.evidence.map(fact => {
        const logins = named.get(fact);
        return logins ? { ...fact, people: logins.map(person) } : fact;
      }),
    }));
  }
}
