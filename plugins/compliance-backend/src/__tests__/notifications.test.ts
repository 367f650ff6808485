import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/databases';
import { compliancePlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const sent: NotificationSendOptions[] = [];
const notificationsFactory = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    async send(options: NotificationSendOptions) {
      sent.push(options);
    },
  }),
});

describe.each(databases.eachSupportedId())(
  'notifications through the plugin on %s',
  databaseId => {
    beforeEach(() => {
      sent.length = 0;
    });

    it('tells the configured approvers of a waiver request made through the API', async () => {
      const knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler() as SchedulerService & {
        factory(o?: any): any;
      };
      const { server } = await startTestBackend({
        features: [
          compliancePlugin,
          notificationsFactory,
          catalogServiceMock.factory({
            entities: [
              component(
                'svc',
                { lifecycle: 'sandbox', owner: 'group:team' },
                { description: 'A service with an unusual lifecycle value' },
              ),
            ],
          }),
          scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              compliance: {
                notifications: {
                  waiverApprovers: ['group:default/security'],
                },
              },
            },
          }),
        ],
      });
      await scheduler.triggerTask('compliance:collect:catalog');
      await scheduler.triggerTask('compliance:evaluate');
      // The periodic run is scheduled; its first run only sets the watermark.
      await scheduler.triggerTask('compliance:notify');
      expect(sent).toEqual([]);

      const res = await request(server)
        .post('/api/compliance/entities/component/default/svc/waivers')
        .set('Authorization', mockCredentials.user.header('user:default/dev'))
        .send({
          controlId: 'CAT-02',
          reason: 'Lifecycles are renamed next quarter',
          expiresAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
        });
      expect(res.status).toBe(201);
      expect(sent).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: ['group:default/security'],
          },
          payload: expect.objectContaining({
            title: expect.stringMatching(
              /^Waiver requested for CAT-02 .* on component:default\/svc$/,
            ),
            link: '/catalog/default/component/svc/compliance',
            topic: 'compliance',
          }),
        },
      ]);
      expect(sent[0].payload.description).toContain(
        'user:default/dev asks to waive CAT-02 until',
      );
    });
  },
);
