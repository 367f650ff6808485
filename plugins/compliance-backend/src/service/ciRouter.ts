import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CI_PUSH_MAX_BODY_BYTES,
  complianceCiRunsPushPermission,
  ciPushRequestSchema,
} from 'backstage-plugin-compliance-common';
import express from 'express';
import Router from 'express-promise-router';
import type { CiPushService } from './CiPushService';
import { parseOrThrow } from './router';

/** Dependencies of the CI push route. */
export interface CiRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  pushes: Pick<CiPushService, 'push'>;
}

/**
 * `POST /ci/runs`: CI runs and check results pushed by any CI system with a
 * Backstage external access token (a service principal) that the
 * `compliance.ci.push` permission allows. User tokens are refused; bodies
 * over {@link CI_PUSH_MAX_BODY_BYTES} get 413. HTTP only.
 */
export async function createCiRouter(
  options: CiRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, pushes } = options;
  const router = Router();
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
