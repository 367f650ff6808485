import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  overviewQuerySchema,
  type TeamInsightResponse,
} from 'backstage-plugin-compliance-common';
import type { ComplianceStores } from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { canonicalEntityRef } from '../lib/refs';
import type { CatalogScope } from '../service/CatalogScope';
import { buildTeamInsight, TeamEntity } from './teamInsight';

/** Entities a team insight reads at most (the first ones by name). */
export const TEAM_INSIGHT_MAX_ENTITIES = 2000;
const PAGE = 500;

/**
 * The team view: the short insight of an owner group and the groups below
 * it, over the entities the caller may read (the overview's read path:
 * readable refs and the collected group hierarchy).
 */
export class TeamInsightService {
  readonly #scope: Pick<CatalogScope, 'readableRefs' | 'ownerGroups'>;
  readonly #stores: Pick<
    ComplianceStores,
    'overview' | 'evaluations' | 'insights'
  >;
  readonly #catalogue: ControlCatalogue;
  readonly #clock: () => Date;

  constructor(options: {
    scope: Pick<CatalogScope, 'readableRefs' | 'ownerGroups'>;
    stores: Pick<ComplianceStores, 'overview' | 'evaluations' | 'insights'>;
    catalogue: ControlCatalogue;
    clock?: () => Date;
  }) {
    this.#scope = options.scope;
    this.#stores = options.stores;
    this.#catalogue = options.catalogue;
    this.#clock = options.clock ?? (() => new Date());
  }

  async getTeamInsight(
    owner: string,
    credentials: BackstageCredentials,
  ): Promise<TeamInsightResponse> {
    const ownerRef = canonicalEntityRef(owner, {
      defaultKind: 'group',
      what: 'owner',
    });
    const [allowedRefs, groups] = await Promise.all([
      this.#scope.readableRefs(credentials),
      this.#scope.ownerGroups([ownerRef], credentials),
    ]);
    const rows = [];
    let cursor: string | undefined;
    let truncated = false;
    do {
      const query = overviewQuerySchema.parse({
        sort: 'name',
        pageSize: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      const { owner: _owner, ...rest } = query;
      const page = await this.#stores.overview.getOverview({
        ...rest,
        owners: groups,
        ...(allowedRefs ? { allowedRefs } : {}),
      });
      rows.push(...page.items);
      cursor = page.nextCursor;
      if (cursor && rows.length >= TEAM_INSIGHT_MAX_ENTITIES) {
        truncated = true;
        break;
      }
    } while (cursor);

    const refs = rows.map(r => r.entityRef);
    const [results, stored] = await Promise.all([
      this.#stores.evaluations.getResults(refs),
      this.#stores.insights.getInsights(refs),
    ]);
    const entities: TeamEntity[] = rows.map(r => {
      const insight = stored.get(r.entityRef)?.insight;
      return {
        entityRef: r.entityRef,
        score: r.score,
        coverage: r.coverage,
        ...(r.nextLevel ? { nextLevel: r.nextLevel } : {}),
        results: (results.get(r.entityRef) ?? []).map(x => ({
          controlId: x.controlId,
          status: x.status,
        })),
        ...(insight?.source.type === 'model' ? { insight } : {}),
      };
    });
    return buildTeamInsight({
      owner: ownerRef,
      groupCount: groups.length,
      entities,
      truncated,
      controls: id => this.#catalogue.get(id),
      now: this.#clock(),
    });
  }
}
