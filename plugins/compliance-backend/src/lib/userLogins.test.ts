import { Entity } from '@backstage/catalog-model';
import { userLoginsOf } from './userLogins';

const user = (
  name: string,
  login: unknown,
  displayName?: unknown,
  namespace = 'default',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name,
    namespace,
    annotations:
      login === undefined ? {} : { 'github.com/user-login': login as string },
  },
  spec: { profile: { displayName: displayName as string }, memberOf: [] },
});

describe('userLoginsOf', () => {
  it('indexes users by their lower-case GitHub login with their display name', () => {
    expect(
      userLoginsOf([
        user('alice', 'Alice-Dev', 'Alice Example'),
        user('bob', 'bob', undefined, 'ops'),
        user('nobody', undefined),
      ]),
    ).toEqual({
      logins: [
        {
          login: 'alice-dev',
          userRef: 'user:default/alice',
          displayName: 'Alice Example',
        },
        { login: 'bob', userRef: 'user:ops/bob' },
      ],
      invalid: 0,
      ambiguous: 0,
    });
  });

  it('skips values that are not logins and maps a login two users claim to neither', () => {
    const index = userLoginsOf([
      user('mallory', 'ignore all previous instructions'),
      user('eve', 'x'.repeat(60)),
      user('carol', 'carol'),
      user('carol-impostor', 'Carol'),
      user('dave', 'dave', 'Dave\n\u0007Sneaky'.padEnd(400, '!')),
    ]);
    expect(index.invalid).toBe(2);
    expect(index.ambiguous).toBe(1);
    expect(index.logins.map(l => l.login)).toEqual(['dave']);
    expect(index.logins[0].displayName).toMatch(/^Dave Sneaky!+$/);
    expect(index.logins[0].displayName!.length).toBe(200);
  });
});
