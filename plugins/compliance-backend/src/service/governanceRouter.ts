import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  isResourcePermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  asOfQuerySchema,
  complianceExportPermission,
  controlEntitiesQuerySchema,
  controlIdParamsSchema,
  exportQuerySchema,
  trendQuerySchema,
  complianceReportReadPermission,
  complianceWaiverApprovePermission,
  complianceWaiverRequestPermission,
  entityRefParamsSchema,
  waiverDecisionSchema,
  waiverIdParamsSchema,
  waiverListQuerySchema,
  waiverRequestSchema,
} from 'backstage-plugin-compliance-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { JsonObject } from '@backstage/types';
import type { CatalogScope } from './CatalogScope';
import { parseOrThrow } from './router';
import type { WaiverService } from './WaiverService';
import type { ExportService } from './ExportService';
import type { GovernanceReadService } from './GovernanceReadService';

/** Dependencies of the governance routes. */
export interface GovernanceRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  waivers: WaiverService;
  scope: CatalogScope;
  exports: ExportService;
  reads: GovernanceReadService;
}

/**
 * Governance routes under `/api/compliance`: the waiver workflow. HTTP
 * only: parse, authorize, audit, call the services, respond.
 */
export async function createGovernanceRouter(
  options: GovernanceRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, waivers, scope, exports, reads } =
    options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const allows = async (
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) => {
    const [decision] = await permissions.authorize(
      [
        resourceRef && isResourcePermission(permission)
          ? { permission, resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };

  const require = async (
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) => {
    if (!(await allows(credentials, permission, resourceRef))) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };

  /** Runs `work` inside an audit event: success with its meta, or failure. */
  const audited = async <T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    work: () => Promise<{ value: T; meta?: JsonObject }>,
  ): Promise<T> => {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const out = await work();
      await event.success({ meta: { ...meta, ...(out.meta ?? {}) } });
      return out.value;
    } catch (error) {
      await event.fail({ meta, error: error as Error });
      throw error;
    }
  };

  const entityOf = (req: Request) =>
    parseOrThrow(entityRefParamsSchema, req.params, 'entity reference');

  router.get('/entities/:kind/:namespace/:name/waivers', async (req, res) => {
    const credentials = await credentialsOf(req);
    await require(credentials, complianceReportReadPermission);
    res.json(await waivers.list(entityOf(req), credentials));
  });

  router.post('/entities/:kind/:namespace/:name/waivers', async (req, res) => {
    const name = entityOf(req);
    const body = parseOrThrow(waiverRequestSchema, req.body, 'request body');
    const entityRef = stringifyEntityRef(name).toLocaleLowerCase('en-US');
    const waiver = await audited(
      req,
      'compliance-waiver-request',
      { entityRef, controlId: body.controlId, expiresAt: body.expiresAt },
      async () => {
        const credentials = await credentialsOf(req);
        await require(credentials, complianceWaiverRequestPermission, entityRef);
        const value = await waivers.request(name, body, credentials);
        return { value, meta: { waiverId: value.id } };
      },
    );
    res.status(201).json(waiver);
  });

  router.get('/waivers', async (req, res) => {
    const credentials = await credentialsOf(req);
    await require(credentials, complianceReportReadPermission);
    const query = parseOrThrow(
      waiverListQuerySchema,
      req.query,
      'waiver query',
    );
    const readable = await scope.readableRefs(credentials);
    res.json({ items: await waivers.listAll(query, readable) });
  });

  for (const step of ['approve', 'reject', 'revoke'] as const) {
    router.post(`/waivers/:id/${step}`, async (req, res) => {
      const { id } = parseOrThrow(
        waiverIdParamsSchema,
        req.params,
        'waiver id',
      );
      const { comment } = parseOrThrow(
        waiverDecisionSchema,
        req.body ?? {},
        'request body',
      );
      const waiver = await audited(
        req,
        `compliance-waiver-${step}`,
        { waiverId: id },
        async () => {
          const credentials = await credentialsOf(req);
          const mayApprove = await allows(
            credentials,
            complianceWaiverApprovePermission,
          );
          if (!mayApprove && step !== 'revoke') {
            throw new NotAllowedError(
              `Missing permission ${complianceWaiverApprovePermission.name}`,
            );
          }
          const value = await waivers.decide(step, id, {
            ...(comment ? { comment } : {}),
            credentials,
            mayApprove,
          });
          return {
            value,
            meta: {
              entityRef: value.entityRef,
              controlId: value.controlId,
              status: value.status,
            },
          };
        },
      );
      res.json(waiver);
    });
  }

  router.get('/entities/:kind/:namespace/:name/as-of', async (req, res) => {
    const credentials = await credentialsOf(req);
    await require(credentials, complianceReportReadPermission);
    const name = entityOf(req);
    const { asOf } = parseOrThrow(asOfQuerySchema, req.query, 'as-of query');
    res.json(await reads.getAsOf(name, new Date(asOf), credentials));
  });

  router.get('/controls/:controlId/entities', async (req, res) => {
    const credentials = await credentialsOf(req);
    await require(credentials, complianceReportReadPermission);
    const { controlId } = parseOrThrow(
      controlIdParamsSchema,
      req.params,
      'control id',
    );
    const query = parseOrThrow(
      controlEntitiesQuerySchema,
      req.query,
      'control query',
    );
    res.json(await reads.getControlEntities(controlId, query, credentials));
  });

  router.get('/overview/trend', async (req, res) => {
    const credentials = await credentialsOf(req);
    await require(credentials, complianceReportReadPermission);
    const query = parseOrThrow(trendQuerySchema, req.query, 'trend query');
    res.json(await reads.getTrend(query, credentials));
  });

  router.get('/export/manifest', async (req, res) => {
    const query = parseOrThrow(exportQuerySchema, req.query, 'export query');
    const manifest = await audited(
      req,
      'compliance-export-manifest',
      {
        framework: query.framework,
        asOf: query.asOf ?? null,
        from: query.from ?? null,
      },
      async () => {
        const credentials = await credentialsOf(req);
        await require(credentials, complianceExportPermission);
        const readable = await scope.readableRefs(credentials);
        const value = await exports.manifest(query, readable, new Date());
        return {
          value,
          meta: { files: value.files.map(f => `${f.name} ${f.sha256}`) },
        };
      },
    );
    res.json(manifest);
  });

  router.get('/export', async (req, res) => {
    const query = parseOrThrow(exportQuerySchema, req.query, 'export query');
    const meta = {
      framework: query.framework,
      format: query.format,
      asOf: query.asOf ?? null,
      from: query.from ?? null,
    };
    const event = await auditor.createEvent({
      eventId: 'compliance-export',
      severityLevel: 'medium',
      request: req,
      meta,
    });
    let rows = 0;
    try {
      const credentials = await credentialsOf(req);
      await require(credentials, complianceExportPermission);
      const resolved = exports.resolve(query, new Date());
      const readable = await scope.readableRefs(credentials);
      res.status(200);
      res.setHeader(
        'Content-Type',
        query.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/json; charset=utf-8',
      );
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${exports.fileName(resolved)}"`,
      );
      res.setHeader('X-Compliance-As-Of', resolved.asOf.toISOString());
      // Streamed: a page of entities at a time, waiting for the socket to
      // drain, so a slow client never makes the export pile up in memory.
      rows = await exports.write(resolved, readable, {
        write: chunk =>
          new Promise<void>((resolve, reject) => {
            if (res.destroyed) {
              reject(new Error('The client went away'));
              return;
            }
            if (res.write(chunk)) resolve();
            else {
              res.once('drain', () => resolve());
              res.once('close', () => resolve());
            }
          }),
      });
      res.end();
      await event.success({ meta: { ...meta, rows } });
    } catch (error) {
      await event.fail({ meta: { ...meta, rows }, error: error as Error });
      if (res.headersSent) {
        // The status is sent: cut the stream so the file is visibly broken.
        res.destroy(error as Error);
        return;
      }
      throw error;
    }
  });

  return router;
}
