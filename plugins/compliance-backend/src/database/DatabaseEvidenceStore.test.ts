import { describeOnEachDatabase } from '../__testUtils__/databases';
import { countRows, snapshot } from './__testUtils__/fixtures';

const ref = 'component:default/a';
const at = (iso: string) => new Date(iso);

describeOnEachDatabase('Evidence history', setup => {
  it('appends a row only when the payload changes (key order aside), and answers as of a date', async () => {
    const { stores, knex } = await setup();
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    const write = (value: unknown, observedAt: string) =>
      stores.facts.writeFacts('github', [
        {
          entityRef: ref,
          factId: 'github.protection',
          value: value as any,
          evidence: {
            source: 'GET /repos/{owner}/{repo}/branches/{branch}/protection',
            url: 'https://github.com/org/a/settings/branches',
          },
          observedAt: at(observedAt),
        },
      ]);
    await write({ reviews: 1, enforceAdmins: true }, '2026-11-01T00:00:00Z');
    // The same payload in another key order: no new history row.
    await write({ enforceAdmins: true, reviews: 1 }, '2026-11-05T00:00:00Z');
    expect(await countRows(knex, 'compliance_fact_history')).toBe(1);
    const [stored] = (await stores.facts.getFacts([ref])).get(ref)!;
    expect(stored).toMatchObject({
      changedAt: '2026-11-01T00:00:00.000Z',
      lastObservedAt: '2026-11-05T00:00:00.000Z',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      evidence: { url: 'https://github.com/org/a/settings/branches' },
    });
    // An older observation never moves the last observation back.
    await write({ reviews: 1, enforceAdmins: true }, '2026-11-03T00:00:00Z');
    expect(
      (await stores.facts.getFacts([ref])).get(ref)![0].lastObservedAt,
    ).toBe('2026-11-05T00:00:00.000Z');

    await write({ reviews: 2, enforceAdmins: true }, '2026-11-10T00:00:00Z');
    expect(await countRows(knex, 'compliance_fact_history')).toBe(2);
    const [changed] = (await stores.facts.getFacts([ref])).get(ref)!;
    expect(changed.sha256).not.toBe(stored.sha256);

    const asOf = async (iso: string) =>
      (await stores.evidence.getFactsAsOf([ref], at(iso))).get(ref);
    expect(await asOf('2026-10-01T00:00:00Z')).toBeUndefined();
    expect(await asOf('2026-11-07T00:00:00Z')).toEqual([
      {
        factId: 'github.protection',
        collectorId: 'github',
        value: { enforceAdmins: true, reviews: 1 },
        sha256: stored.sha256,
        changedAt: '2026-11-01T00:00:00.000Z',
        source: 'GET /repos/{owner}/{repo}/branches/{branch}/protection',
        url: 'https://github.com/org/a/settings/branches',
      },
    ]);
    expect((await asOf('2026-11-10T00:00:00Z'))![0]).toMatchObject({
      value: { enforceAdmins: true, reviews: 2 },
      sha256: changed.sha256,
    });

    // Retention keeps the row that was in force at the cut-off.
    expect(
      await stores.facts.deleteHistoryBefore(at('2026-11-08T00:00:00Z')),
    ).toBe(0);
    expect((await asOf('2026-11-09T00:00:00Z'))![0].value).toMatchObject({
      reviews: 1,
    });
    expect(
      await stores.facts.deleteHistoryBefore(at('2026-11-12T00:00:00Z')),
    ).toBe(1);
    expect(await countRows(knex, 'compliance_fact_history')).toBe(1);
  });

  it('pages entities by ref for the export', async () => {
    const { stores } = await setup();
    await stores.entities.upsertEntities(
      ['c', 'a', 'b'].map(n => snapshot(n)),
      new Date(),
    );
    const first = await stores.evidence.pageEntities(2);
    expect(first.map(e => e.entityRef)).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
    const next = await stores.evidence.pageEntities(2, first[1].entityRef);
    expect(next.map(e => e.entityRef)).toEqual(['component:default/c']);
  });
});
