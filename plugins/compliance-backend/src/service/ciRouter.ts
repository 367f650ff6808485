import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CI_PUSH_MAX_BODY_BYTES,
  complianceCiRunsPushPermission,
  complianceReportReadPermission,
  ciPushRequestSchema,
  orgCiQuerySchema,
} from 'backstage-plugin-compliance-common';
import express from 'express';
import Router from 'express-promise-router';
import type { CiPushService } from './CiPushService';
import type { OrgCiService } from './OrgCiService';
import { authorizeRequest, parseOrThrow } from './router';

/** Dependencies of the CI push route. */
export interface CiRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  pushes: Pick<CiPushService, 'push'>;
  /** The org CI view (`GET /overview/ci`). */
  orgCi?: Pick<OrgCiService, 'get'>;
}

/**
 * `POST /ci/runs`: CI runs and check results pushed by any CI system with a
 * Backstage external access token (a service principal) that the
 * `compliance.ci.push` permission allows. User tokens are refused; bodies
 * over {@link CI_PUSH_MAX_BODY_BYTES} get 413. `GET /overview/ci`: the
 * flakiest and slowest checks across the overview's filters. HTTP only.
 */
export async function createCiRouter(
  options: CiRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, pushes, orgCi } = options;
  const router = Router();
  if (orgCi) {
    router.get('/overview/ci', async (req, res) => {
      const credentials = await authorizeRequest(
        { httpAuth, permissions },
        req,
        complianceReportReadPermission,
      );
      const query = parseOrThrow(orgCiQuerySchema, req.query, 'org CI query');
      res.json(await orgCi.get(query, credentials));
    });
  }
  router.post(
    '/ci/runs',
    express.json({ limit: CI_PUSH_MAX_BODY_BYTES }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: complianceCiRunsPushPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `This token may not push CI runs (permission ${complianceCiRunsPushPermission.name})`,
        );
      }
      const body = parseOrThrow(ciPushRequestSchema, req.body, 'CI push');
      res.status(200).json(await pushes.push(body));
    },
  );
  return router;
}
