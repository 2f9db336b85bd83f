import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, mount, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
import { dockerHost, host, portainerServer } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('hosts discovered on a Portainer server', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.portainerServers = [portainerServer(4, { name: 'lab-portainer' })];
      s.hosts = [host(1, { name: 'nas' }), host(2, { name: 'local', host: null, transport: 'portainer', portainer_server_id: 4, portainer_endpoint_id: 2 })];
      s.dockerHosts = [dockerHost(1, { name: 'nas' }), dockerHost(2, { name: 'local', host: null, transport: 'portainer' })];
    });
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });

  it('show "via Portainer <server>" on their card and detail; SSH hosts do not', async () => {
    window.location.hash = '#/docker';
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const via = await waitFor(() => $(m!.root, '[data-host-id="2"].docker-host-card [data-testid=via-portainer]'));
    await waitFor(() => via.textContent === 'via Portainer lab-portainer');
    expect($$(m.root, '[data-host-id="1"].docker-host-card [data-testid=via-portainer]')).toHaveLength(0);
    // one request for the names, however many cards
    expect(server.requests.filter((r) => r.method === 'GET' && r.url === '/api/portainer/servers')).toHaveLength(1);
    window.location.hash = '#/docker/2/containers';
    const detail = await waitFor(() => $(m!.root, '[data-testid=docker-host-detail] [data-testid=via-portainer]'));
    expect(detail.textContent).toBe('via Portainer lab-portainer');
  });
});
