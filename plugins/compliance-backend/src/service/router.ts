import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  BasicPermission,
  isResourcePermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  complianceEntityRefreshPermission,
  complianceReportReadPermission,
  creationRecordRequestSchema,
  entityRefParamsSchema,
  evaluateRequestSchema,
  historyQuerySchema,
  overviewQuerySchema,
} from 'backstage-plugin-compliance-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ReportService } from './ReportService';
import { AnswerCache, answerJson } from './httpCaching';
import { callerKey } from './ReadAccess';
import { TtlCache } from './TtlCache';
import type { CreationStore } from '../database/DatabaseCreationStore';
import { recordCreation } from './creationRecords';

/** Parses input with a zod schema; InputError naming every problem. */
export function parseOrThrow<T extends z.ZodTypeAny>(
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

/**
 * The caller's credentials (user or service), once the permission allows
 * the request; `NotAllowedError` naming the permission otherwise. A
 * resource permission is asked for `resourceRef`. With `decisions`, the
 * decision of a basic permission is reused per caller while it is cached.
 */
export async function authorizeRequest(
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
  req: Request,
  permission: BasicPermission | ResourcePermission,
  resourceRef?: string,
  decisions?: TtlCache<boolean>,
) {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const ask = async () => {
    const [decision] = await services.permissions.authorize(
      [
        resourceRef && isResourcePermission(permission)
          ? { permission, resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };
  const allowed =
    decisions && !resourceRef
      ? await decisions.get(
          `${callerKey(credentials)}\u0000${permission.name}`,
          ask,
        )
      : await ask();
  if (!allowed) {
    throw new NotAllowedError(`Missing permission ${permission.name}`);
  }
  return credentials;
}

/** Dependencies of the router. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  reports: ReportService;
  /** Born-compliant records; the routes answer 404 without them. */
  creations?: CreationStore;
  /**
   * Serialized answers kept by ETag. Default: 32 MB; `maxBytes: 0` keeps
   * none.
   */
  answerCache?: { maxBytes: number };
  /**
   * How long a caller's decision of the read permission is reused
   * (`compliance.authorization.cacheTtl`). Default: asked on every request.
   */
  decisionTtlMs?: number;
}

/**
 * The REST API under `/api/compliance`. HTTP only: parse, authorize, call
 * the report service, respond.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, reports, creations } = options;
  const answers = new AnswerCache({
    maxBytes: options.answerCache?.maxBytes ?? 32 * 1024 * 1024,
  });
  // Reads ask the read permission on every request; its decision per
  // caller is reused for as long as the catalog read decisions are.
  const readDecisions = new TtlCache<boolean>({
    ttlMs: options.decisionTtlMs ?? 0,
    maxEntries: 5_000,
  });
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  const authorized = (
    req: Request,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) =>
    authorizeRequest(
      { httpAuth, permissions },
      req,
      permission,
      resourceRef,
      permission === complianceReportReadPermission ? readDecisions : undefined,
    );
  const entityOf = (req: Request) =>
    parseOrThrow(entityRefParamsSchema, req.params, 'entity reference');

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const read = await reports.openEntity('summary', name, credentials);
    await answerJson(req, res, read.tag, answers, () =>
      reports.getSummary(read, credentials),
    );
  });

  router.get('/entities/:kind/:namespace/:name/results', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const read = await reports.openEntity('results', name, credentials);
    await answerJson(req, res, read.tag, answers, async () => {
      const { items } = await reports.getResults(read, credentials);
      return { items };
    });
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const { days } = parseOrThrow(
      historyQuerySchema,
      req.query,
      'history query',
    );
    const created = creations
      ? await creations.list(
          stringifyEntityRef(name).toLocaleLowerCase('en-US'),
        )
      : undefined;
    const read = await reports.openEntity('history', name, credentials, [
      days,
      created?.length ?? 0,
    ]);
    await answerJson(req, res, read.tag, answers, async () => {
      const history = await reports.getHistory(read, days, credentials);
      return created ? { ...history, creations: created } : history;
    });
  });
  router.post('/entities/:kind/:namespace/:name/creation', async (req, res) => {
    const name = entityOf(req);
    const credentials = await authorized(
      req,
      complianceEntityRefreshPermission,
      stringifyEntityRef(name).toLocaleLowerCase('en-US'),
    );
    const body = parseOrThrow(
      creationRecordRequestSchema,
      req.body,
      'request body',
    );
    if (!creations) throw new NotFoundError('Creation records are not kept');
    res
      .status(201)
      .json(await recordCreation(reports, creations, name, body, credentials));
  });

  router.get('/entities/:kind/:namespace/:name/facts', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const { prefix } = parseOrThrow(factsQuerySchema, req.query, 'facts query');
    res.json(await reports.getFacts(name, prefix, credentials));
  });

  router.post('/entities/:kind/:namespace/:name/refresh', async (req, res) => {
    const name = entityOf(req);
    const credentials = await authorized(
      req,
      complianceEntityRefreshPermission,
      stringifyEntityRef(name).toLocaleLowerCase('en-US'),
    );
    res.json(await reports.refresh(name, credentials));
  });

  router.post('/evaluate', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const { entity, predictedFacts } = parseOrThrow(
      evaluateRequestSchema,
      req.body,
      'request body',
    );
    res.json(
      await reports.preview(entity as Entity, credentials, predictedFacts),
    );
  });

  router.get('/controls', async (req, res) => {
    await authorized(req, complianceReportReadPermission);
    res.json(reports.getControls());
  });

  router.get('/status', async (req, res) => {
    await authorized(req, complianceReportReadPermission);
    res.json(await reports.getStatus());
  });

  router.get('/overview', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const query = parseOrThrow(
      overviewQuerySchema,
      req.query,
      'overview query',
    );
    const opened = await reports.openOverview(query, credentials);
    // Under a conditional policy the answer depends on what the catalog
    // lets the caller read now: served fresh, never kept.
    const keep = opened.shared ? answers : undefined;
    await answerJson(req, res, opened.tag, keep, () =>
      reports.getOverview(query, credentials, opened),
    );
  });

  return router;
}
