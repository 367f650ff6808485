import type { BackendFeature } from '@backstage/backend-plugin-api';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The engine tests install the real backend plugin next to this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import compliancePlugin from 'backstage-plugin-compliance-backend';
import { http, passthrough } from 'msw';

/*
 * The GitHub module installed in the real compliance backend, as the engine
 * tests start it: a team, its component backed by acme/payments, a manual
 * scheduler, and msw letting the requests to the test backend through.
 */

type MockScheduler = SchedulerService & {
  factory(options?: {
    skipTaskRunOnStartup?: boolean;
  }): ReturnType<typeof mockServices.scheduler.factory>;
};

/** The team `team-a` and its component `payments` on acme/payments. */
export const paymentsEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'github.com/project-slug': 'acme/payments' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  },
];

/** supertest talks to the test backend on a local port: msw lets it through. */
export const localBackend = http.all(
  /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//,
  () => passthrough(),
);

/**
 * Starts the compliance backend with the GitHub `module`, the catalog of
 * `entities` and a github.com integration (with `token` when given).
 * `collect()` runs the catalog and GitHub collectors, then the evaluation.
 */
export async function startWithGithub(options: {
  module: BackendFeature;
  entities: Entity[];
  token?: string;
}) {
  const scheduler = mockServices.scheduler() as MockScheduler;
  const { token } = options;
  const backend = await startTestBackend({
    features: [
      compliancePlugin,
      options.module,
      catalogServiceMock.factory({ entities: options.entities }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              token ? { host: 'github.com', token } : { host: 'github.com' },
            ],
          },
        },
      }),
    ],
  });
  const collect = async () => {
    await scheduler.triggerTask('compliance:collect:catalog');
    await scheduler.triggerTask('compliance:collect:github');
    await scheduler.triggerTask('compliance:evaluate');
  };
  return { backend, collect };
}
