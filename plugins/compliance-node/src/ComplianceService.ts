import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  ComplianceClient,
  ControlResultWithControl,
  ControlsResponse,
  CreationRecord,
  EntityComplianceSummary,
  EvaluationPreview,
  JsonValue,
} from 'backstage-plugin-compliance-common';
import type { Entity } from '@backstage/catalog-model';

/**
 * Compliance data for other backend plugins and modules, without HTTP.
 *
 * @public
 */
export interface ComplianceService {
  getSummary(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityComplianceSummary>;
  getResults(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ControlResultWithControl[]>;
  refresh(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityComplianceSummary>;
  /**
   * Records that a template run created the entity ("created at level X by
   * template Y"); the backend records the level of its own evaluation.
   */
  recordCreation(
    entityRef: string,
    record: { templateRef: string; taskId: string; runUrl?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<CreationRecord>;
  /**
   * The control catalogue: controls, levels (lowest first), evaluated kinds
   * and frameworks, as `GET /controls` answers it.
   */
  getControls(options: {
    credentials: BackstageCredentials;
  }): Promise<ControlsResponse>;
  /**
   * Evaluates a proposed entity (for example the catalog-info a template is
   * about to publish) without storing anything.
   */
  evaluateEntity(
    entity: Entity,
    options: {
      credentials: BackstageCredentials;
      /**
       * Facts predicted by what the caller will apply (for example a GitHub
       * baseline); evaluated as known and marked as predicted.
       */
      predictedFacts?: Array<{ factId: string; value: JsonValue }>;
    },
  ): Promise<EvaluationPreview>;
}

/**
 * Service ref `compliance.service`. Its default implementation calls the
 * compliance backend on behalf of the given credentials.
 *
 * @public
 */
export const complianceServiceRef = createServiceRef<ComplianceService>({
  id: 'compliance.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { auth: coreServices.auth, discovery: coreServices.discovery },
      factory({ auth, discovery }) {
        const client = new ComplianceClient({ discoveryApi: discovery });
        const tokenFor = async (credentials: BackstageCredentials) =>
          (
            await auth.getPluginRequestToken({
              onBehalfOf: credentials,
              targetPluginId: 'compliance',
            })
          ).token;
        return {
          async getSummary(entityRef, { credentials }) {
            return client.getSummary(entityRef, {
              token: await tokenFor(credentials),
            });
          },
          async getResults(entityRef, { credentials }) {
            const res = await client.getResults(entityRef, {
              token: await tokenFor(credentials),
            });
            return res.items;
          },
          async getControls({ credentials }) {
            return client.getControls({ token: await tokenFor(credentials) });
          },
          async evaluateEntity(entity, { credentials, predictedFacts }) {
            return client.evaluate(
              entity as unknown as Record<string, unknown>,
              {
                token: await tokenFor(credentials),
                ...(predictedFacts ? { predictedFacts } : {}),
              },
            );
          },
          async recordCreation(entityRef, record, { credentials }) {
            return client.recordCreation(entityRef, record, {
              token: await tokenFor(credentials),
            });
          },
          async refresh(entityRef, { credentials }) {
            return client.refresh(entityRef, {
              token: await tokenFor(credentials),
            });
          },
        };
      },
    }),
});
