import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, choose, click, mount, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
import { container, dockerHost } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('log capture switch in the logs drawer', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  const web = container(1, 'web', 'running', { log_capture: 'stderr' });
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1)];
      s.containers.set(1, [{ ...web }]);
    });
    window.location.hash = '#/docker/1/containers';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });
  const open = async (user: string) => {
    m = mount(server, undefined, { loginAs: user });
    await restore(m);
    const r = await waitFor(() => $(m!.root, '[data-testid=container-row][data-name=web]'));
    await click($(r, '[data-testid=view-logs]')!);
    return waitFor(() => $(document.body, '[data-testid=logs-drawer]'));
  };

  it('an operator sees the current mode and changes it through the settings route', async () => {
    const drawer = await open('op');
    const select = $(drawer, '[data-testid=logs-capture]') as HTMLSelectElement;
    expect(select.value).toBe('stderr');
    expect(select.closest('label')!.textContent).toContain('Capture');
    await choose(select, 'both');
    const ok = await waitFor(() => $(document.body, '[data-testid=toast-success]'));
    expect(ok.textContent).toContain('Capture of web: stdout and stderr');
    const req = server.requests.find((r) => r.method === 'PATCH')!;
    expect(req.url).toBe(`/api/docker/containers/1/${web.container_id}/settings`);
    expect(req.body).toEqual({ log_capture: 'both' });
    expect(server.containers.get(1)![0].log_capture).toBe('both');
    expect(select.value).toBe('both');
  });

  it('a refused change shows the server message and puts the previous mode back', async () => {
    server.failures.set(`/api/docker/containers/1/${web.container_id}/settings`, { status: 422, error: 'invalid', message: 'capture is not available here' });
    const drawer = await open('op');
    const select = $(drawer, '[data-testid=logs-capture]') as HTMLSelectElement;
    await choose(select, 'off');
    const err = await waitFor(() => $(document.body, '[data-testid=toast-error]'));
    expect(err.textContent).toContain('capture is not available here');
    await waitFor(() => select.value === 'stderr');
  });

  it('a viewer reads the mode but cannot change it', async () => {
    const drawer = await open('viewer');
    expect($(drawer, '[data-testid=logs-capture]')).toBeNull();
    expect($(drawer, '[data-testid=logs-capture-value]')!.textContent).toBe('Capture: stderr');
  });
});
