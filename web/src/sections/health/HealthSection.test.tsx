import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, click, mount, pushWs, resetBrowser, restore, startServer, teardown, waitFor, type Mounted } from '../../test/harness';
import { dockerHost, hostHealth, serverHealth } from '../../test/fixtures';
import type { ContractServer } from '../../test/contract-server';

describe('health page', () => {
  let server: ContractServer;
  let m: Mounted | undefined;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.healthDetails = {
        generated_at: '2026-01-10T10:00:00.000Z',
        portainer_servers: [
          serverHealth(1, { name: 'lab', version: '2.27.3', endpoints_up: 2, endpoints_total: 3, last_sync_ms: 340, hosts: [
            hostHealth(7, { name: 'local', transport: 'portainer', portainer_endpoint_id: 1, last_collect_ms: 95, events: 'connecting' }),
          ] }),
          serverHealth(2, { name: 'far', status: 'unreachable', status_reason: 'connect ECONNREFUSED 10.0.0.2:9443', version: null,
            endpoints_up: null, endpoints_total: null, last_sync_at: null, last_sync_ms: null }),
        ],
        docker_hosts: [
          hostHealth(3, { name: 'nas', docker_version: '20.10.24', last_collect_ms: 212 }),
          hostHealth(4, { name: 'pi', docker_status: 'error', docker_status_reason: 'docker is not answering: Cannot connect to the Docker daemon', events: 'connecting' }),
          hostHealth(5, { name: 'printer', docker_enabled: false, docker_status: 'unknown', events: 'off', last_collect_at: null, last_collect_ms: null }),
        ],
      };
    });
    window.location.hash = '#/health';
  });
  afterEach(async () => {
    await teardown(m, server);
    m = undefined;
  });
  const srv = (id: number) => $(m!.root, `[data-testid=health-server][data-server-id="${id}"]`)!;
  const hostRow = (id: number) => $(m!.root, `[data-testid=health-host][data-host-id="${id}"]`)!;

  it('shows each Portainer server with reachability, version, environments, last sync and its duration, last error, and its hosts', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=health-server]').length === 2);
    expect($(m.root, '[data-testid=nav-health]')!.getAttribute('href')).toBe('#/health');
    const lab = srv(1);
    expect($(lab, '[data-testid=health-server-status]')!.textContent).toBe('online');
    expect($(lab, '[data-testid=health-server-version]')!.textContent).toBe('2.27.3');
    expect($(lab, '[data-testid=health-server-envs]')!.textContent).toBe('2 / 3');
    expect($(lab, '[data-testid=health-server-sync]')!.textContent).toContain('(340 ms)');
    expect($(lab, '[data-testid=health-server-error]')!.textContent).toBe('none');
    // its environment's host is listed under it, linked to the Docker section
    const local = $(lab, '[data-testid=health-host][data-host-id="7"]')!;
    expect($(local, '[data-testid=health-host-link]')!.getAttribute('href')).toBe('#/docker/7');
    expect($(local, '[data-testid=health-last-collect]')!.textContent).toContain('(95 ms)');
    expect($(local, '[data-testid=health-events]')!.textContent).toBe('reconnecting');
    const far = srv(2);
    expect($(far, '[data-testid=health-server-status]')!.textContent).toBe('unreachable');
    expect($(far, '[data-testid=health-server-error]')!.textContent).toBe('connect ECONNREFUSED 10.0.0.2:9443');
    expect($(far, '[data-testid=health-server-sync]')!.textContent).toBe('never');
    expect($(far, '[data-testid=health-server-envs]')!.textContent).toBe('— / —');
  });

  it('shows the SSH hosts: Docker status, version, last collection with its duration, events stream, the reason of a failure', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => hostRow(3));
    expect($(hostRow(3), '[data-testid=health-docker-status]')!.textContent).toBe('Docker: online');
    expect($(hostRow(3), '[data-testid=health-docker-version]')!.textContent).toBe('20.10.24');
    expect($(hostRow(3), '[data-testid=health-last-collect]')!.textContent).toContain('(212 ms)');
    expect($(hostRow(3), '[data-testid=health-events]')!.textContent).toBe('connected');
    expect($(hostRow(4), '[data-testid=health-docker-status]')!.textContent).toBe('Docker: error');
    expect($(hostRow(4), '[data-testid=health-host-reason]')!.textContent).toContain('Cannot connect to the Docker daemon');
    expect($(hostRow(5), '[data-testid=health-docker-status]')!.textContent).toBe('Docker off');
    expect($(hostRow(5), '[data-testid=health-host-link]')).toBeNull();
    expect($(hostRow(5), '[data-testid=health-last-collect]')).toBeNull();
  });

  it('reads the page again when a host changes over the WebSocket, and on the refresh button', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => hostRow(4));
    const reads = () => server.requests.filter((r) => r.method === 'GET' && r.url === '/api/health/details').length;
    const before = reads();
    server.healthDetails.docker_hosts[1] = hostHealth(4, { name: 'pi', docker_status: 'online', last_collect_ms: 77 });
    await pushWs({ type: 'docker_host_updated', host: dockerHost(4, { name: 'pi' }) });
    await pushWs({ type: 'docker_host_updated', host: dockerHost(4, { name: 'pi' }) });
    await waitFor(() => $(hostRow(4), '[data-testid=health-docker-status]')!.textContent === 'Docker: online', 4000);
    expect($(hostRow(4), '[data-testid=health-last-collect]')!.textContent).toContain('(77 ms)');
    expect($(hostRow(4), '[data-testid=health-host-reason]')).toBeNull();
    // two messages within the second: one read
    expect(reads()).toBe(before + 1);
    server.healthDetails.portainer_servers[1]!.status = 'online';
    server.healthDetails.portainer_servers[1]!.status_reason = null;
    await click($(m.root, '[data-testid=health-refresh]')!);
    await waitFor(() => $(srv(2), '[data-testid=health-server-status]')!.textContent === 'online');
  });

  it('speaks French', async () => {
    m = mount(server, undefined, { loginAs: 'viewer', lang: 'fr' });
    await restore(m);
    await waitFor(() => $$(m!.root, '[data-testid=health-server]').length === 2);
    expect($(m.root, '#health-title')!.textContent).toBe('Santé');
    expect($(srv(2), '[data-testid=health-server-status]')!.textContent).toBe('injoignable');
    expect($(hostRow(5), '[data-testid=health-docker-status]')!.textContent).toBe('Docker inactif');
    expect($(srv(1), '[data-testid=health-server-error]')!.textContent).toBe('aucune');
  });
});
