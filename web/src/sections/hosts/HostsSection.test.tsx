import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, resetBrowser, restore, startServer, teardown, type, waitFor, type Mounted } from '../../test/harness';
import { host } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('hosts section by role', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.hosts = [host(1, { name: 'nas' }), host(2, { name: 'pi', docker_enabled: false, ssh_host_key: null })];
    });
    window.location.hash = '#/hosts';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });

  const testIds = (root: HTMLElement) => new Set($$(root, '[data-testid]').map((e) => e.dataset.testid));

  it('an operator can check hosts but not add, import, edit, delete or enable Docker', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 2);
    const ids = testIds(m.root);
    expect(ids.has('host-check')).toBe(true);
    for (const adminOnly of ['hosts-add', 'hosts-import', 'host-edit', 'host-delete', 'enable-docker']) expect(ids.has(adminOnly)).toBe(false);
  });

  it('an admin gets every host action, and the SSH key with the command that authorizes it', async () => {
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 2);
    const ids = testIds(m.root);
    for (const id of ['host-check', 'hosts-add', 'hosts-import', 'host-edit', 'host-delete', 'enable-docker']) expect(ids.has(id)).toBe(true);
    expect($$(m.root, '[data-testid=enable-docker]')).toHaveLength(1); // only the host without Docker
    const cmd = await waitFor(() => $(m!.root, '[data-testid=ssh-command]'));
    expect(cmd.textContent).toContain("echo \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest homelab@test\"");
    expect(cmd.textContent).toMatch(/^sudo sh -c '/);
  });

  it('a viewer sees the hosts and no action', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 2);
    const ids = testIds(m.root);
    for (const id of ['host-check', 'hosts-add', 'hosts-import', 'host-edit', 'host-delete', 'enable-docker']) expect(ids.has(id)).toBe(false);
  });
});

describe('host groups', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.hosts = [
        host(1, { name: 'nas', groups: ['storage'] }),
        host(2, { name: 'pi', groups: ['edge', 'storage'] }),
        host(3, { name: 'env-1', groups: [], host: null, port: null, username: null, transport: 'portainer', ssh_host_key: null, portainer_server_id: 4, portainer_endpoint_id: 2 }),
      ];
    });
    window.location.hash = '#/hosts';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });
  const shown = (root: HTMLElement) => $$(root, '[data-testid=host-row] td:first-child').map((td) => td.firstChild?.textContent);

  it('are shown per host and filter the list', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 3);
    const filter = $(m.root, '[data-testid=group-filter]') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.value)).toEqual(['', 'edge', 'storage']);
    await choose(filter, 'storage');
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 2);
    expect(shown(m.root)).toEqual(['nas', 'pi']);
    await choose(filter, 'edge');
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 1);
    expect(shown(m.root)).toEqual(['pi']);
    await choose(filter, '');
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 3);
  });

  it('an admin sets a discovered host\'s groups without touching its Portainer name or address', async () => {
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=host-row]').length === 3);
    const row = $$(m.root, '[data-testid=host-row]').find((r) => r.dataset.hostId === '3')!;
    await click($(row, '[data-testid=host-edit]')!);
    const input = await waitFor(() => $(m!.root, '[data-testid=host-groups-input]') as HTMLInputElement);
    expect($(m.root, '#hf-name')).toBeNull();
    await type(input, 'media, lab , media');
    await click($(m.root, '[data-testid=host-save]')!);
    await waitFor(() => $(m!.root, '[data-testid=host-form]') === null);
    const sent = server.requests.filter((r) => r.method === 'PATCH' && r.url === '/api/hosts/3');
    expect(sent.map((r) => r.body)).toEqual([{ os_type: 'debian', groups: ['media', 'lab'] }]);
    await waitFor(() => $$(m!.root, '[data-testid=host-groups]').some((d) => d.textContent === 'media, lab'));
  });
});
