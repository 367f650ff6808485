import type {
  Control,
  ControlsResponse,
} from 'backstage-plugin-compliance-common';
import { createGithubControls } from 'backstage-plugin-compliance-backend-module-github';
import { http, HttpResponse } from 'msw';

const API = 'https://api.github.com';

/**
 * The real GitHub controls with levels that require them (as the example
 * app configures them).
 */
export function githubCatalogue(): ControlsResponse {
  const controls = createGithubControls({
    passRate: 0.9,
    passRateWarn: 0.75,
    flakyRate: 0.05,
    flakyRateWarn: 0.15,
    staleAlertDays: 30,
  }).map(
    c =>
      ({
        ...c,
        weight: 5,
        version: 'v1',
        source: 'module',
        facts: [],
      } as Control),
  );
  return {
    controls,
    levels: [
      {
        id: 'bronze',
        title: 'Bronze',
        requiredControls: ['GH-BP-01', 'GH-BP-02', 'GH-BP-03'],
      },
      {
        id: 'silver',
        title: 'Silver',
        requiredControls: [
          'GH-BP-04',
          'GH-SCM-05',
          'GH-SCM-06',
          'GH-SEC-01',
          'GH-SEC-02',
          'GH-SEC-04',
          'GH-SEC-09',
        ],
      },
      {
        id: 'gold',
        title: 'Gold',
        requiredControls: [
          'GH-BP-05',
          'GH-BP-06',
          'GH-BP-07',
          'GH-BP-09',
          'GH-SEC-05',
          'GH-SEC-07',
        ],
      },
      { id: 'platinum', title: 'Platinum', requiredControls: ['GH-CI-01'] },
    ],
    kinds: ['component'],
    frameworks: [],
  };
}

/** One recorded request to the fake. */
export interface SeenRequest {
  method: string;
  path: string;
  body?: any;
}

/**
 * A repository on a fake GitHub (msw) that answers in GitHub's published
 * REST shapes and keeps the settings it is given, so a second run sees the
 * first run's changes.
 */
export function fakeGithubRepository(owner = 'acme', repo = 'payments') {
  const base = `${API}/repos/${owner}/${repo}`;
  const state = {
    files: new Map<string, string>(),
    secretScanning: 'disabled',
    pushProtection: 'disabled',
    vulnerabilityAlerts: false,
    automatedSecurityFixes: false,
    codeScanning: 'not-configured',
    workflow: {
      default_workflow_permissions: 'write',
      can_approve_pull_request_reviews: true,
    },
    rulesets: [] as any[],
    refs: new Map<string, string>([
      ['heads/main', 'aa218f56b14c9653891f9e74264a383fa43fefbd'],
    ]),
    pulls: [] as any[],
  };
  const seen: SeenRequest[] = [];
  /** Answers per "METHOD path" that replace the normal one (faults). */
  const faults = new Map<string, () => Response>();

  const record = async (request: Request, path: string) => {
    const body =
      request.method === 'GET'
        ? undefined
        : await request
            .clone()
            .json()
            .catch(() => undefined);
    seen.push({ method: request.method, path, body });
    return faults.get(`${request.method} ${path}`)?.();
  };
  const rel = (url: string) =>
    decodeURIComponent(
      new URL(url).pathname.slice(`/repos/${owner}/${repo}`.length),
    ) || '/';

  const repoBody = () => ({
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: repo,
    full_name: `${owner}/${repo}`,
    private: true,
    visibility: 'private',
    default_branch: 'main',
    archived: false,
    html_url: `https://github.com/${owner}/${repo}`,
    permissions: {
      admin: true,
      maintain: true,
      push: true,
      triage: true,
      pull: true,
    },
    security_and_analysis: {
      advanced_security: { status: 'enabled' },
      secret_scanning: { status: state.secretScanning },
      secret_scanning_push_protection: { status: state.pushProtection },
      dependabot_security_updates: {
        status: state.automatedSecurityFixes ? 'enabled' : 'disabled',
      },
    },
  });

  const handlers = [
    http.all(`${base}*`, async ({ request }) => {
      const path = rel(request.url);
      const fault = await record(request, path);
      if (fault) return fault;
      const m = request.method;
      const body = seen[seen.length - 1].body;
      if (path === '/' && m === 'GET') return HttpResponse.json(repoBody());
      if (path === '/' && m === 'PATCH') {
        const sa = body?.security_and_analysis ?? {};
        if (sa.secret_scanning)
          state.secretScanning = sa.secret_scanning.status;
        if (sa.secret_scanning_push_protection)
          state.pushProtection = sa.secret_scanning_push_protection.status;
        return HttpResponse.json(repoBody());
      }
      if (path.startsWith('/contents/')) {
        const file = decodeURIComponent(path.slice('/contents/'.length));
        if (m === 'GET') {
          const content = state.files.get(`main:${file}`);
          if (content === undefined)
            return HttpResponse.json(
              {
                message: 'Not Found',
                documentation_url:
                  'https://docs.github.com/rest/repos/contents#get-repository-content',
                status: '404',
              },
              { status: 404 },
            );
          return HttpResponse.json({
            type: 'file',
            encoding: 'base64',
            name: file.split('/').pop(),
            path: file,
            content: Buffer.from(content).toString('base64'),
            sha: '3d21ec53a331a6f037a91c368710b99387d012c1',
          });
        }
        state.files.set(
          `${body.branch ?? 'main'}:${file}`,
          Buffer.from(body.content, 'base64').toString('utf8'),
        );
        return HttpResponse.json(
          {
            content: {
              name: file.split('/').pop(),
              path: file,
              sha: '95b966ae1c166bd92f8ae7d1c313e738c731dfc3',
            },
            commit: {
              sha: '7638417db6d59f3c431d3e1f261cc637155684cd',
              message: body.message,
            },
          },
          { status: 201 },
        );
      }
      if (path === '/vulnerability-alerts') {
        if (m === 'PUT') {
          state.vulnerabilityAlerts = true;
          return new HttpResponse(null, { status: 204 });
        }
        return state.vulnerabilityAlerts
          ? new HttpResponse(null, { status: 204 })
          : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
      }
      if (path === '/automated-security-fixes') {
        if (m === 'PUT') {
          state.automatedSecurityFixes = true;
          return new HttpResponse(null, { status: 204 });
        }
        return HttpResponse.json({
          enabled: state.automatedSecurityFixes,
          paused: false,
        });
      }
      if (path === '/code-scanning/default-setup') {
        if (m === 'PATCH') {
          state.codeScanning = body.state;
          return HttpResponse.json(
            { run_id: 42, run_url: `${base}/actions/runs/42` },
            { status: 202 },
          );
        }
        return HttpResponse.json({
          state: state.codeScanning,
          languages:
            state.codeScanning === 'configured'
              ? ['javascript-typescript']
              : [],
          query_suite: 'default',
          updated_at: '2026-12-01T03:00:00Z',
          schedule: 'weekly',
        });
      }
      if (path === '/actions/permissions/workflow') {
        if (m === 'PUT') {
          state.workflow = {
            default_workflow_permissions: body.default_workflow_permissions,
            can_approve_pull_request_reviews:
              body.can_approve_pull_request_reviews,
          };
          return new HttpResponse(null, { status: 204 });
        }
        return HttpResponse.json(state.workflow);
      }
      if (path === '/rulesets' && m === 'GET') {
        return HttpResponse.json(
          state.rulesets.map(r => ({
            id: r.id,
            name: r.name,
            target: r.target,
            source_type: 'Repository',
            source: `${owner}/${repo}`,
            enforcement: r.enforcement,
            node_id: 'RRS_lACqUmVwb3NpdG9yec5',
            _links: { self: { href: `${base}/rulesets/${r.id}` } },
            created_at: '2026-12-01T03:00:00Z',
            updated_at: '2026-12-01T03:00:00Z',
          })),
        );
      }
      if (path === '/rulesets' && m === 'POST') {
        const created = {
          ...body,
          owner: undefined,
          repo: undefined,
          id: 42 + state.rulesets.length,
          source_type: 'Repository',
          source: `${owner}/${repo}`,
          current_user_can_bypass: 'never',
        };
        state.rulesets.push(created);
        return HttpResponse.json(created, { status: 201 });
      }
      const rs = /^\/rulesets\/(\d+)$/.exec(path);
      if (rs) {
        const i = state.rulesets.findIndex(r => r.id === Number(rs[1]));
        if (i < 0)
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        if (m === 'PUT') state.rulesets[i] = { ...state.rulesets[i], ...body };
        return HttpResponse.json(state.rulesets[i]);
      }
      if (path === '/git/ref/heads/main') {
        return HttpResponse.json({
          ref: 'refs/heads/main',
          object: { sha: state.refs.get('heads/main'), type: 'commit' },
        });
      }
      if (path === '/git/refs' && m === 'POST') {
        if (state.refs.has(body.ref.slice(5)))
          return HttpResponse.json(
            { message: 'Reference already exists' },
            { status: 422 },
          );
        state.refs.set(body.ref.slice(5), body.sha);
        return HttpResponse.json(
          { ref: body.ref, object: { sha: body.sha, type: 'commit' } },
          { status: 201 },
        );
      }
      if (path === '/pulls' && m === 'POST') {
        const pr = {
          number: 1347 + state.pulls.length,
          state: 'open',
          title: body.title,
          html_url: `https://github.com/${owner}/${repo}/pull/${
            1347 + state.pulls.length
          }`,
          head: { ref: body.head },
          base: { ref: body.base },
        };
        state.pulls.push(pr);
        return HttpResponse.json(pr, { status: 201 });
      }
      return HttpResponse.json(
        { message: `Unexpected ${m} ${path}` },
        { status: 500 },
      );
    }),
  ];

  const writes = () => seen.filter(r => r.method !== 'GET');
  return { handlers, state, seen, writes, faults };
}
