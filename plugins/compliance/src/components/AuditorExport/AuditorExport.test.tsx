import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import { createHash, webcrypto } from 'node:crypto';
import { TextEncoder } from 'node:util';
import {
  baseUrl,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';
import {
  registerTestServer,
  renderWithClients,
} from '../../__testUtils__/render';
import { AuditorExport, sha256Hex } from './AuditorExport';

registerTestServer();

const frameworks = [
  { id: 'soc2', title: 'SOC 2' },
  { id: 'iso27001', title: 'ISO/IEC 27001:2022' },
];
const asOf = '2026-11-30T23:59:59.999Z';
const files = {
  json: '{"framework":"soc2","rows":[{"requirement":"CC7.1","entityRef":"component:default/payments-api","status":"fail"}]}\n',
  csv: 'requirement,control_id,entity_ref,status\nCC7.1,branch-protection,component:default/payments-api,fail\n',
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('AuditorExport', () => {
  let requests: URL[];
  let served: typeof files;
  let saved: Array<{ name: string; text: string }>;
  const blobs = new Map<string, Blob>();

  beforeAll(() => {
    // jsdom has neither SubtleCrypto nor object URLs: Node's implementations.
    if (!globalThis.crypto?.subtle) {
      Object.defineProperty(globalThis, 'crypto', { value: webcrypto });
    }
    if (!globalThis.TextEncoder) {
      Object.assign(globalThis, { TextEncoder });
    }
    let n = 0;
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${n++}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = () => {};
  });

  beforeEach(() => {
    requests = [];
    saved = [];
    served = { ...files };
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function save(this: HTMLAnchorElement) {
        const blob = blobs.get(this.href)!;
        saved.push({ name: this.download, text: '' });
        const entry = saved[saved.length - 1];
        blob.text().then(text => {
          entry.text = text;
        });
      });
    server.use(
      http.get(`${baseUrl}/export/manifest`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const framework = url.searchParams.get('framework');
        return HttpResponse.json({
          framework,
          asOf,
          files: (['json', 'csv'] as const).map(format => ({
            name: `compliance-${framework}-2026-11-30.${format}`,
            sha256: sha(files[format]),
            bytes: files[format].length,
            rows: 1,
          })),
        });
      }),
      http.get(`${baseUrl}/export`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const format = url.searchParams.get('format') as 'json' | 'csv';
        const framework = url.searchParams.get('framework');
        return new HttpResponse(served[format], {
          headers: {
            'content-type': format === 'csv' ? 'text/csv' : 'application/json',
            'content-disposition': `attachment; filename="compliance-${framework}-2026-11-30.${format}"`,
          },
        });
      }),
    );
  });

  afterEach(() => jest.restoreAllMocks());

  const render = () =>
    renderWithClients(<AuditorExport frameworks={frameworks} />);

  it('hashes like the backend manifest (sha256 of the UTF-8 bytes)', async () => {
    for (const text of ['', files.csv, 'Zürich — ✓']) {
      expect(await sha256Hex(text)).toBe(sha(text));
    }
  });

  it('downloads a framework as of a past day, verifies both files against the manifest and saves them with it', async () => {
    const { container } = await render();
    await userEvent.click(screen.getByRole('button', { name: /Framework/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'SOC 2' }));
    const date = screen.getByLabelText('As of');
    await userEvent.clear(date);
    await userEvent.type(date, '2026-11-30');
    await userEvent.click(
      screen.getByRole('button', { name: 'Download export' }),
    );

    expect(
      await screen.findByText('Hashes verified against the manifest.'),
    ).toBeInTheDocument();
    // The manifest pins the time; both files are read as of it.
    expect(requests[0].pathname).toMatch(/\/export\/manifest$/);
    expect(requests[0].searchParams.get('asOf')).toBe('2026-11-30');
    expect(
      requests
        .slice(1)
        .map(u => [
          u.searchParams.get('format'),
          u.searchParams.get('framework'),
          u.searchParams.get('asOf'),
        ]),
    ).toEqual([
      ['json', 'soc2', asOf],
      ['csv', 'soc2', asOf],
    ]);
    await waitFor(() => expect(saved.every(s => s.text)).toBe(true));
    expect(saved.map(s => s.name)).toEqual([
      'compliance-soc2-2026-11-30.json',
      'compliance-soc2-2026-11-30.csv',
      'compliance-soc2-manifest.json',
    ]);
    expect(saved[1].text).toBe(files.csv);
    expect(JSON.parse(saved[2].text).files[1].sha256).toBe(sha(files.csv));
    expect(
      screen.getByText(
        `compliance-soc2-2026-11-30.csv: 1 rows, sha256 ${sha(files.csv)}`,
      ),
    ).toBeInTheDocument();
    expect(await axe(container)).toHaveNoViolations();
  });

  it('says so when a file does not match its manifest hash', async () => {
    served.csv = `${files.csv}CC7.2,codeowners,component:default/other,pass\n`;
    await render();
    await userEvent.click(
      screen.getByRole('button', { name: 'Download export' }),
    );
    expect(
      await screen.findByText(
        /Hash mismatch: the data changed while exporting/,
      ),
    ).toBeInTheDocument();
  });

  it('reports a refused export without saving anything', async () => {
    server.use(
      http.get(`${baseUrl}/export/manifest`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Missing permission compliance.export.read',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await render();
    await userEvent.click(
      screen.getByRole('button', { name: 'Download export' }),
    );
    expect(await screen.findByText(/Export failed: .*403/)).toBeInTheDocument();
    expect(saved).toEqual([]);
    expect(screen.queryByTestId('export-result')).not.toBeInTheDocument();
  });
});
