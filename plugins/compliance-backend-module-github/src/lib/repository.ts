import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';

/** Annotation holding `owner/repo`. */
const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
/** Annotation holding a `url:` location of the source. */
const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

/** GitHub's rule for user and organisation names. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub's rule for repository names. */
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A GitHub repository an entity points at.
 */
export interface GithubRepositoryRef {
  host: string;
  owner: string;
  repo: string;
  /** Which annotation named the repository. */
  source: 'project-slug' | 'source-location';
}

/** Which repositories may be collected (`compliance.github`). */
export interface RepositoryPolicy {
  /** Owners (case-insensitive) whose repositories are collected; all when absent. */
  allowedOwners?: readonly string[];
  /** A project slug must name the repository of the entity's source location, if it has one. */
  requireSourceLocationMatch?: boolean;
}

/**
 * The repository of an entity, or why it is not collected (a problem with
 * its annotations or the policy). `undefined` when it names none.
 */
export type RepositoryResolution =
  | { ref: GithubRepositoryRef }
  | { problem: string }
  | undefined;

const shown = (value: string) =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);

/** Whether a string is a valid GitHub owner name. */
export function isValidOwner(owner: string): boolean {
  return OWNER.test(owner);
}

/**
 * What is wrong with an owner/repository pair by GitHub's naming rules:
 * owner 1-39 letters, digits or single hyphens not at either end;
 * repository 1-100 letters, digits, `.`, `_`, `-`, not `.` or `..`.
 * Such a pair is never sent to GitHub (a `..` would even change the path of
 * a REST request).
 */
export function slugProblem(owner: string, repo: string): string | undefined {
  if (!isValidOwner(owner)) {
    return `${shown(
      owner,
    )} is not a valid GitHub owner (1-39 letters, digits or single hyphens, not at either end)`;
  }
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    return `${shown(
      repo,
    )} is not a valid GitHub repository name (1-100 letters, digits, '.', '_' or '-', not '.' or '..')`;
  }
  return undefined;
}

type Parsed = { owner: string; repo: string } | { problem: string };

/** Parses `owner/repo` (an optional `.git` suffix is dropped). */
function parseSlug(slug: string, what: string): Parsed {
  const parts = slug.trim().split('/');
  if (parts.length !== 2) {
    return { problem: `${what} ${shown(slug.trim())} is not owner/repo` };
  }
  const [owner, raw] = parts;
  const repo = raw.endsWith('.git') ? raw.slice(0, -'.git'.length) : raw;
  const problem = slugProblem(owner, repo);
  return problem ? { problem: `${what}: ${problem}` } : { owner, repo };
}

/**
 * The GitHub repository of a `backstage.io/source-location`: `undefined`
 * when the annotation is absent, not a `url:`, or on no configured GitHub
 * host.
 */
function sourceLocation(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): { host: string; parsed: Parsed } | undefined {
  const location = entity.metadata.annotations?.[SOURCE_LOCATION_ANNOTATION];
  if (!location || !location.startsWith('url:')) {
    return undefined;
  }
  const target = location.slice('url:'.length);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  const integration = integrations.github.byUrl(target);
  if (!integration) {
    return undefined;
  }
  const what = SOURCE_LOCATION_ANNOTATION;
  const [owner = '', repo = ''] = url.pathname.split('/').filter(Boolean);
  let parsed: Parsed;
  try {
    parsed = parseSlug(
      `${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`,
      what,
    );
  } catch {
    parsed = { problem: `${what} ${shown(target)} is not a valid URL path` };
  }
  return { host: integration.config.host, parsed };
}

const same = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** The policy's verdict on a repository; `undefined` when it may be collected. */
function policyProblem(
  ref: GithubRepositoryRef,
  policy: RepositoryPolicy,
): string | undefined {
  const allowed = policy.allowedOwners;
  if (allowed && !allowed.some(owner => same(owner, ref.owner))) {
    return `The owner ${shown(
      ref.owner,
    )} is not in compliance.github.allowedOwners; ${ref.owner}/${
      ref.repo
    } is not collected`;
  }
  return undefined;
}

/**
 * Finds the GitHub repository of an entity: `github.com/project-slug` (with
 * the host of a GitHub source location if there is one, else github.com),
 * else a `backstage.io/source-location` `url:` on a configured GitHub host.
 * A name GitHub would refuse, an owner outside `allowedOwners` or (with
 * `requireSourceLocationMatch`) a slug that names another repository than
 * the source location is a problem, and nothing is asked of GitHub.
 */
export function resolveGithubRepository(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
  policy: RepositoryPolicy = {},
): RepositoryResolution {
  const location = sourceLocation(entity, integrations);
  const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
  let ref: GithubRepositoryRef;
  if (slug !== undefined && slug.trim() !== '') {
    const parsed = parseSlug(slug, PROJECT_SLUG_ANNOTATION);
    if ('problem' in parsed) return parsed;
    ref = {
      host: location?.host ?? 'github.com',
      ...parsed,
      source: 'project-slug',
    };
    if (policy.requireSourceLocationMatch) {
      const problem = sourceLocationMismatch(entity, ref, location);
      if (problem) return { problem };
    }
  } else if (location) {
    if ('problem' in location.parsed) return location.parsed;
    ref = {
      host: location.host,
      ...location.parsed,
      source: 'source-location',
    };
  } else {
    return undefined;
  }
  const problem = policyProblem(ref, policy);
  return problem ? { problem } : { ref };
}

/**
 * With `requireSourceLocationMatch`: the slug must name the repository of
 * the source location when the entity has one.
 */
function sourceLocationMismatch(
  entity: Entity,
  ref: GithubRepositoryRef,
  location: ReturnType<typeof sourceLocation>,
): string | undefined {
  const annotation = entity.metadata.annotations?.[SOURCE_LOCATION_ANNOTATION];
  if (annotation === undefined || annotation.trim() === '') return undefined;
  const slug = `${ref.owner}/${ref.repo}`;
  if (!location || 'problem' in location.parsed) {
    return `github.com/project-slug ${shown(
      slug,
    )} cannot be confirmed: backstage.io/source-location ${shown(
      annotation,
    )} does not name a repository on a configured GitHub host (compliance.github.requireSourceLocationMatch)`;
  }
  const { owner, repo } = location.parsed;
  if (!same(owner, ref.owner) || !same(repo, ref.repo)) {
    return `github.com/project-slug ${shown(
      slug,
    )} does not match the repository ${owner}/${repo} of backstage.io/source-location (compliance.github.requireSourceLocationMatch)`;
  }
  return undefined;
}

/** The web address of a repository. */
export function repositoryUrl(
  ref: Pick<GithubRepositoryRef, 'host' | 'owner' | 'repo'>,
): string {
  return `https://${ref.host}/${ref.owner}/${ref.repo}`;
}
