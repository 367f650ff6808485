import { describeOnEachDatabase } from '../__testUtils__/databases';
import {
  countRows,
  evaluation,
  result,
  score,
  snapshot,
} from './__testUtils__/fixtures';

const overview = {
  sort: 'name' as const,
  order: 'asc' as const,
  page: 1,
  pageSize: 50,
};

describeOnEachDatabase('stores under hostile input and races', setup => {
  it('writes an entity with over-long catalog strings and the rest of its batch', async () => {
    const { stores } = await setup();
    const hostile = snapshot('hostile', {
      title: `${'é'.repeat(299)}😀`,
      lifecycle: 'l'.repeat(100),
      type: 't'.repeat(100),
      owner: `group:default/${'o'.repeat(400)}`,
      system: `system:default/${'s'.repeat(400)}`,
    });
    const refs = [snapshot('a'), hostile, snapshot('z')];
    const written = await stores.entities.upsertEntities(refs, new Date());
    expect(written.sort()).toEqual(refs.map(r => r.entityRef).sort());
    // The full snapshot is kept for evaluation.
    const stored = await stores.entities.getEntitySnapshots([
      hostile.entityRef,
    ]);
    expect(stored.get(hostile.entityRef)).toEqual(hostile);
    const page = await stores.overview.getOverview({
      ...overview,
      search: 'hostile',
    });
    expect(page.items[0].title).toHaveLength(255);
    expect(page.items[0].owner).toBeUndefined();
  });

  it('keeps collector state under keys longer than the key column', async () => {
    const { stores } = await setup();
    const long = `etag:GET /repos/{owner}/{repo}:${'x'.repeat(1000)}`;
    const other = `${long}y`;
    await stores.facts.setState(
      'github',
      [
        { key: long, value: 'W/"1"' },
        { key: other, value: 'W/"2"' },
      ],
      new Date(),
    );
    const got = await stores.facts.getState('github', [long, other, 'none']);
    expect([...got.entries()]).toEqual([
      [long, 'W/"1"'],
      [other, 'W/"2"'],
    ]);
    await stores.facts.deleteState('github', [long]);
    expect([
      ...(await stores.facts.getState('github', [long, other])).keys(),
    ]).toEqual([other]);
  });

  it('never lets an older observation overwrite a newer one', async () => {
    const { stores } = await setup();
    const ref = 'component:default/a';
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    await stores.facts.writeFacts('c', [
      {
        entityRef: ref,
        factId: 'f',
        value: 'new',
        observedAt: new Date('2026-11-20T10:00:00Z'),
      },
    ]);
    // A slow replica read the row before the newer write and writes late.
    await stores.facts.writeFacts('c', [
      {
        entityRef: ref,
        factId: 'f',
        value: 'old',
        observedAt: new Date('2026-11-20T09:00:00Z'),
      },
    ]);
    const facts = await stores.facts.getFacts([ref]);
    expect(facts.get(ref)?.[0].value).toBe('new');
  });

  it('treats % and _ in a search or prefix as text, not wildcards', async () => {
    const { stores } = await setup();
    await stores.entities.upsertEntities(
      [snapshot('svc_1'), snapshot('svcx1'), snapshot('svc-100')],
      new Date(),
    );
    const names = async (search: string) =>
      (await stores.overview.getOverview({ ...overview, search })).items.map(
        i => i.name,
      );
    expect(await names('svc_1')).toEqual(['svc_1']);
    expect(await names('%')).toEqual([]);
    const ref = 'component:default/svc_1';
    await stores.facts.writeFacts('c', [
      { entityRef: ref, factId: 'a_b', value: 1, observedAt: new Date() },
      { entityRef: ref, factId: 'axb', value: 2, observedAt: new Date() },
    ]);
    const facts = await stores.facts.getFacts([ref], 'a_');
    expect(facts.get(ref)?.map(f => f.factId)).toEqual(['a_b']);
  });

  it('saves one of two evaluations that raced from the same stored state, with one ledger entry', async () => {
    const { stores, knex } = await setup();
    const ref = 'component:default/a';
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    const versions = await stores.entities.getDirtyVersions([ref]);
    const write = (at: string) =>
      evaluation(ref, {
        upsertResults: [result(ref, 'A', 'fail')],
        changes: [
          {
            entityRef: ref,
            controlId: 'A',
            from: 'pass',
            to: 'fail',
            cause: 'data',
            reason: 'r',
            controlVersion: 'v1',
            changedAt: at,
          },
        ],
        score: score(ref, { inputsHash: `h-${at}`, previousInputsHash: null }),
      });
    const [first, second] = await Promise.all([
      stores.evaluations.saveEvaluations(
        [write('2026-11-20T10:00:00.000Z')],
        [ref],
        versions,
        new Date(),
      ),
      stores.evaluations.saveEvaluations(
        [write('2026-11-20T10:00:00.001Z')],
        [ref],
        versions,
        new Date(),
      ),
    ]);
    expect([...first.skipped, ...second.skipped]).toEqual([ref]);
    expect(await countRows(knex, 'compliance_status_changes')).toBe(1);
  });

  it('scopes the overview to 70,000 readable refs without overflowing bind limits', async () => {
    const { stores } = await setup();
    await stores.entities.upsertEntities(
      ['a', 'b', 'c'].map(n => snapshot(n)),
      new Date(),
    );
    const allowedRefs = Array.from(
      { length: 70_000 },
      (_, i) => `component:default/other-${i}`,
    );
    allowedRefs.splice(35_000, 0, 'component:default/b');
    allowedRefs.push('component:default/c');
    const page = await stores.overview.getOverview({
      ...overview,
      allowedRefs,
    });
    expect(page.items.map(i => i.name)).toEqual(['b', 'c']);
    expect(page.totalCount).toBe(2);
  });
});
