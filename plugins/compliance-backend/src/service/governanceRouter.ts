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

/** Dependencies of the governance routes. */
export interface GovernanceRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  waivers: WaiverService;
  scope: CatalogScope;
}

/**
 * Governance routes under `/api/compliance`: the waiver workflow. HTTP
 * only: parse, authorize, audit, call the services, respond.
 */
export async function createGovernanceRouter(
  options: GovernanceRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, waivers, scope } = options;
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
    const query = parseOrThrow(waiverListQuerySchema, req.query, 'waiver query');
    const readable = await scope.readableRefs(credentials);
    res.json({ items: await waivers.listAll(query, readable) });
  });

  for (const step of ['approve', 'reject', 'revoke'] as const) {
    router.post(`/waivers/:id/${step}`, async (req, res) => {
      const { id } = parseOrThrow(waiverIdParamsSchema, req.params, 'waiver id');
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

  return router;
}
