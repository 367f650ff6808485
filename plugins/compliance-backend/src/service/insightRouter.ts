import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  complianceInsightRegeneratePermission,
  complianceReportReadPermission,
  entityRefParamsSchema,
} from 'backstage-plugin-compliance-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { InsightService } from '../insights/InsightService';
import { authorizeRequest, parseOrThrow } from './router';

/** Dependencies of the insight routes. */
export interface InsightRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  insights: Pick<InsightService, 'getInsight' | 'regenerate'>;
}

/**
 * The AI insight routes (mounted when insights are enabled). HTTP only:
 *
 * - `GET /entities/:kind/:namespace/:name/insight`: the entity's insight
 *   and the state of its generation (`compliance.report.read`);
 * - `POST /entities/:kind/:namespace/:name/insight/regenerate`: queues a
 *   model insight even if the inputs did not change
 *   (`compliance.insight.regenerate` on the entity); 202 with the insight
 *   and its job, 409 within the cooldown or without providers.
 */
export async function createInsightRouter(
  options: InsightRouterOptions,
): Promise<express.Router> {
  const { insights } = options;
  const router = Router();
  const entityOf = (req: Request) =>
    parseOrThrow(entityRefParamsSchema, req.params, 'entity reference');

  router.get('/entities/:kind/:namespace/:name/insight', async (req, res) => {
    const credentials = await authorizeRequest(
      options,
      req,
      complianceReportReadPermission,
    );
    res.json(await insights.getInsight(entityOf(req), credentials));
  });

  router.post(
    '/entities/:kind/:namespace/:name/insight/regenerate',
    async (req, res) => {
      const name = entityOf(req);
      const credentials = await authorizeRequest(
        options,
        req,
        complianceInsightRegeneratePermission,
        stringifyEntityRef(name).toLocaleLowerCase('en-US'),
      );
      res.status(202).json(await insights.regenerate(name, credentials));
    },
  );

  return router;
}
