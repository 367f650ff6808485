import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  complianceEntityRefreshPermission,
  complianceReportReadPermission,
  ControlsResponse,
  entityRefParamsSchema,
  evaluateRequestSchema,
  historyQuerySchema,
  overviewQuerySchema,
  OverviewResponse,
} from 'backstage-plugin-compliance-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ComplianceStore } from '../database/ComplianceStore';
import { normalizeRef } from '../lib/snapshot';
import { descendantGroups } from '../lib/groups';
import type { ComplianceEngine } from './ComplianceEngine';

function parseOrThrow<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${detail}`);
  }
  return parsed.data;
}

const factsQuerySchema = z.object({
  prefix: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'prefix may hold letters, digits, . _ -')
    .max(200)
    .optional(),
});

/** Dependencies of the router. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  store: ComplianceStore;
  engine: ComplianceEngine;
  frameworks: Array<{ id: string; title: string }>;
  kinds: string[];
}

/** The REST API under `/api/compliance`. HTTP only: parse, authorize, call, respond. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, store, engine } = options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  const authorize = async (
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };

  /** The caller's credentials, once the permission allows the request. */
  const authorized = async (req: Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(credentials, permission);
    return credentials;
  };

  /** The entity, if it exists and the user may read it in the catalog. */
  const readableEntity = async (
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> => {
    const params = parseOrThrow(
      entityRefParamsSchema,
      req.params,
      'entity reference',
    );
    const ref = stringifyEntityRef(params);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${ref} was not found in the catalog`);
    }
    return entity;
  };

  const withDetails = async <
    T extends { level: { id: string; title: string } | null },
  >(
    s: T,
  ) => {
    const runs = await store.getLatestRuns();
    const collectedAt: Record<string, string> = {};
    for (const c of engine.collectors) {
      const run = runs.get(c.id);
      if (run?.finishedAt) collectedAt[c.id] = run.finishedAt;
    }
    const level = s.level && engine.levels.find(l => l.id === s.level!.id);
    return {
      ...s,
      collectedAt,
      level: s.level
        ? { id: s.level.id, title: level?.title ?? s.level.title }
        : null,
    };
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const entity = await readableEntity(req, credentials);
    const ref = normalizeRef(stringifyEntityRef(entity));
    const summary = await store.getSummary(ref);
    if (!summary) {
      throw new NotFoundError(
        `No compliance data for ${ref} yet; it has not been evaluated`,
      );
    }
    res.json(await withDetails(summary));
  });

  router.get('/entities/:kind/:namespace/:name/results', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const entity = await readableEntity(req, credentials);
    const ref = normalizeRef(stringifyEntityRef(entity));
    const results = (await store.getResults([ref])).get(ref) ?? [];
    const controls = new Map(engine.controls.map(c => [c.id, c]));
    res.json({
      items: results
        .filter(r => controls.has(r.controlId))
        .map(r => ({ ...r, control: controls.get(r.controlId)! })),
    });
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const { days } = parseOrThrow(
      historyQuerySchema,
      req.query,
      'history query',
    );
    const entity = await readableEntity(req, credentials);
    const ref = normalizeRef(stringifyEntityRef(entity));
    const since = DateTime.utc()
      .minus({ days: days - 1 })
      .toISODate()!;
    const history = await store.getHistory(ref, since);
    res.json({ entityRef: ref, ...history });
  });

  router.get('/entities/:kind/:namespace/:name/facts', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const { prefix } = parseOrThrow(factsQuerySchema, req.query, 'facts query');
    const entity = await readableEntity(req, credentials);
    const ref = normalizeRef(stringifyEntityRef(entity));
    const facts = (await store.getFacts([ref], prefix)).get(ref) ?? [];
    res.json({ items: facts.map(({ known: _k, stale: _s, ...f }) => f) });
  });

  router.post('/entities/:kind/:namespace/:name/refresh', async (req, res) => {
    const credentials = await authorized(
      req,
      complianceEntityRefreshPermission,
    );
    const entity = await readableEntity(req, credentials);
    const ref = normalizeRef(stringifyEntityRef(entity));
    if (!options.kinds.includes(entity.kind.toLocaleLowerCase('en-US'))) {
      throw new InputError(
        `Entities of kind ${
          entity.kind
        } are not evaluated; configured kinds: ${options.kinds.join(', ')}`,
      );
    }
    options.logger.info('Refreshing entity on request', { entityRef: ref });
    await engine.refreshEntity(entity);
    const summary = await store.getSummary(ref);
    if (!summary) throw new NotFoundError(`No compliance data for ${ref}`);
    res.json(await withDetails(summary));
  });

  router.post('/evaluate', async (req, res) => {
    await authorized(req, complianceReportReadPermission);
    const { entity } = parseOrThrow(
      evaluateRequestSchema,
      req.body,
      'request body',
    );
    res.json(await engine.previewEntity(entity as unknown as Entity));
  });

  router.get('/controls', async (req, res) => {
    await authorized(req, complianceReportReadPermission);
    const body: ControlsResponse = {
      controls: engine.controls,
      levels: engine.levels,
      frameworks: options.frameworks,
    };
    res.json(body);
  });

  router.get('/status', async (req, res) => {
    await authorized(req, complianceReportReadPermission);
    res.json(await engine.status());
  });

  router.get('/overview', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const query = parseOrThrow(
      overviewQuerySchema,
      req.query,
      'overview query',
    );

    // Only entities the catalog lets this user read.
    let allowedRefs: string[] | undefined;
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      allowedRefs = [];
    } else if (decision.result === AuthorizeResult.CONDITIONAL) {
      allowedRefs = await readableRefs(credentials);
    }

    let owners: string[] | undefined;
    if (query.owner?.length) {
      const requested = query.owner.map(o => {
        try {
          return normalizeRef(
            stringifyEntityRef(
              parseEntityRef(o, {
                defaultKind: 'group',
                defaultNamespace: 'default',
              }),
            ),
          );
        } catch (e) {
          throw new InputError(`Invalid owner "${o}": ${(e as Error).message}`);
        }
      });
      owners = descendantGroups(requested, await groupTree(credentials));
    }
    const { owner: _owner, ...rest } = query;
    const result = await store.getOverview({ ...rest, owners, allowedRefs });
    const titles = new Map(engine.controls.map(c => [c.id, c.title]));
    const body: OverviewResponse = {
      items: result.items.map(i => {
        const level = i.level && engine.levels.find(l => l.id === i.level!.id);
        return {
          ...i,
          level: i.level
            ? { id: i.level.id, title: level?.title ?? i.level.id }
            : null,
        };
      }),
      totalCount: result.totalCount,
      page: query.page,
      pageSize: query.pageSize,
      distribution: result.distribution,
      topFailingControls: result.topFailing.map(t => ({
        controlId: t.controlId,
        title: titles.get(t.controlId) ?? t.controlId,
        count: t.count,
      })),
      levels: result.levels,
      ...(query.framework ? { framework: query.framework } : {}),
    };
    res.json(body);
  });

  async function readableRefs(
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const refs: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? {
              cursor,
              limit: 1000,
              fields: ['kind', 'metadata.name', 'metadata.namespace'],
            }
          : {
              filter: { kind: options.kinds },
              limit: 1000,
              fields: ['kind', 'metadata.name', 'metadata.namespace'],
            },
        { credentials },
      );
      page.items.forEach(e => refs.push(normalizeRef(stringifyEntityRef(e))));
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return refs;
  }

  async function groupTree(credentials: BackstageCredentials) {
    const groups: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 1000 }
          : {
              filter: { kind: 'group' },
              limit: 1000,
              fields: [
                'kind',
                'metadata.name',
                'metadata.namespace',
                'spec.parent',
                'spec.children',
              ],
            },
        { credentials },
      );
      groups.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return groups;
  }

  return router;
}
