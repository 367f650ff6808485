import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';

/** Annotation holding `owner/repo`. */
const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
/** Annotation holding a `url:` location of the source. */
const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

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

function parseSlug(slug: string): { owner: string; repo: string } | undefined {
  const match = /^\s*([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\s*$/.exec(
    slug,
  );
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

function githubUrl(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): { host: string; owner?: string; repo?: string } | undefined {
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
  const [owner, repo] = url.pathname.split('/').filter(Boolean);
  const parsed = owner && repo ? parseSlug(`${owner}/${repo}`) : undefined;
  return { host: integration.config.host, ...parsed };
}

/**
 * Finds the GitHub repository of an entity: `github.com/project-slug` (with
 * the host of a GitHub source location if there is one, else github.com),
 * else a `backstage.io/source-location` `url:` on a configured GitHub host.
 */
export function resolveGithubRepository(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): GithubRepositoryRef | undefined {
  const fromUrl = githubUrl(entity, integrations);
  const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
  if (slug) {
    const parsed = parseSlug(slug);
    if (parsed) {
      return {
        host: fromUrl?.host ?? 'github.com',
        ...parsed,
        source: 'project-slug',
      };
    }
  }
  if (fromUrl?.owner && fromUrl.repo) {
    return {
      host: fromUrl.host,
      owner: fromUrl.owner,
      repo: fromUrl.repo,
      source: 'source-location',
    };
  }
  return undefined;
}

/** The web address of a repository. */
export function repositoryUrl(
  ref: Pick<GithubRepositoryRef, 'host' | 'owner' | 'repo'>,
): string {
  return `https://${ref.host}/${ref.owner}/${ref.repo}`;
}
