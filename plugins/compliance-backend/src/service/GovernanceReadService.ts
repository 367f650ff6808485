import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  ControlEntitiesResponse,
  EntityAsOfResponse,
  TrendResponse,
} from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import type {
  CampaignStore,
  EvaluationStore,
  EvidenceStore,
} from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { statusesAsOf } from '../lib/evidence';
import type { CatalogScope } from './CatalogScope';
import type { EntityName } from './ReportService';
import type { WaiverService } from './WaiverService';

/**
 * The governance read use cases: an entity as of a date, one control
 * across entities, the org trend. Every read is scoped to what the catalog
 * lets the caller read.
 */
export class GovernanceReadService {
  readonly #catalogue: ControlCatalogue;
  readonly #evaluations: EvaluationStore;
  readonly #evidence: EvidenceStore;
  readonly #campaigns: CampaignStore;
  readonly #scope: CatalogScope;
  readonly #waivers: WaiverService;

  constructor(options: {
    catalogue: ControlCatalogue;
    evaluations: EvaluationStore;
    evidence: EvidenceStore;
    campaigns: CampaignStore;
    scope: CatalogScope;
    waivers: WaiverService;
  }) {
    this.#catalogue = options.catalogue;
    this.#evaluations = options.evaluations;
    this.#evidence = options.evidence;
    this.#campaigns = options.campaigns;
    this.#scope = options.scope;
    this.#waivers = options.waivers;
  }

  /** The entity's control statuses and facts (value, hash, source) at `asOf`. */
  async getAsOf(
    name: EntityName,
    asOf: Date,
    credentials: BackstageCredentials,
  ): Promise<EntityAsOfResponse> {
    if (asOf.getTime() > Date.now()) {
      throw new InputError(
        'Invalid as-of query: asOf: must not be in the future',
      );
    }
    const ref = await this.#waivers.readableRef(name, credentials);
    const [results, changes, facts] = await Promise.all([
      this.#evaluations.getResults([ref]),
      this.#evidence.getChangesAfter([ref], asOf),
      this.#evidence.getFactsAsOf([ref], asOf),
    ]);
    return {
      entityRef: ref,
      asOf: asOf.toISOString(),
      results: statusesAsOf(
        results.get(ref) ?? [],
        changes.get(ref) ?? [],
        asOf,
      ).filter(r => this.#catalogue.get(r.controlId)),
      facts: facts.get(ref) ?? [],
    };
  }

  async #filter(
    query: { owner?: string[]; system?: string[]; lifecycle?: string[] },
    credentials: BackstageCredentials,
  ) {
    const [allowedRefs, owners] = await Promise.all([
      this.#scope.readableRefs(credentials),
      query.owner?.length
        ? this.#scope.ownerGroups(query.owner, credentials)
        : Promise.resolve(undefined),
    ]);
    return {
      ...(allowedRefs ? { allowedRefs } : {}),
      ...(owners ? { owners } : {}),
      ...(query.system?.length ? { system: query.system } : {}),
      ...(query.lifecycle?.length ? { lifecycle: query.lifecycle } : {}),
    };
  }

  /** One control across the readable entities, worst status first. */
  async getControlEntities(
    controlId: string,
    query: {
      owner?: string[];
      system?: string[];
      lifecycle?: string[];
      status?: string[];
      limit: number;
    },
    credentials: BackstageCredentials,
  ): Promise<ControlEntitiesResponse> {
    if (!this.#catalogue.get(controlId)) {
      throw new NotFoundError(`No enabled control ${controlId}`);
    }
    const filter = await this.#filter(query, credentials);
    const out = await this.#campaigns.getControlEntities(
      controlId,
      { ...filter, ...(query.status?.length ? { status: query.status } : {}) },
      query.limit,
    );
    return { controlId, ...out };
  }

  /** The filtered set's average score and level distribution per day. */
  async getTrend(
    query: {
      owner?: string[];
      system?: string[];
      lifecycle?: string[];
      kind?: string[];
      days: number;
    },
    credentials: BackstageCredentials,
  ): Promise<TrendResponse> {
    const filter = await this.#filter(query, credentials);
    const since = DateTime.utc()
      .minus({ days: query.days - 1 })
      .toISODate()!;
    return {
      days: query.days,
      points: await this.#campaigns.getTrend(
        { ...filter, ...(query.kind?.length ? { kind: query.kind } : {}) },
        since,
      ),
    };
  }
}
