/**
 * How an entity declares its source repository, validated. A compliance
 * tool's false pass is as bad as a false fail: a slug or URL that cannot
 * name a repository on a configured host is `invalid`, with the reason.
 */
export type SourceRepositoryKind =
  | 'project-slug'
  | 'source-location'
  | 'managed-by-location'
  | 'invalid'
  | 'none';

export interface SourceRepository {
  kind: SourceRepositoryKind;
  /** `owner/repo` when valid. */
  slug?: string;
  /** Why the declaration is invalid. */
  problem?: string;
}

/** GitHub's rule for user and organization names. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub's rule for repository names. */
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

const shown = (value: string) =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);

/** The problem with an `owner/repo` pair, if any. */
export function slugProblem(owner: string, repo: string): string | undefined {
  if (!OWNER.test(owner)) {
    return `${shown(
      owner,
    )} is not a valid owner (1-39 letters, digits or single hyphens, not at either end)`;
  }
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    return `${shown(
      repo,
    )} is not a valid repository name (1-100 letters, digits, . _ -)`;
  }
  return undefined;
}

function fromSlug(value: string): SourceRepository {
  const parts = value.trim().split('/');
  if (parts.length !== 2) {
    return {
      kind: 'invalid',
      problem: `github.com/project-slug ${shown(value)} is not owner/repo`,
    };
  }
  const problem = slugProblem(parts[0], parts[1]);
  return problem
    ? { kind: 'invalid', problem: `github.com/project-slug: ${problem}` }
    : { kind: 'project-slug', slug: `${parts[0]}/${parts[1]}` };
}

function fromUrl(
  annotation: string,
  value: string,
  hosts: string[],
): { slug?: string; problem?: string } {
  if (!value.startsWith('url:')) {
    return { problem: `${annotation} is not a url: location` };
  }
  let url: URL;
  try {
    url = new URL(value.slice(4));
  } catch {
    return { problem: `${annotation} ${shown(value)} is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `${annotation} must be an http(s) URL` };
  }
  const host = url.hostname.toLocaleLowerCase('en-US');
  if (!hosts.includes(host)) {
    return {
      problem: `${annotation} host ${shown(
        host,
      )} is not a configured integration (${hosts.join(', ')})`,
    };
  }
  const [owner = '', rawRepo = ''] = url.pathname.split('/').filter(Boolean);
  const repo = rawRepo.replace(/\.git$/, '');
  const problem = slugProblem(
    decodeURIComponent(owner),
    decodeURIComponent(repo),
  );
  return problem
    ? { problem: `${annotation}: ${problem}` }
    : { slug: `${owner}/${repo}` };
}

/**
 * The entity's source repository from its annotations:
 * `github.com/project-slug`, else `backstage.io/source-location`, else the
 * catalog file's own `backstage.io/managed-by-location`. Only hosts of
 * configured integrations count.
 */
export function sourceRepositoryOf(
  annotations: Record<string, string>,
  hosts: string[],
): SourceRepository {
  const slug = annotations['github.com/project-slug'];
  if (typeof slug === 'string' && slug.trim()) return fromSlug(slug);
  const source = annotations['backstage.io/source-location'];
  if (typeof source === 'string' && source.trim()) {
    const r = fromUrl('backstage.io/source-location', source, hosts);
    return r.slug
      ? { kind: 'source-location', slug: r.slug }
      : { kind: 'invalid', problem: r.problem };
  }
  const managed = annotations['backstage.io/managed-by-location'];
  if (typeof managed === 'string' && managed.startsWith('url:')) {
    const r = fromUrl('backstage.io/managed-by-location', managed, hosts);
    return r.slug
      ? { kind: 'managed-by-location', slug: r.slug }
      : { kind: 'none', problem: r.problem };
  }
  return { kind: 'none' };
}
