import { z } from 'zod';
import type { JsonValue } from './types';

/**
 * The annotation of a catalog `User` that names their GitHub login.
 *
 * @public
 */
export const GITHUB_USER_LOGIN_ANNOTATION = 'github.com/user-login';

/**
 * Keys of evidence values whose strings (or arrays of strings) are GitHub
 * logins of people: pull request authors and reviewers, commit authors.
 *
 * @public
 */
export const PERSON_LOGIN_KEYS: readonly string[] = [
  'author',
  'authors',
  'reviewers',
  'approvers',
  'committer',
  'mergedBy',
];

/** GitHub's login rule (1 to 39 characters, no leading or doubled hyphen), bots with `[bot]`. */
const LOGIN_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/;
/** A user entity ref as the catalog writes it. */
const USER_REF_PATTERN =
  /^user:[a-z0-9][a-z0-9._-]{0,62}\/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * A GitHub login in the form the catalog index keys it by (lower case), or
 * `undefined` when the value is not a login.
 *
 * @public
 */
export function normalizeGithubLogin(value: unknown): string | undefined {
  return typeof value === 'string' && LOGIN_PATTERN.test(value)
    ? value.toLocaleLowerCase('en-US')
    : undefined;
}

/**
 * A person named in evidence: their GitHub login and, when the catalog maps
 * it to a `User` entity, that user's ref and display name. The backend
 * writes it, the Compliance tab reads it.
 *
 * @public
 */
export const personRefSchema = z
  .object({
    login: z.string().regex(LOGIN_PATTERN),
    userRef: z.string().regex(USER_REF_PATTERN).optional(),
    displayName: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * A person named in evidence.
 *
 * @public
 */
export type PersonRef = z.infer<typeof personRefSchema>;

/**
 * The logins a JSON evidence value names under {@link PERSON_LOGIN_KEYS}
 * (lower case, each once, at most `max`), walking at most a few levels deep.
 *
 * @public
 */
export function loginsInValue(value: JsonValue, max = 100): string[] {
  const found = new Set<string>();
  const keys = new Set(PERSON_LOGIN_KEYS);
  const add = (v: JsonValue) => {
    const login = normalizeGithubLogin(v);
    if (login && found.size < max) found.add(login);
  };
  const walk = (v: JsonValue, depth: number) => {
    if (depth > 4 || found.size >= max || v === null) return;
    if (Array.isArray(v)) {
      v.slice(0, 1000).forEach(item => walk(item, depth + 1));
    } else if (typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (keys.has(key)) {
          (Array.isArray(child) ? child.slice(0, 100) : [child]).forEach(add);
        } else {
          walk(child, depth + 1);
        }
      }
    }
  };
  walk(value, 0);
  return [...found];
}
