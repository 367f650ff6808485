import {
  entityInsightResponseSchema,
  SEVERITY_WEIGHTS,
  teamInsightResponseSchema,
} from 'backstage-plugin-compliance-common';
import type { EntityInsightResponse } from 'backstage-plugin-compliance-common';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import {
  FIXTURE_CONTROLS,
  INSIGHT_FIXTURES,
} from './__fixtures__/insightFixtures';
import { rulesInsight } from './fallback';
import { buildInsightInput } from './input';
import { buildTeamInsight } from './teamInsight';

/*
 * Consumer-driven contract of the insight endpoint: what the backend
 * answers for a neglected entity whose model job is retrying is committed
 * where the Compliance tab renders it in its own tests.
 * `UPDATE_CONTRACTS=1` rewrites the file instead of comparing.
 */
const CONTRACT = resolve(
  __dirname,
  '../../../compliance/src/__fixtures__/insight.response.json',
);

describe('insight endpoint contract', () => {
  it('is what the backend answers for a neglected entity with a failing job', () => {
    const input = buildInsightInput(
      INSIGHT_FIXTURES.find(f => f.name === 'neglected')!.sources,
    );
    const value: EntityInsightResponse = {
      entityRef: input.entityRef,
      status: 'fallback',
      insight: rulesInsight(input, new Date('2026-12-01T10:00:00Z')),
      job: {
        state: 'retrying',
        attempts: 2,
        maxAttempts: 5,
        nextAttemptAt: '2026-12-01T10:05:00.000Z',
        lastError: 'local: unavailable (HTTP 500): 500 The server had an error',
        createdAt: '2026-12-01T09:55:00.000Z',
        updatedAt: '2026-12-01T10:01:00.000Z',
      },
      providersConfigured: true,
    };
    expect(entityInsightResponseSchema.parse(value)).toEqual(value);
    if (process.env.UPDATE_CONTRACTS === '1') {
      writeFileSync(CONTRACT, `${JSON.stringify(value, null, 2)}\n`);
    }
    expect(existsSync(CONTRACT)).toBe(true);
    expect(value).toEqual(JSON.parse(readFileSync(CONTRACT, 'utf8')));
  });
});

const TEAM_CONTRACT = resolve(
  __dirname,
  '../../../compliance/src/__fixtures__/team-insight.response.json',
);

describe('team insight endpoint contract', () => {
  it('is what the backend answers for a team of the fixture entities', () => {
    const controls = new Map(
      FIXTURE_CONTROLS.map(c => [
        c.id,
        { ...c, weight: SEVERITY_WEIGHTS[c.severity] },
      ]),
    );
    const value = buildTeamInsight({
      owner: 'group:default/platform',
      groupCount: 3,
      truncated: false,
      entities: INSIGHT_FIXTURES.map((f, i) => ({
        entityRef: f.sources.entityRef,
        score: f.sources.score,
        coverage: f.sources.coverage,
        ...(f.sources.results.some(r => r.status === 'fail')
          ? {
              nextLevel: {
                id: 'bronze',
                missingControls: f.sources.results
                  .filter(r => r.status === 'fail')
                  .map(r => r.controlId)
                  .slice(0, 1 + (i % 2)),
              },
            }
          : {}),
        results: f.sources.results,
      })),
      controls: id => controls.get(id),
      now: new Date('2026-12-01T10:00:00Z'),
    });
    expect(teamInsightResponseSchema.parse(value)).toEqual(value);
    if (process.env.UPDATE_CONTRACTS === '1') {
      writeFileSync(TEAM_CONTRACT, `${JSON.stringify(value, null, 2)}\n`);
    }
    expect(existsSync(TEAM_CONTRACT)).toBe(true);
    expect(value).toEqual(JSON.parse(readFileSync(TEAM_CONTRACT, 'utf8')));
  });
});
