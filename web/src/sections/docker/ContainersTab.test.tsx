import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, pushWs, resetBrowser, restore, startServer, teardown, type as typeIn, waitFor, type Mounted } from '../../test/harness';
import { FakeSocket } from '../../test/fake-socket';
import { container, dockerHost } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';
import { actionsFor } from './actions';

const buttons = (row: HTMLElement) => $$(row, '[data-testid=container-actions] [data-action]').map((b) => b.dataset.action);
const row = (root: HTMLElement, name: string) => $(root, `[data-testid=container-row][data-name="${name}"]`);

describe('containers table', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { name: 'nas' })];
      s.containers.set(1, [
        container(1, 'web', 'running', { compose_project: 'shop', compose_service: 'web' }),
        container(1, 'db', 'exited', { compose_project: 'shop', compose_service: 'db' }),
        container(1, 'cache', 'paused'),
        container(1, 'job', 'exited'),
      ]);
    });
    window.location.hash = '#/docker/1/containers';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });

  async function open(user: string, rows = 4) {
    m = mount(server, undefined, { loginAs: user });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=container-row]').length === rows);
    return m;
  }

  it('shows only the actions that match each container state (operator)', async () => {
    const { root } = await open('op');
    expect(buttons(row(root, 'web')!)).toEqual(['stop', 'restart', 'pause', 'kill', 'redeploy']);
    expect(buttons(row(root, 'db')!)).toEqual(['start', 'redeploy']);
    expect(buttons(row(root, 'cache')!)).toEqual(['unpause', 'kill']);
    expect(buttons(row(root, 'job')!)).toEqual(['start']);
    // Icon buttons are labelled for screen readers.
    expect($(row(root, 'web')!, '[data-action=stop]')!.getAttribute('aria-label')).toBe('Stop web');
  });

  it('follows the role: a viewer sees no action, an admin also sees remove', async () => {
    const { root } = await open('viewer');
    for (const name of ['web', 'db', 'cache', 'job']) expect(buttons(row(root, name)!)).toEqual([]);
    expect($(row(root, 'web')!, '[data-testid=view-logs]')).not.toBeNull(); // reading stays possible
    expect($(root, '[data-testid=compose-stop]')).toBeNull();
    expect($(root, '[data-testid=prune-open]')).toBeNull();
    await teardown(m, undefined);
    resetBrowser();
    window.location.hash = '#/docker/1/containers';
    const admin = await open('admin');
    // The prune button needs the host's capabilities (GET /api/docker/hosts), which may land after the rows.
    await waitFor(() => $(admin.root, '#host-detail-title')?.textContent === 'nas');
    expect(buttons(row(admin.root, 'job')!)).toEqual(['start', 'remove']);
    expect($(admin.root, '[data-testid=prune-open]')).not.toBeNull();
  });

  it("offers only what the host's engine can do: no redeploy, compose, prune or live follow where it cannot", async () => {
    server.dockerHosts = [dockerHost(1, { name: 'nas', capabilities: { redeploy: false, compose_actions: false, host_metrics: false, prune: [], live_logs: false } })];
    const { root } = await open('admin');
    await waitFor(() => $(root, '#host-detail-title')?.textContent === 'nas');
    expect(buttons(row(root, 'web')!)).toEqual(['stop', 'restart', 'pause', 'kill', 'remove']);
    expect(buttons(row(root, 'db')!)).toEqual(['start', 'remove']);
    expect($(root, '[data-testid=compose-stop]')).toBeNull();
    expect($(root, '[data-testid=prune-open]')).toBeNull();
    click($(row(root, 'web')!, '[data-testid=view-logs]')!);
    await waitFor(() => $(document.body, '[data-testid=logs-drawer]') !== null);
    expect($(document.body, '[data-testid=logs-follow]')).toBeNull();
  });

  it('a host that can prune some kinds only offers those', async () => {
    server.dockerHosts = [dockerHost(1, { name: 'nas', capabilities: { redeploy: true, compose_actions: true, host_metrics: false, prune: ['containers', 'images'], live_logs: true } })];
    const { root } = await open('admin');
    await waitFor(() => $(root, '#host-detail-title')?.textContent === 'nas');
    expect($(root, '[data-testid=compose-stop]')).not.toBeNull();
    click($(root, '[data-testid=prune-open]')!);
    await waitFor(() => $(document.body, '[data-testid=prune-containers]') !== null);
    expect($(document.body, '[data-testid=prune-images]')).not.toBeNull();
    expect($(document.body, '[data-testid=prune-volumes]')).toBeNull();
    expect($(document.body, '[data-testid=prune-networks]')).toBeNull();
  });

  it('stopping a container changes its row to the new state and its buttons with it', async () => {
    const { root } = await open('op');
    await click($(row(root, 'web')!, '[data-action=stop]')!);
    await waitFor(() => row(root, 'web')!.dataset.state === 'exited');
    expect(buttons(row(root, 'web')!)).toEqual(['start', 'redeploy']);
    expect(server.requests.some((r) => r.method === 'POST' && r.url.endsWith('/stop'))).toBe(true);
  });

  it('asks before kill, and sends nothing when cancelled', async () => {
    const { root } = await open('op');
    await click($(row(root, 'web')!, '[data-action=kill]')!);
    const dialog = await waitFor(() => $(document.body, '[data-testid=confirm-dialog]'));
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(dialog.textContent).toContain('Kill web?');
    await click($$(dialog, 'button').find((b) => b.textContent === 'Cancel')!);
    expect($(document.body, '[data-testid=confirm-dialog]')).toBeNull();
    expect(server.requests.some((r) => r.url.endsWith('/kill'))).toBe(false);
    await click($(row(root, 'web')!, '[data-action=kill]')!);
    await click(await waitFor(() => $(document.body, '[data-testid=confirm-ok]')));
    await waitFor(() => row(root, 'web')!.dataset.state === 'exited');
  });

  it('shows the server message in a toast when an action is refused', async () => {
    server.containers.get(1)!.push(container(1, 'solo', 'running'));
    const { root } = await open('admin', 5);
    // Not a compose container: the UI does not even offer redeploy...
    expect(buttons(row(root, 'solo')!)).not.toContain('redeploy');
    // ...and when the server refuses an action (here: the container vanished meanwhile) the user sees its words.
    server.containers.set(1, server.containers.get(1)!.filter((c) => c.name !== 'job'));
    await click($(row(root, 'job')!, '[data-action=start]')!);
    const toast = await waitFor(() => $(document.body, '[data-testid=toast-error]'));
    expect(toast.textContent).toContain('No such container');
  });

  it('groups containers by compose project, collapsible, and filters them', async () => {
    const { root } = await open('op');
    const groups = $$(root, '[data-testid=compose-group]');
    expect(groups.map((g) => g.dataset.project)).toEqual(['shop', '']);
    await click($(groups[0], '[data-testid=group-toggle]')!);
    expect(row(root, 'web')).toBeNull();
    expect(row(root, 'job')).not.toBeNull();
    await click($($$(root, '[data-testid=compose-group]')[0], '[data-testid=group-toggle]')!);
    expect(row(root, 'web')).not.toBeNull();
    await typeIn($(root, '[data-testid=container-filter]') as HTMLInputElement, 'cach');
    await waitFor(() => $$(root, '[data-testid=container-row]').length === 1);
    await typeIn($(root, '[data-testid=container-filter]') as HTMLInputElement, '');
    await choose($(root, '[data-testid=container-state-filter]') as HTMLSelectElement, 'exited');
    await waitFor(() => $$(root, '[data-testid=container-row]').length === 2);
  });

  it('applies docker_container_updated messages to the table', async () => {
    const { root } = await open('viewer');
    FakeSocket.latest().open();
    const web = server.containers.get(1)!.find((c) => c.name === 'web')!;
    await pushWs({ type: 'docker_container_updated', host_id: 1, container: { ...web, state: 'exited' } });
    await waitFor(() => row(root, 'web')!.dataset.state === 'exited');
    await pushWs({ type: 'docker_container_removed', host_id: 1, container_id: web.container_id, name: 'web', labels: {} });
    await waitFor(() => row(root, 'web') === null);
  });
});

describe('actionsFor', () => {
  it('maps every state to what docker accepts', () => {
    expect(actionsFor({ state: 'restarting', compose_project: null }, 'operator')).toEqual(['stop', 'kill']);
    expect(actionsFor({ state: 'dead', compose_project: null }, 'admin')).toEqual(['start', 'remove']);
    expect(actionsFor({ state: 'running', compose_project: null }, null)).toEqual([]);
  });
});

describe('late messages', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  afterEach(async () => teardown(m, server));

  it('an update older than the state shown does not bring the old state back', async () => {
    resetBrowser();
    const web = container(1, 'web', 'running', { last_update_at: '2026-01-10T10:00:05.000Z' });
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1)];
      s.containers.set(1, [web]);
    });
    window.location.hash = '#/docker/1/containers';
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    FakeSocket.latest().open();
    await waitFor(() => row(m!.root, 'web'));
    await pushWs({ type: 'docker_container_updated', host_id: 1, container: { ...web, state: 'exited', last_update_at: '2026-01-10T10:00:01.000Z' } });
    expect(row(m.root, 'web')!.dataset.state).toBe('running');
    await pushWs({ type: 'docker_container_updated', host_id: 1, container: { ...web, state: 'paused', last_update_at: '2026-01-10T10:00:09.000Z' } });
    await waitFor(() => row(m!.root, 'web')!.dataset.state === 'paused');
  });
});
