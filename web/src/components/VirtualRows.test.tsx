import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, mount, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../test/harness';
import { container, dockerHost } from '../test/fixtures';
import type { ContractServer } from '../test/contract-server';
import { windowFor } from './VirtualRows';

describe('long tables', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { containers_total: 500 })];
      s.containers.set(1, Array.from({ length: 500 }, (_, i) => container(1, `svc-${String(i).padStart(3, '0')}`, i % 3 ? 'running' : 'exited', { compose_project: `p${i % 5}` })));
    });
    window.location.hash = '#/docker/1/containers';
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('renders only the visible part of 500 containers, with the full scroll height', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $(m.root, '[data-testid=container-count]')?.textContent === '500 of 500 containers');
    const rows = $$(m.root, '[data-testid=containers-table] tbody tr:not([aria-hidden])');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    const spacer = $(m.root, '[data-testid=containers-table] tbody tr[aria-hidden]:last-child')!;
    // 505 rows (5 project headers + 500 containers) × 44 px, minus what is rendered.
    expect(parseInt(spacer.style.height, 10)).toBe((505 - rows.length) * 44);
  });

  it('computes the window from the scroll position', () => {
    expect(windowFor(505, 0, 440, 44, 5)).toEqual({ first: 0, last: 20 });
    expect(windowFor(505, 4400, 440, 44, 5)).toEqual({ first: 95, last: 115 });
    expect(windowFor(505, 505 * 44, 440, 44, 5).last).toBe(505);
  });
});
