import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, resetBrowser, restore, startServer, teardown, type, waitFor, type Mounted } from '../../test/harness';
import { host } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('log search', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.hosts = [host(1, { name: 'nas' }), host(2, { name: 'pi' })];
      s.capturedLines = [
        { host_id: 1, host_name: 'nas', container_name: 'web', ts: '2026-01-10T09:00:00.000000001Z', stream: 'stdout', text: 'GET /index 200' },
        { host_id: 1, host_name: 'nas', container_name: 'web', ts: '2026-01-10T09:00:01.000000000Z', stream: 'stderr', text: 'upstream timed out' },
        { host_id: 2, host_name: 'pi', container_name: 'db', ts: '2026-01-10T09:00:02.000000000Z', stream: 'stderr', text: 'checkpoint timed out' },
      ];
    });
    window.location.hash = '#/logs';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });

  it('searches by words and filters, shows time, host, container, stream and text, and says when nothing matches', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    expect($(m.root, '[data-testid=nav-logs]')).not.toBeNull();
    const form = await waitFor(() => $(m!.root, '[data-testid=logsearch-form]'));
    await waitFor(() => $$(form, '#ls-host option').length === 3);
    await type($(form, '#ls-q') as HTMLInputElement, 'timed out');
    await click($(form, '[data-testid=logsearch-submit]')!);
    await waitFor(() => $$(m!.root, '[data-testid=logsearch-row]').length === 2);
    await choose($(form, '#ls-host') as HTMLSelectElement, '2');
    await choose($(form, '#ls-stream') as HTMLSelectElement, 'stderr');
    await type($(form, '#ls-since') as HTMLInputElement, '2026-01-01T00:00');
    await click($(form, '[data-testid=logsearch-submit]')!);
    await waitFor(() => $$(m!.root, '[data-testid=logsearch-row]').length === 1);
    const cells = $$(m.root, '[data-testid=logsearch-row] td').map((c) => c.textContent);
    expect(cells).toEqual(['2026-01-10 09:00:02', 'pi', 'db', 'stderr', 'checkpoint timed out']);
    const req = new URL(server.requests.filter((r) => r.url.startsWith('/api/logs')).at(-1)!.url, 'http://x');
    expect(req.searchParams.get('q')).toBe('timed out');
    expect(req.searchParams.get('host_id')).toBe('2');
    expect(req.searchParams.get('stream')).toBe('stderr');
    expect(req.searchParams.get('since')).toBe(new Date('2026-01-01T00:00').toISOString());
    await type($(form, '#ls-q') as HTMLInputElement, 'nothing like this');
    await click($(form, '[data-testid=logsearch-submit]')!);
    await waitFor(() => $(m!.root, '[data-testid=logsearch-empty]'));
    expect($(m.root, '[data-testid=logsearch-table]')).toBeNull();
  });

  it('shows the server message when the search is refused', async () => {
    server.failures.set('/api/logs', { status: 422, error: 'bad_range', message: 'since is after until' });
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const form = await waitFor(() => $(m!.root, '[data-testid=logsearch-form]'));
    await click($(form, '[data-testid=logsearch-submit]')!);
    const err = await waitFor(() => $(document.body, '[data-testid=toast-error]'));
    expect(err.textContent).toContain('since is after until');
  });
});
