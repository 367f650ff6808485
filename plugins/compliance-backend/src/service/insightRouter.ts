import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  complianceInsightRegeneratePermission,
  complianceReportReadPermission,
  entityRefParamsSchema,
  teamInsightQuerySchema,
} from 'backstage-plugin-compliance-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { InsightService } from '../insights/InsightService';
import type { TeamInsightService } from '../insights/TeamInsightService';
import { authorizeRequest, parseOrThrow } from './router';

/** Dependencies of the insight routes. */
export interface InsightRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  insights: Pick<InsightService, 'getInsight' | 'regenerate'>;
  teams: Pick<TeamInsightService, 'getTeamInsight'>;
}

/**
 * The AI insight routes (mounted when insights are enabled). HTTP only:
 *
 * - `GET /entities/:kind/:namespace/:name/insight`: the entity's insight
 *   and the state of its generation (`compliance.report.read`);
 * - `POST /entities/:kind/:namespace/:name/insight/regenerate`: queues a
 *   model insight even if the inputs did not change
 *   (`compliance.insight.regenerate` on the entity); 202 with the insight
 *   and its job, 409 within the cooldown or without providers;
 * - `GET /overview/insight?owner=group:default/team`: the team insight of
 *   an owner group and the groups below it, over the entities the caller
 *   may read (`compliance.report.read`).
 */
export async function createInsightRouter(
  options: InsightRouterOptions,
): Promise<express.Router> {
  const { insights, teams } = options;
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

  router.get('/overview/insight', async (req, res) => {
    const credentials = await authorizeRequest(
      options,
      req,
      complianceReportReadPermission,
    );
    const { owner } = parseOrThrow(
      teamInsightQuerySchema,
      req.query,
      'team insight query',
    );
    res.json(await teams.getTeamInsight(owner, credentials));
  });

  return router;
}
