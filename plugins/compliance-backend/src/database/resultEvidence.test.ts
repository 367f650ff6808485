import type { ControlResult } from 'backstage-plugin-compliance-common';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import {
  createTestDatabases,
  describeOnEachDatabase,
} from '../__testUtils__/databases';
import { toEvaluationFact, toEvidence } from '../lib/evidenceRefs';
import { evidenceHashOf } from '../lib/waivers';
import type { ComplianceStores } from './ComplianceStore';
import { snapshot } from './__testUtils__/fixtures';
import { resolveResultEvidence } from './resultEvidence';

const ref = 'component:default/a';

/** A result evaluated on the entity's current facts, as the runner makes it. */
async function evaluated(stores: ComplianceStores, controlId: string) {
  const facts = (await stores.facts.getFacts([ref])).get(ref)!;
  const result: ControlResult = {
    entityRef: ref,
    controlId,
    status: facts[0].value === 2 ? 'pass' : 'fail',
    reason: 'approvals',
    evidence: facts.map(f => toEvidence(toEvaluationFact(f))),
    controlVersion: 'v1',
    evaluatedAt: '2026-11-20T10:00:00.000Z',
    statusSince: '2026-11-20T10:00:00.000Z',
  };
  await stores.evaluations.saveEvaluations(
    [
      {
        entityRef: ref,
        upsertResults: [result],
        deleteResults: [],
        changes: [],
      },
    ],
    [ref],
    undefined,
    new Date('2026-11-20T10:00:00Z'),
  );
  return result;
}

const approvals = (
  value: number | undefined,
  at: string,
  message?: string,
) => ({
  entityRef: ref,
  factId: 'github.approvals',
  ...(value === undefined ? { unknownReason: 'error' as const } : { value }),
  ...(message ? { message } : {}),
  evidence: {
    source: 'GET /repos/{owner}/{repo}',
    url: `https://github.com/org/a/settings/${value ?? 'x'}`,
    sha256: 'f'.repeat(64),
  },
  observedAt: new Date(at),
});

describeOnEachDatabase('results reference their evidence', setup => {
  it('shows the evidence a result was evaluated on after the fact changed, until re-evaluated', async () => {
    const { stores, knex } = await setup();
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    await stores.facts.writeFacts('gh', [approvals(1, '2026-11-20T09:00:00Z')]);
    const first = await evaluated(stores, 'CTL');

    // Stored as a reference, not a copy of the value and its evidence.
    const [row] = await knex('compliance_results').select('evidence');
    expect(JSON.parse(row.evidence)).toEqual([
      ['github.approvals', expect.stringMatching(/^[0-9a-f]{16}$/)],
    ]);
    const read = async () =>
      (await stores.evaluations.getResults([ref])).get(ref)![0];
    expect((await read()).evidence).toEqual(first.evidence);

    // The fact changes (would pass now); the result is not re-evaluated yet:
    // its evidence is still the failing value, never the new one.
    await stores.facts.writeFacts('gh', [approvals(2, '2026-11-21T09:00:00Z')]);
    let shown = await read();
    expect(shown.status).toBe('fail');
    expect(shown.evidence).toEqual(first.evidence);
    expect(evidenceHashOf(shown.evidence)).toBe(evidenceHashOf(first.evidence));
    // The same through the campaign's per-control list.
    const campaign = await stores.campaigns.getControlEntities('CTL', {}, 10);
    expect(campaign.items[0].evidence).toEqual(first.evidence);

    // A transient failure with a message (keeps the last good value), then
    // a message-only change: still the evidence evaluated on.
    await stores.facts.writeFacts('gh', [
      approvals(undefined, '2026-11-22T09:00:00Z', 'HTTP 502'),
    ]);
    await stores.facts.writeFacts('gh', [
      approvals(undefined, '2026-11-22T10:00:00Z', 'HTTP 503'),
    ]);
    shown = await read();
    expect(shown.evidence).toEqual(first.evidence);

    // Re-evaluated on the stale state: that state, with its message and the
    // age of the kept value, is what is shown from then on.
    const second = await evaluated(stores, 'CTL');
    expect(second.evidence[0]).toMatchObject({
      value: 2,
      unknownReason: 'error',
      message: 'HTTP 503',
      observedAt: '2026-11-21T09:00:00.000Z',
    });
    await stores.facts.writeFacts('gh', [approvals(3, '2026-11-23T09:00:00Z')]);
    expect((await read()).evidence).toEqual(second.evidence);
  });

  it('shows a reference whose fact state is no longer stored as such, not as another state', async () => {
    const { stores, knex } = await setup();
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    await stores.facts.writeFacts('gh', [approvals(1, '2026-11-20T09:00:00Z')]);
    await evaluated(stores, 'CTL');
    await stores.facts.writeFacts('gh', [approvals(2, '2026-11-21T09:00:00Z')]);
    await knex('compliance_fact_history').delete();
    const [shown] = (await stores.evaluations.getResults([ref])).get(ref)!;
    expect(shown.evidence).toEqual([
      {
        factId: 'github.approvals',
        value: null,
        message: expect.stringContaining('no longer stored'),
      },
    ]);
  });
});

const migrationsDir = resolvePackagePath(
  'backstage-plugin-compliance-backend',
  'migrations',
);
const MIGRATION = '20261224000000_result_evidence_refs.js';
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the evidence references migration on %s',
  databaseId => {
    it('turns copies of stored fact states into references and back', async () => {
      const knex = await databases.init(databaseId);
      const files = fs
        .readdirSync(migrationsDir)
        .filter(f => f.endsWith('.js'))
        .sort();
      for (const file of files.filter(f => f < MIGRATION)) {
        await knex.migrate.up({ directory: migrationsDir, name: file });
      }
      const at = new Date('2026-11-20T09:00:00Z');
      const fact = {
        entity_ref: ref,
        fact_id: 'p',
        collector_id: 'gh',
        value: '2',
        unknown_reason: 'error',
        message: 'HTTP 502',
        evidence: JSON.stringify({ url: 'https://x/p' }),
        observed_at: new Date('2026-11-21T09:00:00Z'),
      };
      await knex('compliance_facts').insert({
        ...fact,
        value_hash: 'h',
        last_good_value: '2',
        last_good_observed_at: at,
        changed_at: at,
      });
      // The history as the old code wrote it: no message, no kept age.
      await knex('compliance_fact_history').insert({
        entity_ref: ref,
        fact_id: 'p',
        value: '2',
        observed_at: at,
      });
      const copy = {
        factId: 'p',
        value: 2,
        unknownReason: 'error',
        message: 'HTTP 502',
        observedAt: at.toISOString(),
        evidence: { url: 'https://x/p' },
      };
      // Evidence of a state no longer stored stays a copy.
      const gone = { factId: 'q', value: 1, observedAt: at.toISOString() };
      await knex('compliance_results').insert({
        entity_ref: ref,
        control_id: 'C',
        status: 'pass',
        reason: 'ok',
        evidence: JSON.stringify([copy, gone]),
        control_version: 'v1',
        result_hash: 'h',
        evaluated_at: at,
        status_since: at,
      });

      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });
      const stored = async () =>
        JSON.parse(
          (await knex('compliance_results').first('evidence')).evidence,
        );
      expect(await stored()).toEqual([
        ['p', expect.stringMatching(/^[0-9a-f]{16}$/)],
        gone,
      ]);
      // The current state was recorded in the history with its message.
      expect(
        await knex('compliance_fact_history')
          .where('fact_id', 'p')
          .orderBy('id')
          .select('message'),
      ).toEqual([{ message: null }, { message: 'HTTP 502' }]);

      // A change of the fact after the migration: the reference resolves
      // from the history the migration completed.
      await knex('compliance_facts')
        .where('fact_id', 'p')
        .update({ value: '3', unknown_reason: null, message: null });
      const [resolved] = await resolveResultEvidence(knex, [
        { entity_ref: ref, evidence: JSON.stringify(await stored()) },
      ]);
      expect(resolved).toEqual([copy, gone]);

      await knex.migrate.down({ directory: migrationsDir });
      expect(await stored()).toEqual([copy, gone]);
      await knex.destroy();
    });
  },
);
