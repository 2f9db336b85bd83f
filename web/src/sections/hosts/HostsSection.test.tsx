import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, mount, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
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
