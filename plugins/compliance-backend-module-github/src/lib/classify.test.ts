import {
  classifyGithubError,
  classifyGraphqlError,
  classifyRequestError,
  MalformedAnswerError,
} from './classify';
import errors from '../__fixtures__/errors.json';

describe('classifyGithubError', () => {
  it('treats 404 "Branch not protected" as an absent setting', () => {
    expect(
      classifyGithubError({
        status: 404,
        message: errors.branchNotProtected.message,
      }),
    ).toEqual({ kind: 'branch_not_protected' });
  });

  it('treats 404 Not Found on an admin endpoint as unknown, not absent', () => {
    const answer = classifyGithubError({
      status: 404,
      message: errors.notFound.message,
    });
    expect(answer).toMatchObject({
      kind: 'unknown',
      reason: 'insufficient_permission',
    });
  });

  it('reports the missing permission of a 403 from an app', () => {
    const answer = classifyGithubError({
      status: 403,
      message: errors.notAccessibleByIntegration.message,
      headers: { 'x-accepted-github-permissions': 'administration=read' },
    });
    expect(answer).toMatchObject({
      kind: 'unknown',
      reason: 'insufficient_permission',
      acceptedPermissions: 'administration=read',
    });
    expect(answer.kind === 'unknown' && answer.message).toContain(
      'administration=read',
    );
  });

  it('treats disabled features as feature_disabled', () => {
    expect(
      classifyGithubError({
        status: 404,
        message: errors.secretScanningDisabled.message,
      }).kind,
    ).toBe('feature_disabled');
    expect(
      classifyGithubError({
        status: 404,
        message: errors.noAnalysisFound.message,
      }).kind,
    ).toBe('feature_disabled');
    expect(
      classifyGithubError({
        status: 403,
        message: errors.advancedSecurityRequired.message,
      }).kind,
    ).toBe('feature_disabled');
  });

  it('recognises rate limits by header and by message', () => {
    expect(
      classifyGithubError({
        status: 403,
        message: errors.primaryRateLimit.message,
        headers: { 'x-ratelimit-remaining': '0' },
      }),
    ).toMatchObject({ kind: 'unknown', reason: 'rate_limited' });
    expect(
      classifyGithubError({
        status: 403,
        message: errors.secondaryRateLimit.message,
      }),
    ).toMatchObject({ kind: 'unknown', reason: 'rate_limited' });
    expect(
      classifyGithubError({
        status: 429,
        message: 'Too Many Requests',
        headers: { 'x-ratelimit-remaining': '0' },
      }),
    ).toMatchObject({ reason: 'rate_limited' });
  });

  it('maps 401, 409, 5xx and network failures', () => {
    expect(
      classifyGithubError({
        status: 401,
        message: errors.badCredentials.message,
      }),
    ).toMatchObject({ kind: 'unknown', reason: 'no_credentials' });
    expect(
      classifyGithubError({
        status: 409,
        message: errors.emptyRepository.message,
      }).kind,
    ).toBe('empty_repository');
    expect(
      classifyGithubError({ status: 502, message: 'Bad Gateway' }),
    ).toMatchObject({ kind: 'unknown', reason: 'error' });
    expect(classifyGithubError({ message: 'ECONNRESET' })).toMatchObject({
      kind: 'unknown',
      reason: 'error',
    });
    expect(classifyGithubError({ status: 304 })).toEqual({
      kind: 'not_modified',
    });
  });
});

describe('classifyGraphqlError', () => {
  it('maps FORBIDDEN field errors to insufficient_permission', () => {
    expect(classifyGraphqlError(errors.graphqlForbiddenField)).toMatchObject({
      kind: 'unknown',
      reason: 'insufficient_permission',
    });
  });
  it('maps NOT_FOUND and RATE_LIMITED', () => {
    expect(classifyGraphqlError(errors.graphqlNotFound)).toMatchObject({
      reason: 'insufficient_permission',
    });
    expect(
      classifyGraphqlError({
        type: 'RATE_LIMITED',
        message: 'API rate limit exceeded',
      }),
    ).toMatchObject({ reason: 'rate_limited' });
    expect(
      classifyGraphqlError({ message: 'Something went wrong' }),
    ).toMatchObject({ reason: 'error' });
  });
});

describe('rate limits and answers that prove nothing', () => {
  const limited = { kind: 'unknown', reason: 'rate_limited' };

  it('treats secondary limits, abuse detection and 429 as rate limits, not permissions', () => {
    expect(
      classifyGithubError({
        status: 403,
        message: errors.secondaryRateLimit.message,
      }),
    ).toMatchObject(limited);
    expect(
      classifyGithubError({
        status: 403,
        message:
          'You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.',
      }),
    ).toMatchObject(limited);
    expect(
      classifyGithubError({
        status: 403,
        message: 'Forbidden',
        headers: { 'retry-after': '30' },
      }),
    ).toMatchObject(limited);
    expect(
      classifyGithubError({ status: 429, message: 'Too Many Requests' }),
    ).toMatchObject(limited);
    expect(
      classifyGithubError({
        status: 403,
        message: errors.primaryRateLimit.message,
        headers: { 'x-ratelimit-remaining': '0' },
      }),
    ).toMatchObject(limited);
  });

  it("reads the throttling plugin's GraphQL rate limit error as a rate limit", () => {
    const error = Object.assign(new Error('GraphQL Rate Limit Exceeded'), {
      response: {
        headers: {},
        data: { errors: [{ type: 'RATE_LIMITED', message: 'limit' }] },
      },
    });
    expect(classifyRequestError(error)).toMatchObject(limited);
  });

  it('does not call a request without an answer "GitHub answered 500"', () => {
    // What Octokit throws for a fetch that failed: status 500, no response.
    const error = Object.assign(
      new Error('GitHub did not answer within 50 ms'),
      { name: 'HttpError', status: 500, request: { method: 'GET' } },
    );
    const answer = classifyRequestError(error);
    expect(answer).toMatchObject({ kind: 'unknown', reason: 'error' });
    expect(answer.kind === 'unknown' && answer.message).toBe(
      'GitHub request failed: GitHub did not answer within 50 ms',
    );
  });

  it('treats a malformed 200 body as an error', () => {
    expect(
      classifyRequestError(
        new MalformedAnswerError('GET /repos/{owner}/{repo}'),
      ),
    ).toMatchObject({
      kind: 'unknown',
      reason: 'error',
      message: expect.stringMatching(/not its JSON answer/),
    });
  });
});
