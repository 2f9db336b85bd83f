import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, pushWs, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
import { FakeSocket } from '../../test/fake-socket';
import { container, dockerHost } from '../../test/fixtures';
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

  it('filters the cards by group, live updates included', async () => {
    server.dockerHosts[0]!.groups = ['storage'];
    server.dockerHosts[1]!.groups = ['edge', 'storage'];
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m.root, '.docker-host-card').length === 3);
    await choose($(m.root, '#docker-group') as HTMLSelectElement, 'edge');
    await waitFor(() => $$(m.root, '.docker-host-card').length === 1);
    expect($$(m.root, '.docker-host-card').map((c) => c.dataset.hostId)).toEqual(['2']);
    await choose($(m.root, '#docker-group') as HTMLSelectElement, 'storage');
    await waitFor(() => $$(m.root, '.docker-host-card').length === 2);
    // a live update that takes a host out of the group takes its card out of the filtered grid
    FakeSocket.latest().open();
    await pushWs({ type: 'docker_host_updated', host: { ...server.dockerHosts[0]!, groups: [] } });
    await waitFor(() => $$(m.root, '.docker-host-card').length === 1);
  });

  it('offers no group filter when no host has a group', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m.root, '.docker-host-card').length === 3);
    expect($(m.root, '[data-testid=group-filter]')).toBeNull();
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

  it('after a partial collection, says which sections failed and why', async () => {
    // The server answers each failed section as {section, message} (src/contract/docker.ts, CollectResultSchema).
    server.collectResults.set(1, {
      errors: [
        { section: 'images', message: 'permission denied while trying to connect to the Docker daemon socket' },
        { section: 'networks', message: 'bad output: unexpected end of JSON input' },
      ],
    });
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    const card = await waitFor(() => $(m.root, '[data-host-id="1"].docker-host-card'));
    await click($(card, '[data-testid=collect-now]')!);
    const toast = await waitFor(() => $(m.root, '[data-testid=toast-error]'));
    expect(toast.textContent).toContain('images: permission denied while trying to connect to the Docker daemon socket');
    expect(toast.textContent).toContain('networks: bad output: unexpected end of JSON input');
    expect(toast.textContent).not.toContain('[object Object]');
    expect($(m.root, '[data-testid=toast-success]')).toBeNull();
  });

  it('says the same from the detail view, and still shows what was collected', async () => {
    server.containers.set(1, [container(1, 'web', 'running')]);
    server.collectResults.set(1, { errors: [{ section: 'volumes', message: 'docker volume ls timed out' }] });
    window.location.hash = '#/docker/1/containers';
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    const detail = await waitFor(() => $(m.root, '[data-testid=docker-host-detail]'));
    const before = server.requests.filter((r) => r.url.endsWith('/containers')).length;
    await click($(detail, '[data-testid=collect-now]')!);
    const toast = await waitFor(() => $(m.root, '[data-testid=toast-error]'));
    expect(toast.textContent).toContain('volumes: docker volume ls timed out');
    await waitFor(() => server.requests.filter((r) => r.url.endsWith('/containers')).length > before);
  });

  it('a clean collection says so', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    const card = await waitFor(() => $(m.root, '[data-host-id="1"].docker-host-card'));
    await click($(card, '[data-testid=collect-now]')!);
    const toast = await waitFor(() => $(m.root, '[data-testid=toast-success]'));
    expect(toast.textContent).toContain('nas');
    expect($(m.root, '[data-testid=toast-error]')).toBeNull();
  });
});
