import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CI_PUSHED_FACTS,
  CI_SUMMARY_FACT_ID,
  OrgCiQuery,
  OrgCiResponse,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';
import type { FactStore, OverviewStore } from '../database/ComplianceStore';
import { aggregateOrgCi, EntityCi } from '../lib/orgCi';
import type { CatalogScope } from './CatalogScope';

/** Entities one answer reads (bounded work per request). */
const MAX_ENTITIES = 2_000;
const PAGE_SIZE = 500;

/**
 * The org CI view: the flakiest and slowest checks across the entities of
 * the overview's filters that the caller may read in the catalog, from the
 * stored CI summaries (collected from GitHub and pushed from any CI).
 */
export class OrgCiService {
  readonly #scope: CatalogScope;
  readonly #overview: OverviewStore;
  readonly #facts: FactStore;

  constructor(options: {
    scope: CatalogScope;
    overview: OverviewStore;
    facts: FactStore;
  }) {
    this.#scope = options.scope;
    this.#overview = options.overview;
    this.#facts = options.facts;
  }

  async get(
    query: OrgCiQuery,
    credentials: BackstageCredentials,
  ): Promise<OrgCiResponse> {
    const [allowedRefs, owners] = await Promise.all([
      this.#scope.readableRefs(credentials),
      query.owner?.length
        ? this.#scope.ownerGroups(query.owner, credentials)
        : Promise.resolve(undefined),
    ]);
    const refs: string[] = [];
    let truncated = false;
    if (!allowedRefs || allowedRefs.length > 0) {
      let cursor: string | undefined;
      do {
        const page = await this.#overview.getOverview({
          system: query.system,
          kind: query.kind,
          search: query.search,
          owners,
          allowedRefs,
          sort: 'name',
          order: 'asc',
          page: 1,
          pageSize: PAGE_SIZE,
          cursor,
        });
        refs.push(...page.items.map(i => i.entityRef));
        cursor = page.nextCursor;
      } while (cursor && refs.length < MAX_ENTITIES);
      truncated = Boolean(cursor) || refs.length > MAX_ENTITIES;
    }
    const read = refs.slice(0, MAX_ENTITIES);
    const [github, pushed] = await Promise.all([
      this.#facts.getFacts(read, CI_SUMMARY_FACT_ID),
      this.#facts.getFacts(read, CI_PUSHED_FACTS.summary),
    ]);
    const summaryOf = (
      facts: Map<string, Array<{ factId: string; value: unknown }>>,
      ref: string,
      id: string,
    ) => parseCiSummary(facts.get(ref)?.find(f => f.factId === id)?.value);
    const entities: EntityCi[] = read.map(entityRef => ({
      entityRef,
      github: summaryOf(github, entityRef, CI_SUMMARY_FACT_ID),
      pushed: summaryOf(pushed, entityRef, CI_PUSHED_FACTS.summary),
    }));
    const { flakiest, slowest, withCi } = aggregateOrgCi(entities, query.limit);
    return {
      entityCount: read.length,
      entitiesWithCi: withCi,
      truncated,
      flakiest,
      slowest,
    };
  }
}
