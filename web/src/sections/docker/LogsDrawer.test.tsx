import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, click, mount, pushWs, resetBrowser, restore, startServer, teardown, type as typeIn, waitFor, type Mounted } from '../../test/harness';
import { FakeSocket } from '../../test/fake-socket';
import { container, dockerHost } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('logs drawer', () => {
  let server: ContractServer;
  let m: Mounted;
  const web = container(1, 'web', 'running');
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1)];
      s.containers.set(1, [web]);
      s.logs.set(web.container_id, [
        { ts: '2026-01-10T09:59:58.000000001Z', stream: 'stdout', text: 'listening on :80' },
        { ts: '2026-01-10T09:59:59.000000001Z', stream: 'stderr', text: 'warning: cache cold' },
      ]);
    });
    window.location.hash = '#/docker/1/containers';
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    FakeSocket.latest().open();
    const r = await waitFor(() => $(m.root, '[data-testid=container-row][data-name=web]'));
    await click($(r, '[data-testid=view-logs]')!);
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  const lines = () => $$(document.body, '[data-testid=log-line]');

  it('shows the tail with stdout and stderr told apart', async () => {
    await waitFor(() => lines().length === 2);
    expect(lines().map((l) => l.dataset.stream)).toEqual(['stdout', 'stderr']);
    expect(lines()[1].className).toContain('text-err');
    expect(server.requests.some((r) => r.url.includes('/logs?tail=200'))).toBe(true);
    const drawer = $(document.body, '[data-testid=logs-drawer]')!;
    expect(drawer.getAttribute('aria-modal')).toBe('true');
  });

  it('appends the lines streamed over the WebSocket while following', async () => {
    await waitFor(() => lines().length === 2);
    const sub = await waitFor(() => FakeSocket.latest().sent.find((s) => s.type === 'logs_subscribe'));
    expect(sub).toMatchObject({ host_id: 1, container_id: web.container_id });
    await pushWs({ type: 'logs', subscription: String(sub.subscription), lines: [{ ts: null, stream: 'stdout', text: 'GET / 200' }] });
    await pushWs({ type: 'logs', subscription: String(sub.subscription), lines: [{ ts: null, stream: 'stderr', text: 'boom' }, { ts: null, stream: 'stdout', text: 'GET /x 404' }] });
    await waitFor(() => lines().length === 5);
    expect(lines().map((l) => l.textContent)).toEqual([
      expect.stringContaining('listening on :80'), expect.stringContaining('warning: cache cold'), 'GET / 200', 'boom', 'GET /x 404',
    ]);
    // Lines of a subscription that is not ours are not mixed in (and the server is asked to stop it).
    await pushWs({ type: 'logs', subscription: 'someone-else', lines: [{ ts: null, stream: 'stdout', text: 'other' }] });
    expect(lines().length).toBe(5);
    expect(FakeSocket.latest().sent.at(-1)).toEqual({ type: 'logs_unsubscribe', subscription: 'someone-else' });
    // Unfollow: the subscription is released.
    await click($(document.body, '[data-testid=logs-follow]')!);
    expect(FakeSocket.latest().sent.some((s) => s.type === 'logs_unsubscribe' && s.subscription === sub.subscription)).toBe(true);
  });

  it('works when the server names the subscription itself (its acknowledgement comes first)', async () => {
    await waitFor(() => lines().length === 2);
    await waitFor(() => FakeSocket.latest().sent.find((s) => s.type === 'logs_subscribe'));
    await pushWs({ type: 'logs', subscription: 'srv-7f3a', lines: [] });
    await pushWs({ type: 'logs', subscription: 'srv-7f3a', lines: [{ ts: null, stream: 'stdout', text: 'tick' }] });
    await waitFor(() => lines().length === 3);
    await click($(document.body, '[data-testid=logs-follow]')!);
    expect(FakeSocket.latest().sent.at(-1)).toEqual({ type: 'logs_unsubscribe', subscription: 'srv-7f3a' });
    // Lines still arriving for it (already in flight) are not shown, and the server is told again.
    await pushWs({ type: 'logs', subscription: 'srv-7f3a', lines: [{ ts: null, stream: 'stdout', text: 'late' }] });
    expect(lines().length).toBe(3);
  });

  it('shows a live-logs refusal from the server', async () => {
    await pushWs({ type: 'error', error: 'not_found', message: 'No container web on host1' });
    expect((await waitFor(() => $(document.body, '[data-testid=toast-error]'))).textContent).toContain('No container web on host1');
  });

  it('resubscribes after the connection comes back', async () => {
    await waitFor(() => FakeSocket.latest().sent.find((s) => s.type === 'logs_subscribe'));
    const first = FakeSocket.latest();
    first.drop();
    await waitFor(() => FakeSocket.all.length === 2, 4000); // reconnect after the first backoff step
    FakeSocket.latest().open();
    expect(FakeSocket.latest().sent.filter((s) => s.type === 'logs_subscribe')).toHaveLength(1);
  });

  it('searches within the lines', async () => {
    await waitFor(() => lines().length === 2);
    await typeIn($(document.body, '[data-testid=logs-search]') as HTMLInputElement, 'CACHE');
    await waitFor(() => lines().length === 1);
    expect(lines()[0].textContent).toContain('warning: cache cold');
  });
});
