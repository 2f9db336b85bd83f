// A Portainer environment as a Docker host of the real server, end to end: added through the API, synced, then
// collected, acted on, read (logs, inspect) and watched through the same routes as an SSH host, with the Docker
// Engine API reached only through the strict simulator's proxy in front of the real lab dockerds. And after a restart
// of the server, its hosts are still collected (the server's connection settings are read at start).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, sharedLab } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const lab = sharedLab();
const sock = (i: number) => lab.hosts[i]!.dockerHost.replace(/^unix:\/\//, '');

let ts: TestServer;
let sim: PortainerSim;
let hostIds: Record<string, number> = {};
beforeAll(async () => {
  sim = await startPortainerSim({
    users: [{ username: 'admin', password: 'pt-hosts-password', role: 'admin' }],
    apiKeys: [{ username: 'admin' }],
    endpoints: [
      { name: 'ph-local', type: 1, socketPath: sock(0) },
      { name: 'ph-agent', type: 2, socketPath: sock(2) },
    ],
  });
  ts = await startTestServer();
  const made = await ts.api('POST', '/api/portainer/servers', { body: { name: 'ph', url: sim.url, api_key: sim.apiKeys.get('admin') } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const synced = await ts.api('POST', `/api/portainer/servers/${made.body.id}/sync`, { role: 'operator' });
  expect(synced.body).toMatchObject({ created: 2, errors: [] });
  hostIds = Object.fromEntries(((await ts.api('GET', '/api/hosts')).body.hosts as { id: number; name: string }[]).map((h) => [h.name, h.id]));
}, 90_000);
afterAll(async () => {
  await lab.hosts[2]!.docker(['start', SEED.noisy]).catch(() => undefined);
  await ts?.destroy();
  await sim?.stop();
});

const names = (out: string) => out.trim().split('\n').filter(Boolean).sort();

describe('a Portainer environment as a Docker host', () => {
  it('is collected: its containers are exactly those docker ps -a lists on the dockerd behind it', async () => {
    for (const [env, i] of [['ph-local', 0], ['ph-agent', 2]] as const) {
      const c = await ts.api('POST', `/api/docker/hosts/${hostIds[env]}/collect`, { role: 'operator' });
      expect(c.status, JSON.stringify(c.body)).toBe(200);
      expect(c.body).toMatchObject({ docker_status: 'online', errors: [] });
      const list = await ts.api('GET', `/api/docker/hosts/${hostIds[env]}/containers`, { role: 'viewer' });
      const truth = names((await lab.hosts[i]!.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout);
      expect(list.body.containers.map((x: { name: string }) => x.name).sort(), env).toEqual(truth);
      const web = list.body.containers.find((x: { name: string }) => x.name === SEED.web);
      expect(web).toMatchObject({ state: 'running', host_id: hostIds[env] });
    }
    const card = (await ts.api('GET', '/api/docker/hosts')).body.hosts.find((h: { id: number }) => h.id === hostIds['ph-agent']);
    expect(card).toMatchObject({ transport: 'portainer', docker_status: 'online', capabilities: { redeploy: false, compose_actions: false } });
    expect(card.containers_total).toBeGreaterThan(0);
  });

  it('takes actions through the same route: the real container changes, the answer carries its new state', async () => {
    const id = hostIds['ph-agent'];
    const stop = await ts.api('POST', `/api/docker/containers/${id}/${SEED.noisy}/stop`, { role: 'operator' });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(stop.body).toMatchObject({ success: true, task_id: expect.any(Number), container: { name: SEED.noisy, state: 'exited' } });
    expect((await lab.hosts[2]!.docker(['inspect', '-f', '{{.State.Status}}', SEED.noisy])).stdout.trim()).toBe('exited');
    const again = await ts.api('POST', `/api/docker/containers/${id}/${SEED.noisy}/stop`, { role: 'operator' });
    expect(again.status).toBe(200); // Docker's 304: already in that state, a success
    const start = await ts.api('POST', `/api/docker/containers/${id}/${SEED.noisy}/start`, { role: 'operator' });
    expect(start.body).toMatchObject({ success: true, container: { state: 'running' } });
    expect((await lab.hosts[2]!.docker(['inspect', '-f', '{{.State.Status}}', SEED.noisy])).stdout.trim()).toBe('running');
    const missing = await ts.api('POST', `/api/docker/containers/${id}/no-such-ctr/restart`, { role: 'operator' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: expect.any(String), message: expect.any(String) });
  });

  it('serves logs and inspect through the same routes', async () => {
    const id = hostIds['ph-local'];
    const logs = await ts.api('GET', `/api/docker/containers/${id}/${SEED.noisy}/logs?tail=5`, { role: 'viewer' });
    expect(logs.status, JSON.stringify(logs.body)).toBe(200);
    expect(logs.body.lines.length).toBeGreaterThan(0);
    const ins = await ts.api('GET', `/api/docker/containers/${id}/${SEED.web}/inspect`, { role: 'viewer' });
    expect(ins.status).toBe(200);
    expect(ins.body).toMatchObject({ Name: `/${SEED.web}` });
  });

  it('a down environment makes its host unreachable with the reason, and it recovers', async () => {
    const endpointId = (await ts.api('GET', `/api/hosts/${hostIds['ph-local']}`)).body.portainer_endpoint_id;
    sim.setEndpointDown(endpointId);
    try {
      const c = await ts.api('POST', `/api/docker/hosts/${hostIds['ph-local']}/collect`, { role: 'operator' });
      // Portainer's own reason reaches the user, as for an SSH host whose daemon is down
      expect(c.body.docker_status).toBe('error');
      expect(c.body.errors).toEqual([{ section: 'docker', message: expect.stringContaining('Unable to proxy the request via the Docker socket') }]);
      const card = (await ts.api('GET', '/api/docker/hosts')).body.hosts.find((h: { id: number }) => h.id === hostIds['ph-local']);
      expect(card.docker_status_reason).toContain('Unable to proxy');
    } finally {
      await sim.setEndpointUp(endpointId);
    }
    const back = await ts.api('POST', `/api/docker/hosts/${hostIds['ph-local']}/collect`, { role: 'operator' });
    expect(back.body.docker_status).toBe('online');
  });

  it('after a restart of the dashboard its hosts are collected at once, before any sync', async () => {
    ts = await ts.restart();
    const c = await ts.api('POST', `/api/docker/hosts/${hostIds['ph-agent']}/collect`, { role: 'operator' });
    expect(c.body, JSON.stringify(c.body)).toMatchObject({ docker_status: 'online', errors: [] });
  });
});
