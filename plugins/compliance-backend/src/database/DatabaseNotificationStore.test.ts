import { describeOnEachDatabase } from '../__testUtils__/databases';
import { snapshot } from './__testUtils__/fixtures';

describeOnEachDatabase('DatabaseNotificationStore', setup => {
  const key = {
    kind: 'regression' as const,
    subject: 'component:default/a',
    window: '2026-12-20',
  };

  it('grants a key to exactly one of many concurrent claims, and again after release', async () => {
    const { stores } = await setup();
    const now = new Date('2026-12-20T10:00:00Z');
    const claims = await Promise.all(
      Array.from({ length: 8 }, () =>
        stores.notifications.claim(key, ['group:default/a'], now),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(
      await stores.notifications.claim(
        { ...key, window: '2026-12-21' },
        ['group:default/a'],
        now,
      ),
    ).toBe(true);
    await stores.notifications.release(key);
    expect(await stores.notifications.claim(key, [], now)).toBe(true);
    expect(
      await stores.notifications.deleteClaimsBefore(
        new Date('2026-12-20T10:00:01Z'),
      ),
    ).toBe(2);
  });

  it('lists level changes of evaluated entities against the recorded levels', async () => {
    const { stores, knex } = await setup();
    const now = new Date('2026-12-20T10:00:00Z');
    await stores.entities.upsertEntities(
      [snapshot('a'), snapshot('b'), snapshot('c')],
      now,
    );
    await knex('compliance_entities')
      .whereIn('entity_ref', ['component:default/a', 'component:default/b'])
      .update({ evaluated_at: now, level: 'gold' });
    const first = await stores.notifications.levelChanges(10);
    expect(first).toEqual([
      { entityRef: 'component:default/a', level: 'gold' },
      { entityRef: 'component:default/b', level: 'gold' },
    ]);
    await stores.notifications.recordLevels(first, now);
    expect(await stores.notifications.levelChanges(10)).toEqual([]);

    await knex('compliance_entities')
      .where('entity_ref', 'component:default/b')
      .update({ level: null });
    expect(await stores.notifications.levelChanges(10)).toEqual([
      {
        entityRef: 'component:default/b',
        level: null,
        previous: { level: 'gold' },
      },
    ]);
    expect(
      await stores.notifications.levelChanges(10, 'component:default/b'),
    ).toEqual([]);
  });

  it('reads the ledger after an id and the approved waivers expiring in a window', async () => {
    const { stores, knex } = await setup();
    expect(await stores.notifications.maxLedgerId()).toBe(0);
    await knex('compliance_status_changes').insert(
      ['pass', 'fail'].map((to, i) => ({
        entity_ref: 'component:default/a',
        control_id: 'BP-01',
        from_status: i ? 'pass' : null,
        to_status: to,
        cause: 'data',
        reason: to,
        control_version: 'v1',
        changed_at: new Date(`2026-12-2${i}T10:00:00Z`),
      })),
    );
    const max = await stores.notifications.maxLedgerId();
    const after = await stores.notifications.ledgerAfter(max - 1, 10);
    expect(after).toEqual([
      {
        id: max,
        entityRef: 'component:default/a',
        controlId: 'BP-01',
        from: 'pass',
        to: 'fail',
        changedAt: '2026-12-21T10:00:00.000Z',
      },
    ]);

    const request = (expiresAt: string) =>
      stores.waiverRecords.createRequest({
        entityRef: 'component:default/a',
        controlId: 'BP-01',
        reason: 'r',
        expiresAt: new Date(expiresAt),
        requestedBy: 'user:default/o',
        now: new Date('2026-12-01T00:00:00Z'),
      });
    const soon = await request('2026-12-22T00:00:00Z');
    await request('2026-12-23T00:00:00Z'); // requested, not approved
    const late = await request('2027-02-01T00:00:00Z');
    for (const w of [soon, late]) {
      await stores.waiverRecords.transition({
        id: w.id,
        from: ['requested'],
        to: 'approved',
        action: 'approved',
        actor: 'user:default/admin',
        now: new Date('2026-12-01T01:00:00Z'),
      });
    }
    const expiring = await stores.notifications.expiringWaivers(
      new Date('2026-12-20T00:00:00Z'),
      new Date('2026-12-27T00:00:00Z'),
      10,
    );
    expect(expiring.map(w => w.id)).toEqual([soon.id]);
    expect(expiring[0]).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/admin',
    });
  });
});
