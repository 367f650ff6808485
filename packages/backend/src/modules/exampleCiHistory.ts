import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/*
 * Example data for the example app: pushes a realistic CI history for the
 * example components through the compliance backend's public push endpoint
 * (`POST /api/compliance/ci/runs`, the same path and store an adopter's CI
 * uses), so the CI section shows data on a fresh start without a GitHub
 * token. Run ids are derived from the day, so pushing again (every restart,
 * every hour) updates the same runs instead of adding new ones.
 *
 * Not for production: an adopter's CI pushes its own runs (see the compliance
 * backend README for GitHub Actions, GitLab CI and Jenkins steps).
 */

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 21;

/** The example components and the CI each one uses. */
const EXAMPLES: Array<{
  name: string;
  system: string;
  pipeline: string;
  checks: Array<{ name: string; failRate: number; seconds: number }>;
}> = [
  {
    name: 'payments-api',
    system: 'gitlab-ci',
    pipeline: 'pipeline',
    checks: [
      { name: 'unit-tests', failRate: 0.05, seconds: 240 },
      { name: 'integration-tests', failRate: 0.15, seconds: 780 },
      { name: 'lint', failRate: 0.02, seconds: 45 },
    ],
  },
  {
    name: 'ledger-service',
    system: 'jenkins',
    pipeline: 'ledger-service/main',
    checks: [
      { name: 'build', failRate: 0.03, seconds: 300 },
      { name: 'e2e', failRate: 0.2, seconds: 1500 },
    ],
  },
  {
    name: 'storefront-web',
    system: 'buildkite',
    pipeline: 'storefront-web',
    checks: [
      { name: 'test', failRate: 0.04, seconds: 420 },
      { name: 'visual-regression', failRate: 0.1, seconds: 900 },
    ],
  },
];

/** A deterministic pseudo-random sequence (mulberry32). */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number) {
  return Array.from({ length: 40 }, () =>
    Math.floor(random() * 16).toString(16),
  ).join('');
}

/** The runs of one example over the last days, the same on every push. */
export function exampleRuns(
  example: (typeof EXAMPLES)[number],
  now: Date,
): unknown[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  const runs: unknown[] = [];
  for (let d = HISTORY_DAYS - 1; d >= 0; d--) {
    const day = today - d;
    const random = seeded(day * 7919 + example.name.length * 104729);
    const perDay = 1 + Math.floor(random() * 3);
    for (let k = 0; k < perDay; k++) {
      const startedAt = new Date(day * DAY_MS + (9 + k * 3) * 3_600_000);
      if (startedAt > now) continue;
      const sha = hex(random);
      const checks = example.checks.map(c => ({
        name: c.name,
        status: random() < c.failRate ? 'failure' : 'success',
        durationSeconds: Math.round(c.seconds * (0.8 + random() * 0.5)),
      }));
      const failed = checks.filter(c => c.status === 'failure');
      const id = `${example.name}-${day}-${k}`;
      const url = `https://ci.example.com/${example.system}/${example.name}/${id}`;
      const push = (runId: string, runChecks: typeof checks, at: Date) => ({
        id: runId,
        name: example.pipeline,
        status: runChecks.some(c => c.status === 'failure')
          ? 'failure'
          : 'success',
        sha,
        branch: 'main',
        startedAt: at.toISOString(),
        durationSeconds: runChecks.reduce((s, c) => s + c.durationSeconds, 0),
        url: `https://ci.example.com/${example.system}/${example.name}/${runId}`,
        ...(runChecks.some(c => c.status === 'failure')
          ? {
              summary: `${runChecks
                .filter(c => c.status === 'failure')
                .map(c => c.name)
                .join(', ')} failed`,
            }
          : {}),
        checks: runChecks.map(c => ({
          ...c,
          url,
          ...(c.status === 'failure'
            ? {
                summary: `${c.name}: 1 test failed (timeout waiting for fixture)`,
              }
            : {}),
        })),
      });
      runs.push(push(id, checks, startedAt));
      // Half of the failures are retried on the same commit and pass: flaky.
      if (failed.length && random() < 0.5) {
        runs.push(
          push(
            `${id}-retry`,
            checks.map(c => ({ ...c, status: 'success' })),
            new Date(startedAt.getTime() + 1_800_000),
          ),
        );
      }
    }
  }
  return runs.filter(
    r => Date.parse((r as { startedAt: string }).startedAt) <= now.getTime(),
  );
}

/** Pushes the example CI history of the example components. */
export const exampleCiHistoryModule = createBackendModule({
  pluginId: 'compliance',
  moduleId: 'example-ci-history',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ auth, discovery, logger, scheduler }) {
        /** The day of the last complete push: once a day is enough. */
        let pushedDay: number | undefined;
        await scheduler.scheduleTask({
          id: 'compliance-example-ci-history',
          // Early and often until the catalog has the examples; idempotent.
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: async () => {
            const baseUrl = await discovery.getBaseUrl('compliance');
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'compliance',
            });
            const now = new Date();
            const today = Math.floor(now.getTime() / DAY_MS);
            if (pushedDay === today) return;
            let complete = true;
            for (const example of EXAMPLES) {
              const runs = exampleRuns(example, now);
              // At most 100 runs per push (the endpoint's bound).
              for (let i = 0; i < runs.length; i += 50) {
                const res = await fetch(`${baseUrl}/ci/runs`, {
                  method: 'POST',
                  headers: {
                    Authorization: `Bearer ${token}`,
                    'Content-Type': 'application/json',
                  },
                  body: JSON.stringify({
                    entityRef: `component:default/${example.name}`,
                    system: example.system,
                    runs: runs.slice(i, i + 50),
                  }),
                });
                if (!res.ok) {
                  // 404 until the catalog has read the examples: next run.
                  logger.info('Example CI history not pushed yet', {
                    entity: example.name,
                    status: res.status,
                  });
                  complete = false;
                  break;
                }
              }
            }
            if (complete) {
              pushedDay = today;
              logger.info('Pushed the example CI history', {
                entities: EXAMPLES.map(e => e.name).join(', '),
              });
            }
          },
        });
      },
    });
  },
});
