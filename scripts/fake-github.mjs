// A fake GitHub API for the end-to-end tests: it replays the GitHub module's
// recorded answers (plugins/compliance-backend-module-github/src/__fixtures__)
// for ONE repository, example-org/payments-api, and answers 404 Not Found for
// every other repository, so the example app shows a component with GitHub
// data beside components without. Never contacts GitHub.
//
// scripts/example-app.mjs starts it on 127.0.0.1:7099 when E2E_FAKE_GITHUB=1
// and points integrations.github at it (APP_CONFIG_integrations_github).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../plugins/compliance-backend-module-github/src/__fixtures__',
);
const load = name => JSON.parse(readFileSync(resolve(fixtures, name), 'utf8'));

export const FAKE_GITHUB_REPO = 'example-org/payments-api';

const rate = {
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4990',
  'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
  'x-ratelimit-resource': 'core',
};

function send(res, status, body, extra = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...rate,
    ...extra,
  });
  res.end(JSON.stringify(body));
}

// What GitHub answers a GitHub App that may not see a repository: 404 with
// the permission the endpoint accepts.
const notFound = res =>
  send(
    res,
    404,
    { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    { 'x-accepted-github-permissions': 'metadata=read' },
  );

/** REST routes of the replayed repository, by path below /repos/{owner}/{repo}. */
function restAnswer(tail) {
  if (tail === '') return load('repository.json');
  if (/^\/branches\/[^/]+\/protection$/.test(tail))
    return load('branch-protection.json');
  if (tail === '/actions/permissions/workflow')
    return load('workflow-permissions.json');
  if (tail === '/secret-scanning/alerts')
    return load('secret-scanning-alerts.json');
  if (tail === '/code-scanning/alerts')
    return load('code-scanning-alerts.json');
  if (tail === '/actions/runs') return load('workflow-runs.json');
  if (/^\/actions\/runs\/\d+\/attempts\/\d+$/.test(tail))
    return load('workflow-run-attempt.json');
  return undefined;
}

function graphqlAnswer(query) {
  const recorded = load('graphql-repository.json');
  const data = { rateLimit: recorded.data.rateLimit };
  const errors = [];
  const re = /(r\d+): repository\(owner: "([^"]+)", name: "([^"]+)"\)/g;
  for (const [, alias, owner, name] of query.matchAll(re)) {
    if (`${owner}/${name}`.toLowerCase() === FAKE_GITHUB_REPO) {
      data[alias] = recorded.data.r0;
    } else {
      data[alias] = null;
      errors.push({
        type: 'NOT_FOUND',
        path: [alias],
        message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
      });
    }
  }
  return errors.length ? { data, errors } : { data };
}

export function startFakeGithub(port = 7099) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/graphql') {
      let body = '';
      req.on('data', c => {
        body += c;
        if (body.length > 1_000_000) req.destroy();
      });
      req.on('end', () => {
        try {
          send(res, 200, graphqlAnswer(JSON.parse(body).query ?? ''), {
            'x-ratelimit-resource': 'graphql',
          });
        } catch {
          send(res, 400, { message: 'Problems parsing JSON' });
        }
      });
      return;
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      if (`${m[1]}/${m[2]}`.toLowerCase() !== FAKE_GITHUB_REPO)
        return notFound(res);
      const answer = restAnswer(m[3] ?? '');
      return answer === undefined ? notFound(res) : send(res, 200, answer);
    }
    return notFound(res);
  });
  return new Promise(resolveStart => {
    server.listen(port, '127.0.0.1', () => resolveStart(server));
  });
}
