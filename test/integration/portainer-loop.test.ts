// The automatic sync: one loop per enabled server, started with the container, following the servers' changes
// (made, disabled, enabled, deleted), never two runs of one server at once. A real server with its scheduler on,
// against the Portainer simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLab } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const lab = sharedLab();
let ts: TestServer;
let sim: PortainerSim;
beforeAll(async () => {
  ts = await startTestServer({ scheduler: true });
  sim = await startPortainerSim({
    users: [{ username: 'admin', password: 's3cret-password', role: 'admin' }],
    apiKeys: [{ username: 'admin' }],
    endpoints: [{ name: 'loop-env', type: 1, socketPath: lab.hosts[0]!.dockerHost.replace(/^unix:\/\//, '') }, { name: 'loop-k8s', type: 5 }],
  });
}, 60_000);
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});

const JOB = (id: number) => `portainer-sync:portainer:${id}`;
const hostsOf = async (id: number) => ((await ts.api('GET', '/api/hosts')).body.hosts as Array<{ name: string; portainer_server_id: number | null }>).filter((h) => h.portainer_server_id === id);
async function until(what: string, ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const endpointCalls = () => sim.requests.filter((r) => r.method === 'GET' && r.path === '/api/endpoints').length;

describe('the sync loop', () => {
  it('starts when a server is added and syncs it on its own (create_and_update), with the status fields', async () => {
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: 'looped', url: sim.url, api_key: sim.apiKeys.get('admin'), sync_interval_s: 10 } });
    expect(r.status).toBe(201);
    expect(ts.container.scheduler.has(JOB(r.body.id))).toBe(true);
    await until('the first automatic sync', async () => (await hostsOf(r.body.id)).length === 1);
    expect((await hostsOf(r.body.id))[0]!.name).toBe('loop-env');
    const s = (await ts.api('GET', `/api/portainer/servers/${r.body.id}`)).body;
    expect(s).toMatchObject({ status: 'online', endpoints_total: 2, endpoints_up: 2, last_sync_at: expect.any(String) });
  });

  it('stops for a disabled server, starts again when enabled, ends with the server', async () => {
    const id = (await ts.api('GET', '/api/portainer/servers')).body.servers.find((s: { name: string }) => s.name === 'looped').id;
    expect((await ts.api('PATCH', `/api/portainer/servers/${id}`, { body: { enabled: false } })).status).toBe(200);
    expect(ts.container.scheduler.has(JOB(id))).toBe(false);
    // a run already going when the loop stopped may finish; none starts after
    await new Promise((r) => setTimeout(r, 500));
    const calls = endpointCalls();
    await new Promise((r) => setTimeout(r, 1500));
    expect(endpointCalls()).toBe(calls);
    expect((await ts.api('PATCH', `/api/portainer/servers/${id}`, { body: { enabled: true } })).status).toBe(200);
    expect(ts.container.scheduler.has(JOB(id))).toBe(true);
    expect((await ts.api('DELETE', `/api/portainer/servers/${id}`)).status).toBe(204);
    expect(ts.container.scheduler.has(JOB(id))).toBe(false);
    expect(await hostsOf(id)).toEqual([]);
  });

  it('a server made in update_only mode is synced without creating hosts', async () => {
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: 'upd', url: sim.url, api_key: sim.apiKeys.get('admin'), sync_mode: 'update_only', sync_interval_s: 10 } });
    await until('the first automatic sync', async () => (await ts.api('GET', `/api/portainer/servers/${r.body.id}`)).body.last_sync_at !== null);
    expect(await hostsOf(r.body.id)).toEqual([]);
    expect((await ts.api('POST', `/api/portainer/servers/${r.body.id}/sync`)).body).toMatchObject({ created: 1 });
  });

  it('two syncs of one server at once are one run: one environment listing, the same answer', async () => {
    // a disabled server has no loop, so nothing else lists its environments meanwhile
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: 'quiet', url: sim.url, api_key: sim.apiKeys.get('admin'), enabled: false } });
    const before = endpointCalls();
    // Asked in the same tick, as two requests arriving together are: two HTTP requests may not overlap at all on a
    // busy machine (a sync takes ~10 ms), which would test nothing.
    const [a, b] = await Promise.all([ts.container.portainer.sync.sync(r.body.id, 'manual'), ts.container.portainer.sync.sync(r.body.id, 'manual')]);
    expect(a).toMatchObject({ created: 1 });
    expect(b).toEqual(a);
    expect(endpointCalls() - before).toBe(1);
    // and the route answers with that run's result shape
    const again = await ts.api('POST', `/api/portainer/servers/${r.body.id}/sync`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, endpoints: a.endpoints });
  });

  it('the loops end when the container stops, and start again for enabled servers when it starts', async () => {
    const id = (await ts.api('GET', '/api/portainer/servers')).body.servers.find((s: { name: string }) => s.name === 'upd').id;
    ts = await ts.restart();
    await until('the loop after a restart', async () => ts.container.scheduler.has(JOB(id)));
  });
});
