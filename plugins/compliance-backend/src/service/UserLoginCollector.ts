import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { GITHUB_USER_LOGIN_ANNOTATION } from 'backstage-plugin-compliance-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { UserLoginStore } from '../database/DatabaseUserLoginStore';
import { userLoginsOf } from '../lib/userLogins';
import { readEntitiesOfKind } from './catalogPages';

/** The most users read from the catalog (bounded input). */
const MAX_USERS = 200_000;

/**
 * Collects the GitHub logins of catalog users (the `github.com/user-login`
 * annotation) into the store, on the scheduler with the catalog collector,
 * so evidence naming logins links catalog users without a catalog request
 * per read.
 */
export class UserLoginCollector {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logins: UserLoginStore;
  readonly #logger: LoggerService;

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    logins: UserLoginStore;
    logger: LoggerService;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logins = options.logins;
    this.#logger = options.logger;
  }

  /** Reads every user and replaces the stored logins. Returns the login count. */
  async collect(signal?: AbortSignal): Promise<number> {
    const users = await readEntitiesOfKind({
      catalog: this.#catalog,
      credentials: await this.#auth.getOwnServiceCredentials(),
      kind: 'user',
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        `metadata.annotations.${GITHUB_USER_LOGIN_ANNOTATION}`,
        'spec.profile.displayName',
      ],
      max: MAX_USERS,
      signal,
    });
    if (!users) return 0;
    if (users.length === 0) {
      // An empty answer (catalog starting, failing source) never wipes the index.
      this.#logger.warn(
        'The catalog answered with no users; kept the stored GitHub logins',
      );
      return 0;
    }
    const index = userLoginsOf(users);
    await this.#logins.replaceUserLogins(index.logins);
    this.#logger.debug('Collected the GitHub logins of catalog users', {
      users: users.length,
      logins: index.logins.length,
      invalid: index.invalid,
      ambiguous: index.ambiguous,
    });
    return index.logins.length;
  }
}
