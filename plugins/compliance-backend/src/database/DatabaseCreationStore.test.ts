import { describeOnEachDatabase } from '../__testUtils__/databases';

describeOnEachDatabase('DatabaseCreationStore', setup => {
  it('records a creation once per run and lists it', async () => {
    const { stores } = await setup();
    const record = {
      entityRef: 'component:default/born-gold',
      level: 'gold',
      templateRef: 'template:default/example-nodejs-template',
      taskId: 'a1b2c3',
      runUrl: 'https://backstage.example.com/create/tasks/a1b2c3',
      recordedBy: 'user:default/guest',
      createdAt: '2026-12-14T10:00:00.000Z',
    };
    await stores.creations.record(record);
    // A retried step of the same run keeps the first record.
    await stores.creations.record({ ...record, level: 'silver' });
    await stores.creations.record({
      ...record,
      taskId: 'd4e5f6',
      level: null,
      runUrl: undefined,
      createdAt: '2026-12-15T10:00:00.000Z',
    });

    const list = await stores.creations.list('component:default/born-gold');
    expect(list).toEqual([
      record,
      {
        entityRef: 'component:default/born-gold',
        level: null,
        templateRef: 'template:default/example-nodejs-template',
        taskId: 'd4e5f6',
        recordedBy: 'user:default/guest',
        createdAt: '2026-12-15T10:00:00.000Z',
      },
    ]);
    expect(await stores.creations.list('component:default/other')).toEqual([]);
  });
});
