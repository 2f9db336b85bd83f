import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, click, mount, pushWs, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
import { FakeSocket } from '../../test/fake-socket';
import { dockerHost } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('Docker host grid', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { name: 'nas' }), dockerHost(2, { name: 'pi', docker_status: 'error', docker_status_reason: 'Cannot connect to the Docker daemon' }), dockerHost(3, { name: 'vm', docker_enabled: false, docker_status: 'unknown' })];
    });
    window.location.hash = '#/docker';
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('renders one card per host, with its figures and status', async () => {
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    const cards = await waitFor(() => { const c = $$(m.root, '.docker-host-card'); return c.length === 3 && c; });
    expect(cards.map((c) => c.dataset.hostId)).toEqual(['1', '2', '3']);
    expect(cards[0].textContent).toContain('nas');
    expect($(cards[0], '[data-testid=containers-count]')!.textContent).toBe('2/3');
    expect($(cards[1], '[data-testid=docker-status-reason]')!.textContent).toContain('Cannot connect to the Docker daemon');
    // A host without Docker offers "Enable Docker" to an admin, and no detail view yet.
    expect($(cards[2], '[data-testid=enable-docker]')).not.toBeNull();
    expect($(cards[2], '[data-testid=open-host]')).toBeNull();
  });

  it('a docker_host_updated message updates the card in place, without a reload', async () => {
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    const card = await waitFor(() => $(m.root, '[data-host-id="1"].docker-host-card'));
    FakeSocket.latest().open();
    const requestsBefore = server.requests.length;
    await pushWs({ type: 'docker_host_updated', host: dockerHost(1, { name: 'nas', containers_running: 5, containers_total: 7, open_alerts: 2 }) });
    await waitFor(() => $(card, '[data-testid=containers-count]')!.textContent === '5/7');
    expect($(m.root, '[data-host-id="1"].docker-host-card')).toBe(card); // same element, updated
    expect($(card, '[data-testid=open-alerts]')!.textContent).toBe('2');
    expect(server.requests.length).toBe(requestsBefore); // nothing fetched again
    // A host that appears live gets its card.
    await pushWs({ type: 'docker_host_updated', host: dockerHost(4, { name: 'new' }) });
    await waitFor(() => $$(m.root, '.docker-host-card').length === 4);
  });

  it('opens the detail view of a host from its card', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const card = await waitFor(() => $(m.root, '[data-host-id="1"].docker-host-card'));
    // A viewer sees no action on the card.
    expect($(card, '[data-testid=collect-now]')).toBeNull();
    expect($(card, '[data-testid=disable-docker]')).toBeNull();
    await click($(card, '[data-testid=open-host]')!);
    await waitFor(() => $(m.root, '[data-testid=docker-host-detail]'));
    expect(window.location.hash).toBe('#/docker/1/containers');
  });
});
