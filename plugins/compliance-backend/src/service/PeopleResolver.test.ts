import { mockServices } from '@backstage/backend-test-utils';
import {
  EvidenceFact,
  personRefSchema,
} from 'backstage-plugin-compliance-common';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { userLoginsOf } from '../lib/userLogins';
import { PeopleResolver } from './PeopleResolver';
import { UserLoginCollector } from './UserLoginCollector';

/** The offending pull requests as the GitHub module writes them. */
const offenders: EvidenceFact = {
  factId: 'github.changes.offendingPullRequests',
  value: [
    {
      number: 42,
      url: 'https://github.com/acme/payments/pull/42',
      mergedAt: '2025-06-12T15:00:00Z',
      author: 'Carol',
      reviewers: ['carol', 'outsider'],
      missing: ['independent approval'],
    },
  ],
};

const users = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: 'carol',
      namespace: 'default',
      annotations: { 'github.com/user-login': 'carol' },
    },
    spec: { profile: { displayName: 'Carol Example' }, memberOf: [] },
  },
];

describeOnEachDatabase('people named in evidence', setup => {
  it('links logins of catalog users and leaves the others plain', async () => {
    const { stores } = await setup();
    const catalog = {
      queryEntities: jest.fn(async () => ({
        items: users,
        totalItems: 1,
        pageInfo: {},
      })),
    };
    const collector = new UserLoginCollector({
      catalog: catalog as any,
      auth: mockServices.auth(),
      logins: stores.userLogins,
      logger: mockServices.logger.mock(),
    });
    expect(await collector.collect()).toBe(1);
    const resolver = new PeopleResolver({
      logins: stores.userLogins,
      logger: mockServices.logger.mock(),
    });
    const [result] = await resolver.attach([
      { evidence: [offenders, { factId: 'x', value: 3 }] },
    ]);
    expect(result.evidence[0].people).toEqual([
      {
        login: 'carol',
        userRef: 'user:default/carol',
        displayName: 'Carol Example',
      },
      { login: 'outsider' },
    ]);
    expect(result.evidence[1].people).toBeUndefined();
    // The seam: what the backend writes is what the frontend's schema reads.
    for (const person of result.evidence[0].people!) {
      expect(personRefSchema.parse(person)).toEqual(person);
    }
  });

  it('keeps the stored logins when the catalog answers with no users', async () => {
    const { stores } = await setup();
    await stores.userLogins.replaceUserLogins(
      userLoginsOf(users as any).logins,
    );
    const collector = new UserLoginCollector({
      catalog: {
        queryEntities: async () => ({ items: [], totalItems: 0, pageInfo: {} }),
      } as any,
      auth: mockServices.auth(),
      logins: stores.userLogins,
      logger: mockServices.logger.mock(),
    });
    expect(await collector.collect()).toBe(0);
    expect(await stores.userLogins.getUserLogins(['carol'])).toHaveLength(1);
  });

  it('names people as plain logins when the index cannot be read', async () => {
    const resolver = new PeopleResolver({
      logins: {
        replaceUserLogins: jest.fn(),
        getUserLogins: jest.fn().mockRejectedValue(new Error('db down')),
      },
      logger: mockServices.logger.mock(),
    });
    const [result] = await resolver.attach([{ evidence: [offenders] }]);
    expect(result.evidence[0].people).toEqual([
      { login: 'carol' },
      { login: 'outsider' },
    ]);
  });
});
