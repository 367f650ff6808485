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
import { notModified } from './httpCaching';
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
 * resource permission is asked for `resourceRef`.
 */
export async function authorizeRequest(
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
  req: Request,
  permission: BasicPermission | ResourcePermission,
  resourceRef?: string,
) {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await services.permissions.authorize(
    [
      resourceRef && isResourcePermission(permission)
        ? { permission, resourceRef }
        : { permission: permission as BasicPermission },
    ],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
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
}

/**
 * The REST API under `/api/compliance`. HTTP only: parse, authorize, call
 * the report service, respond.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, reports, creations } = options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  const authorized = (
    req: Request,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) =>
    authorizeRequest({ httpAuth, permissions }, req, permission, resourceRef);
  const entityOf = (req: Request) =>
    parseOrThrow(entityRefParamsSchema, req.params, 'entity reference');

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const read = await reports.openEntity('summary', name, credentials);
    if (notModified(req, res, read.tag)) return;
    res.json(await reports.getSummary(read, credentials));
  });

  router.get('/entities/:kind/:namespace/:name/results', async (req, res) => {
    const credentials = await authorized(req, complianceReportReadPermission);
    const name = entityOf(req);
    const read = await reports.openEntity('results', name, credentials);
    if (notModified(req, res, read.tag)) return;
    const { items } = await reports.getResults(read, credentials);
    res.json({ items });
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
    if (notModified(req, res, read.tag)) return;
    const history = await reports.getHistory(read, days, credentials);
    res.json(created ? { ...history, creations: created } : history);
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
    if (notModified(req, res, opened.tag)) return;
    res.json(await reports.getOverview(query, credentials, opened));
  });

  return router;
}
