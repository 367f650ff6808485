import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The seam test installs the real backend plugin next to this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import compliancePlugin from 'backstage-plugin-compliance-backend';
import type { ControlsResponse } from 'backstage-plugin-compliance-common';
import request from 'supertest';
import githubModule from '../index';
import { readGithubBaselineConfig } from './config';
import { deriveGithubBaseline } from './deriveBaseline';
import { predictGithubFacts } from './predictFacts';
import { ConfigReader } from '@backstage/config';

// The baseline's predictions (this module's output) fed to the real
// compliance backend's POST /evaluate (the backend's input): a proposed
// component is born at the level the baseline covers.

jest.setTimeout(60_000);

const config = {
  integrations: { github: [{ host: 'github.com' }] },
  compliance: {
    levels: [
      {
        id: 'bronze',
        title: 'Bronze',
        requiredControls: ['CAT-01', 'GH-BP-01', 'GH-BP-02', 'GH-BP-03'],
      },
      {
        id: 'silver',
        title: 'Silver',
        requiredControls: ['GH-BP-04', 'GH-SCM-05', 'GH-SEC-02', 'GH-SEC-09'],
      },
      {
        id: 'gold',
        title: 'Gold',
        requiredControls: ['GH-BP-05', 'GH-BP-06', 'GH-SEC-03', 'GH-SEC-05'],
      },
      { id: 'platinum', title: 'Platinum', requiredControls: ['GH-CI-01'] },
    ],
    github: { baseline: { requiredStatusChecks: ['build'] } },
  },
};

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'born-gold', description: 'A new service' },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' },
};

describe('predicted GitHub facts in POST /evaluate', () => {
  it('evaluates a proposed entity plus its baseline: born at gold, marked as predicted, CI unknown until collection', async () => {
    const { server } = await startTestBackend({
      features: [
        compliancePlugin,
        githubModule,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'team-a', namespace: 'default' },
              spec: { type: 'team', children: [] },
            },
          ],
        }),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    const auth = mockCredentials.user.header();
    const controls: ControlsResponse = (
      await request(server)
        .get('/api/compliance/controls')
        .set('Authorization', auth)
    ).body;

    const evaluate = async (level: string) => {
      const repository = { isNew: true, visibility: 'private' as const };
      const baseline = deriveGithubBaseline({
        controls: controls.controls,
        levels: controls.levels,
        level,
        config: readGithubBaselineConfig(new ConfigReader(config)),
        repository,
      });
      const predictedFacts = [...predictGithubFacts(baseline, repository)].map(
        ([factId, value]) => ({ factId, value }),
      );
      const res = await request(server)
        .post('/api/compliance/evaluate')
        .set('Authorization', auth)
        .send({ entity, predictedFacts });
      expect(res.status).toBe(200);
      return { baseline, body: res.body };
    };

    const without = await request(server)
      .post('/api/compliance/evaluate')
      .set('Authorization', auth)
      .send({ entity });
    expect(without.body.level).toBeNull();

    const gold = await evaluate('gold');
    expect(gold.body.level).toEqual({ id: 'gold', title: 'Gold' });
    expect(gold.body.nextLevel).toMatchObject({
      id: 'platinum',
      missingControls: ['GH-CI-01'],
    });
    const byId = new Map<string, any>(
      gold.body.results.map((r: any) => [r.controlId, r]),
    );
    expect(byId.get('GH-BP-05').status).toBe('pass');
    expect(byId.get('GH-BP-05').evidence[0].evidence.source).toMatch(
      /^predicted/,
    );
    expect(byId.get('GH-CI-01').status).toBe('unknown');
    expect(gold.body.predictedFacts).toContain(
      'github.defaultBranch.requiredApprovals',
    );
    // What the baseline claims matches what the engine decides.
    for (const c of gold.baseline.controls) {
      expect([c.controlId, c.covered]).toEqual([
        c.controlId,
        ['pass', 'not_applicable'].includes(byId.get(c.controlId).status),
      ]);
    }

    const silver = await evaluate('silver');
    expect(silver.body.level).toEqual({ id: 'silver', title: 'Silver' });

    const bad = await request(server)
      .post('/api/compliance/evaluate')
      .set('Authorization', auth)
      .send({
        entity,
        predictedFacts: [{ factId: 'entity.owner', value: 'group:default/x' }],
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('factId');
  });
});
