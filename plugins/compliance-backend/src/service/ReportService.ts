import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_COMPLIANCE_SKIP,
  isComplianceSkipped,
} from 'backstage-plugin-compliance-common';
import type {
  ControlResultWithControl,
  ControlsResponse,
  EntityComplianceSummary,
  EntityHistory,
  EvaluationPreview,
  Fact,
  JsonValue,
  OverviewQuery,
  OverviewResponse,
} from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import type {
  EvaluationStore,
  FactStore,
  OverviewStore,
} from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { previewEvaluation } from '../lib/preview';
import { toOverviewResponse } from '../lib/overviewResponse';
import type { CollectionRunner } from './CollectionRunner';
import type { EvaluationRunner } from './EvaluationRunner';
import { readableEntity } from './readableEntity';
import { RefreshGuard } from './RefreshGuard';
import { CatalogScope } from './CatalogScope';
import { PeopleResolver } from './PeopleResolver';
import type { UserLoginStore } from '../database/DatabaseUserLoginStore';
import { ReadAccess, readableRef } from './ReadAccess';
import { ReadModel } from './ReadModel';
import { EntityRead, OpenedRead, ReadTags } from './ReadTags';
import type { GroupStore, ReadModelStore } from '../database/ComplianceStore';

import type { StatusService } from './StatusService';

/** An entity named by the caller: `{ kind, namespace, name }` or a ref string. */
export type EntityName =
  | string
  | { kind: string; namespace?: string; name: string };

/**
 * The use cases behind the REST API and the actions: every read is scoped
 * to what the catalog lets the caller read.
 */
export class ReportService {
  readonly #catalog: CatalogService;
  readonly #logger: LoggerService;
  readonly #catalogue: ControlCatalogue;
  readonly #facts: FactStore;
  readonly #evaluations: EvaluationStore;
  readonly #overview: OverviewStore;
  readonly #collection: CollectionRunner;
  readonly #evaluation: EvaluationRunner;
  readonly #status: StatusService;
  readonly #refreshGuard: RefreshGuard;
  readonly #scope: CatalogScope;
  readonly #access: ReadAccess;
  readonly #readModel?: ReadModel;
  readonly #people?: PeopleResolver;
  readonly #tags: ReadTags;

  constructor(options: {
    catalog: CatalogService;
    auth?: AuthService;
    permissions: PermissionsService;
    logger: LoggerService;
    catalogue: ControlCatalogue;
    facts: FactStore;
    evaluations: EvaluationStore;
    overview: OverviewStore;
    collection: CollectionRunner;
    evaluation: EvaluationRunner;
    status: StatusService;
    refresh?: { cooldownMs: number; maxConcurrent: number };
    /** The group hierarchy the engine keeps (owner filters); else the catalog is paged. */
    groups?: GroupStore;
    /** The evaluation version and overview aggregates (ETags, common filters). */
    readModel?: ReadModelStore | ReadModel;
    /** How long per-caller read decisions are reused. Default 10 seconds. */
    authorizationCacheMs?: number;
    /** Read decisions shared with other routers; built here when absent. */
    access?: ReadAccess;
    /** The caller's catalog scope shared with other routers; built here when absent. */
    scope?: CatalogScope;
    /** GitHub logins of catalog users: evidence names people with links. */
    userLogins?: UserLoginStore;
  }) {
    this.#catalog = options.catalog;
    this.#logger = options.logger;
    this.#catalogue = options.catalogue;
    this.#facts = options.facts;
    this.#evaluations = options.evaluations;
    this.#overview = options.overview;
    this.#collection = options.collection;
    this.#evaluation = options.evaluation;
    this.#status = options.status;
    this.#people =
      options.userLogins &&
      new PeopleResolver({
        logins: options.userLogins,
        logger: options.logger,
      });
    this.#access =
      options.access ??
      new ReadAccess({
        catalog: options.catalog,
        permissions: options.permissions,
        ttlMs: options.authorizationCacheMs,
      });
    this.#scope =
      options.scope ??
      new CatalogScope({
        catalog: options.catalog,
        permissions: options.permissions,
        kinds: options.catalogue.kinds,
        access: this.#access,
        groups: options.groups,
        ttlMs: options.authorizationCacheMs,
      });
    this.#readModel =
      options.readModel instanceof ReadModel || !options.readModel
        ? options.readModel
        : new ReadModel({ store: options.readModel, logger: options.logger });
    this.#tags = new ReadTags({
      readModel: this.#readModel,
      status: options.status,
      catalogue: options.catalogue,
      access: this.#access,
      evaluations: options.evaluations,
    });
    this.#refreshGuard = new RefreshGuard(
      options.refresh ?? { cooldownMs: 60_000, maxConcurrent: 2 },
    );
  }

  /** The canonical ref of an entity the caller may read (see readableRef). */
  #readableRef(name: EntityName, credentials: BackstageCredentials) {
    return readableRef(name, credentials, this.#access, this.#evaluations);
  }

  /**
   * Opens a read of one entity (`summary`, `results`, `history`) for one
   * request: the caller's right to read it is checked once and the ETag
   * derived; NotFoundError when the caller may not read the entity.
   */
  openEntity(
    route: EntityRead,
    name: EntityName,
    credentials: BackstageCredentials,
    extra: unknown[] = [],
  ): Promise<OpenedRead> {
    return this.#tags.openEntity(route, name, credentials, extra);
  }

  /** Opens an overview read: its ETag and version (none without a read model). */
  openOverview(query: OverviewQuery, credentials: BackstageCredentials) {
    return this.#tags.openOverview(query, credentials);
  }

  /** After a refresh or a roll-up: reads may answer differently now. */
  readsChanged(): Promise<void> {
    return this.#tags.readsChanged();
  }

  async #withDetails<T extends EntityComplianceSummary>(
    summary: T,
    collectedAt?: Record<string, string>,
  ): Promise<T> {
    return {
      ...summary,
      collectedAt: collectedAt ?? (await this.#status.collectedAt()),
      level: summary.level
        ? {
            id: summary.level.id,
            title: this.#catalogue.levelTitle(summary.level.id),
          }
        : null,
    };
  }

  async #summaryOf(
    ref: string,
    collectedAt?: Record<string, string>,
  ): Promise<EntityComplianceSummary> {
    const summary = await this.#evaluations.getSummary(ref);
    if (!summary) {
      throw new NotFoundError(
        `No compliance data for ${ref} yet; it has not been evaluated`,
      );
    }
    return this.#withDetails(summary, collectedAt);
  }

  /** The entity's headline: score, coverage, level, categories, frameworks. */
  async getSummary(
    entity: EntityName | OpenedRead,
    credentials: BackstageCredentials,
  ): Promise<EntityComplianceSummary> {
    const read = await this.#opened(entity, credentials);
    return this.#summaryOf(read.ref, read.collectedAt);
  }

  /** A read opened by {@link ReportService.openEntity}, or one opened now. */
  async #opened(
    entity: EntityName | OpenedRead,
    credentials: BackstageCredentials,
  ): Promise<OpenedRead> {
    return typeof entity === 'object' && 'ref' in entity
      ? entity
      : { ref: await this.#readableRef(entity, credentials) };
  }

  /** Every stored result of the entity, joined with its (enabled) control. */
  async getResults(
    entity: EntityName | OpenedRead,
    credentials: BackstageCredentials,
  ): Promise<{ entityRef: string; items: ControlResultWithControl[] }> {
    const { ref } = await this.#opened(entity, credentials);
    const items = await this.#resultsOf(ref);
    return {
      entityRef: ref,
      items: this.#people ? await this.#people.attach(items) : items,
    };
  }

  async #resultsOf(ref: string): Promise<ControlResultWithControl[]> {
    const results = (await this.#evaluations.getResults([ref])).get(ref) ?? [];
    return results.flatMap(r => {
      const control = this.#catalogue.get(r.controlId);
      return control ? [{ ...r, control }] : [];
    });
  }

  /** Daily points and the status-change ledger of the last `days` days. */
  async getHistory(
    entity: EntityName | OpenedRead,
    days: number,
    credentials: BackstageCredentials,
  ): Promise<EntityHistory> {
    const { ref } = await this.#opened(entity, credentials);
    const since = DateTime.utc()
      .minus({ days: days - 1 })
      .toISODate()!;
    return {
      entityRef: ref,
      ...(await this.#evaluations.getHistory(ref, since)),
    };
  }

  /** The entity's facts, optionally those whose id starts with `prefix`. */
  async getFacts(
    name: EntityName,
    prefix: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<{ items: Fact[] }> {
    const ref = await this.#readableRef(name, credentials);
    const facts = (await this.#facts.getFacts([ref], prefix)).get(ref) ?? [];
    return { items: facts.map(({ known: _k, stale: _s, ...f }) => f) };
  }

  /** Collects every enabled collector for the entity and evaluates it, now. */
  async refresh(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<EntityComplianceSummary> {
    const { ref, entity } = await readableEntity(
      this.#catalog,
      name,
      credentials,
    );
    if (isComplianceSkipped(entity)) {
      throw new InputError(
        `${ref} opted out of compliance evaluation (annotation ${ANNOTATION_COMPLIANCE_SKIP}: "true")`,
      );
    }
    if (!this.#catalogue.evaluates(entity.kind)) {
      throw new InputError(
        `Entities of kind ${
          entity.kind
        } are not evaluated; configured kinds: ${this.#catalogue.kinds.join(
          ', ',
        )}`,
      );
    }
    const skipped = this.#refreshGuard.reasonToSkip(ref);
    if (skipped) {
      this.#logger.info('Refresh answered with current data', {
        entityRef: ref,
        reason: skipped,
      });
      return this.#summaryOf(ref);
    }
    this.#logger.info('Refreshing entity on request', { entityRef: ref });
    await this.#refreshGuard.run(ref, async () => {
      await this.#collection.collectEntity(entity);
      await this.#evaluation.evaluateEntities([ref]);
    });
    return this.#summaryOf(ref);
  }

  /**
   * Evaluates a proposed entity without storing anything: the catalog
   * collector's facts plus the entity itself. Other collectors' facts do not
   * exist yet, so their controls are unknown (not collected).
   */
  async preview(
    entity: Entity,
    credentials: BackstageCredentials,
    predictedFacts: Array<{ factId: string; value: JsonValue }> = [],
  ): Promise<EvaluationPreview> {
    // With the caller's credentials: the evidence (does the owner exist?)
    // never reveals an entity the caller cannot read.
    const observed = await this.#collection.observe(
      'catalog',
      entity,
      credentials,
    );
    return previewEvaluation({
      entity,
      observed,
      predictedFacts,
      catalogue: this.#catalogue,
      now: new Date(),
    });
  }

  /** The control catalogue: controls, levels in order, frameworks, kinds. */
  getControls(): ControlsResponse {
    return this.#catalogue.toResponse();
  }

  getStatus() {
    return this.#status.status();
  }

  /**
   * The overview page: entities the caller may read in the catalog,
   * filtered, sorted and paged, with the aggregates of the filter.
   */
  async getOverview(
    query: OverviewQuery,
    credentials: BackstageCredentials,
    opened?: { version?: number },
  ): Promise<OverviewResponse> {
    const [allowedRefs, owners] = await Promise.all([
      this.#scope.readableRefs(credentials),
      query.owner?.length
        ? this.#scope.ownerGroups(query.owner, credentials, {
            transitive: !query.ownerDirect,
          })
        : Promise.resolve(undefined),
    ]);
    const { owner: _owner, ownerDirect: _direct, ...rest } = query;
    const filter = { ...rest, owners, allowedRefs };
    // The common filters' aggregates come from the last evaluation cycle.
    const precomputed = await this.#readModel?.figuresFor(
      filter,
      opened?.version,
    );
    const page = await this.#overview.getOverview(filter, precomputed);
    return toOverviewResponse(page, query, this.#catalogue);
  }

  /**
   * The controls of an entity that are not passing (fail, warn, unknown),
   * heaviest first, with how to fix them: what agents and MCP clients ask.
   */
  async getNotPassing(name: EntityName, credentials: BackstageCredentials) {
    const ref = await this.#readableRef(name, credentials);
    const summary = await this.#summaryOf(ref);
    const notPassing = (await this.#resultsOf(ref))
      .filter(r => ['fail', 'warn', 'unknown'].includes(r.status))
      .sort((a, b) => b.control.weight - a.control.weight);
    return { summary, notPassing };
  }
}
