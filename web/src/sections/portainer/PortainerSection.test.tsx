import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, resetBrowser, restore, startServer, teardown, type, waitFor, type Mounted } from '../../test/harness';
import { portainerEndpoint, portainerServer } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('Portainer section', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.portainerServers = [
        portainerServer(1, { name: 'lab', status: 'online', version: '2.27.3', last_sync_ms: 340, endpoints_up: 2, endpoints_total: 3 }),
        portainerServer(2, { name: 'far', status: 'unreachable', status_reason: 'connect ECONNREFUSED 10.0.0.2:9443', auth: 'api_key', username: null, sync_mode: 'update_only' }),
      ];
      s.portainerEndpoints.set(1, [
        portainerEndpoint(1, { name: 'local', host_id: 7, containers_running: 5, containers_stopped: 1, containers_healthy: 3, containers_unhealthy: 1 }),
        portainerEndpoint(3, { name: 'edge-1', type: 4, type_name: 'Edge agent', reason: 'Edge environments are not collected', status: 'down' }),
      ]);
    });
    window.location.hash = '#/portainer';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });
  const card = (root: HTMLElement, id: number) => $(root, `[data-testid=portainer-server][data-server-id="${id}"]`)!;

  it('lists the servers with status, version, last sync, mode and environments up/total, and opens the environments', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=portainer-server]').length === 2);
    expect($(m.root, '[data-testid=nav-portainer]')).not.toBeNull();
    const lab = card(m.root, 1);
    expect($(lab, '[data-testid=portainer-status]')!.textContent).toBe('online');
    expect($(lab, '[data-testid=portainer-version]')!.textContent).toBe('2.27.3');
    expect($(lab, '[data-testid=portainer-last-sync]')!.textContent).toContain('340 ms');
    expect($(lab, '[data-testid=portainer-endpoints]')!.textContent).toBe('2 / 3');
    const far = card(m.root, 2);
    expect($(far, '[data-testid=portainer-status]')!.textContent).toBe('unreachable');
    expect($(far, '[data-testid=portainer-reason]')!.textContent).toContain('ECONNREFUSED');
    expect($(far, '[data-testid=portainer-mode]')!.textContent).toContain('Update existing hosts only');
    // a viewer has no action
    for (const id of ['portainer-add', 'portainer-edit', 'portainer-delete', 'portainer-test', 'portainer-sync']) expect($(m.root, `[data-testid=${id}]`)).toBeNull();

    await click($(lab, '[data-testid=portainer-envs-toggle]')!);
    await waitFor(() => $$(lab, '[data-testid=endpoint-row]').length === 2);
    const [local, edge] = $$(lab, '[data-testid=endpoint-row]');
    expect($(local, '[data-testid=endpoint-runstop]')!.textContent).toBe('5 / 1');
    expect($(local, '[data-testid=endpoint-health]')!.textContent).toBe('3 / 1');
    expect($(local, '[data-testid=endpoint-host-link]')!.getAttribute('href')).toBe('#/docker/7');
    expect($(edge, '[data-testid=endpoint-host-link]')).toBeNull();
    expect($(edge, '[data-testid=endpoint-reason]')!.textContent).toBe('Edge environments are not collected');
  });

  it('an operator syncs and reads the result in a toast, an error shows the server message', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=portainer-server]').length === 2);
    expect($(m.root, '[data-testid=portainer-add]')).toBeNull();
    expect($(m.root, '[data-testid=portainer-test]')).toBeNull();
    await click($(card(m.root, 1), '[data-testid=portainer-sync]')!);
    const ok = await waitFor(() => $(document.body, '[data-testid=toast-success]'));
    expect(ok.textContent).toContain('lab synced: 1 created, 2 updated, 0 removed in 412 ms');
    expect(server.requests.some((r) => r.method === 'POST' && r.url === '/api/portainer/servers/1/sync')).toBe(true);
    server.failures.set('/api/portainer/servers/2/sync', { status: 502, error: 'portainer_unreachable', message: 'Portainer far: connect ECONNREFUSED' });
    await click($(card(m.root, 2), '[data-testid=portainer-sync]')!);
    const err = await waitFor(() => $(document.body, '[data-testid=toast-error]'));
    expect(err.textContent).toContain('Portainer far: connect ECONNREFUSED');
  });

  it('an admin adds a server with an API key, edits one without resending its secret, tests and deletes', async () => {
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=portainer-server]').length === 2);
    await click($(m.root, '[data-testid=portainer-add]')!);
    const dlg = await waitFor(() => $(document.body, '[data-testid=portainer-dialog]'));
    await type($(dlg, '#pf-name') as HTMLInputElement, 'new');
    await type($(dlg, '#pf-url') as HTMLInputElement, 'http://10.0.0.9:9000');
    await click($(dlg, 'input[value=api_key]')!);
    await type($(dlg, '#pf-key') as HTMLInputElement, 'ptr_secret');
    await type($(dlg, '#pf-group') as HTMLInputElement, 'lab');
    await choose($(dlg, '#pf-mode') as HTMLSelectElement, 'update_only');
    await type($(dlg, '#pf-interval') as HTMLInputElement, '120');
    await click($(dlg, '[data-testid=portainer-save]')!);
    await waitFor(() => $$(m!.root, '[data-testid=portainer-server]').length === 3);
    const created = server.requests.find((r) => r.method === 'POST' && r.url === '/api/portainer/servers')!;
    expect(created.body).toEqual({ name: 'new', url: 'http://10.0.0.9:9000', api_key: 'ptr_secret', tls_fingerprint: null, default_group: 'lab', sync_mode: 'update_only', sync_interval_s: 120, enabled: true });

    await click($(card(m.root, 1), '[data-testid=portainer-edit]')!);
    const edit = await waitFor(() => $(document.body, '[data-testid=portainer-dialog]'));
    expect(($(edit, '#pf-name') as HTMLInputElement).value).toBe('lab');
    expect(($(edit, '#pf-pass') as HTMLInputElement).value).toBe('');
    await type($(edit, '#pf-name') as HTMLInputElement, 'lab2');
    await click($(edit, '[data-testid=portainer-save]')!);
    await waitFor(() => $(card(m!.root, 1), 'h2')!.textContent === 'lab2');
    const patch = server.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.url).toBe('/api/portainer/servers/1');
    expect(patch.body).not.toHaveProperty('password');
    expect(patch.body).not.toHaveProperty('api_key');

    await click($(card(m.root, 1), '[data-testid=portainer-test]')!);
    const ok = await waitFor(() => $$(document.body, '[data-testid=toast-success]').find((e) => e.textContent?.includes('Portainer 2.27.3')));
    expect(ok.textContent).toContain('lab2: Portainer 2.27.3, 3 environments');

    await click($(card(m.root, 2), '[data-testid=portainer-delete]')!);
    await click(await waitFor(() => $(document.body, '[data-testid=confirm-ok]')));
    await waitFor(() => $$(m!.root, '[data-testid=portainer-server]').length === 2 && !card(m!.root, 2));
    expect(server.requests.some((r) => r.method === 'DELETE' && r.url === '/api/portainer/servers/2')).toBe(true);
  });
});
