import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, click, mount, resetBrowser, restore, startServer, teardown, type as typeIn, waitFor, type Mounted } from '../../test/harness';
import { alert, dockerHost } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('alerts section', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1)];
      s.alerts = [alert(1), alert(2, { container_name: 'db', message: 'Container db health check failing', severity: 'warning' }), alert(3, { state: 'closed', closed_at: '2026-01-10T11:00:00.000Z' })];
    });
    window.location.hash = '#/alerts';
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('acknowledges an alert with a comment; it moves to the acknowledged tab', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $$(m.root, '[data-testid=alert-item]').length === 2);
    await click($(m.root, '[data-alert-id="1"] [data-testid=alert-ack]')!);
    await typeIn((await waitFor(() => $(m.root, '[data-testid=ack-comment]'))) as HTMLTextAreaElement, 'restarting it after lunch');
    await click($(m.root, '[data-testid=ack-submit]')!);
    await waitFor(() => $$(m.root, '[data-testid=alert-item]').length === 1);
    expect(server.requests.find((r) => r.url === '/api/docker/alerts/1/ack' && r.method === 'POST')!.body).toEqual({ comment: 'restarting it after lunch' });
    await click($(m.root, '[data-testid=tab-acknowledged]')!);
    const acked = await waitFor(() => $(m.root, '[data-alert-id="1"]'));
    expect(acked.textContent).toContain('Acknowledged by op');
    expect(acked.textContent).toContain('restarting it after lunch');
    await click($(m.root, '[data-testid=tab-closed]')!);
    await waitFor(() => $(m.root, '[data-alert-id="3"]'));
  });

  it('offers no acknowledge button to a viewer', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m.root, '[data-testid=alert-item]').length === 2);
    expect($(m.root, '[data-testid=alert-ack]')).toBeNull();
  });
});
