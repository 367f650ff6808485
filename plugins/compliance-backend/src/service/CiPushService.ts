import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CiPushRequest,
  CiPushResponse,
  pushedRunObservations,
} from 'backstage-plugin-compliance-common';
import type { FactStore } from '../database/ComplianceStore';
import type { CiRunStore } from '../database/DatabaseCiRunStore';
import { PUSHED_CI_COLLECTOR_ID, pushedCiFacts } from '../lib/pushedCiFacts';

const DAY_MS = 86_400_000;
/** Entities recomputed per batch when the window slides. */
const REFRESH_CHUNK = 200;

/** Stores CI runs pushed by any CI system and turns them into facts. */
export class CiPushService {
  constructor(
    private readonly options: {
      ciRuns: CiRunStore;
      facts: FactStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Days of runs the statistics cover. */
      windowDays: number;
    },
  ) {}

  /**
   * Stores a push (idempotent on the CI system's run ids) for an entity of
   * the catalog and rewrites its `ci.pushed.*` facts.
   */
  async push(body: CiPushRequest, now = new Date()): Promise<CiPushResponse> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(body.entityRef));
    } catch (error) {
      throw new InputError(
        `Invalid entityRef "${body.entityRef.slice(
          0,
          100,
        )}": expected kind:namespace/name`,
      );
    }
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} is not in the catalog`);
    }
    const writes = body.runs.flatMap(run =>
      pushedRunObservations(body.system, run).map(observation => ({
        system: body.system,
        runId: run.id,
        observation,
      })),
    );
    const observations = await this.options.ciRuns.upsertRuns(
      entityRef,
      writes,
      now,
    );
    await this.refreshFacts([entityRef], now);
    this.options.logger.info('Stored pushed CI runs', {
      entityRef,
      system: body.system,
      runs: body.runs.length,
      observations,
    });
    return { entityRef, runs: body.runs.length, observations };
  }

  /**
   * Slides the window: recomputes the `ci.pushed.*` facts of every entity
   * with runs in the last two windows (so runs that left the window stop
   * counting even without a new push; only changed facts are written) and
   * drops runs older than that. Returns the entities recomputed.
   */
  async slideWindow(now = new Date()): Promise<number> {
    const since = new Date(
      now.getTime() - 2 * this.options.windowDays * DAY_MS,
    );
    const refs = await this.options.ciRuns.getEntityRefsWithRuns(since);
    let written = 0;
    for (let i = 0; i < refs.length; i += REFRESH_CHUNK) {
      written += await this.refreshFacts(refs.slice(i, i + REFRESH_CHUNK), now);
    }
    const removed = await this.options.ciRuns.deleteBefore(since);
    this.options.logger.info('Slid the window of pushed CI runs', {
      entities: refs.length,
      written,
      removed,
    });
    return refs.length;
  }

  /** Recomputes the `ci.pushed.*` facts of entities from their stored runs. */
  async refreshFacts(entityRefs: string[], now = new Date()): Promise<number> {
    const windowStart = new Date(
      Math.floor(now.getTime() / DAY_MS) * DAY_MS -
        (this.options.windowDays - 1) * DAY_MS,
    );
    const byEntity = await this.options.ciRuns.getObservations(
      entityRefs,
      windowStart,
    );
    const writes = entityRefs.flatMap(entityRef => {
      const observations = byEntity.get(entityRef) ?? [];
      const systems = [
        ...new Set(observations.map(o => o.id.split('/')[0])),
      ].sort();
      return pushedCiFacts(observations, {
        now,
        windowDays: this.options.windowDays,
        systems,
      }).map(fact => ({ ...fact, entityRef, observedAt: now }));
    });
    const { written } = await this.options.facts.writeFacts(
      PUSHED_CI_COLLECTOR_ID,
      writes,
    );
    return written;
  }
}
