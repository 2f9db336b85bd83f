// Portainer servers against the strict simulator (test/support/portainer) through the real client: the test and its
// certificate pinning, the sync (Docker kinds only, both modes, manual sync, removal, a down environment, the
// default group rule, hosts matched by environment id and never by name), the environments' figures against the real
// lab dockerds, and a server's deletion. Real HTTP(S), real SQLite, real dockerds behind the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLab } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const lab = sharedLab();
const sock = (i: number) => lab.hosts[i]!.dockerHost.replace(/^unix:\/\//, '');
const PASSWORD = 's3cret-password';

let ts: TestServer;
let sim: PortainerSim;
beforeAll(async () => {
  ts = await startTestServer();
  sim = await startPortainerSim({
    https: true,
    users: [{ username: 'admin', password: PASSWORD, role: 'admin' }],
    apiKeys: [{ username: 'admin' }],
    endpoints: [
      { name: 'env-local', type: 1, socketPath: sock(0) },
      { name: 'env-agent', type: 2, socketPath: sock(1) },
      { name: 'env-edge', type: 4 },
      { name: 'env-k8s', type: 5 },
    ],
  });
}, 60_000);
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});

let n = 0;
async function addServer(extra: Record<string, unknown> = {}): Promise<{ id: number; name: string }> {
  const r = await ts.api('POST', '/api/portainer/servers', {
    body: { name: `sim-${++n}`, url: sim.url, api_key: sim.apiKeys.get('admin'), tls_fingerprint: sim.fingerprint256, ...extra },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
const endpointsOf = async (id: number) => {
  const r = await ts.api('GET', `/api/portainer/servers/${id}/endpoints`, { role: 'viewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.endpoints as Array<Record<string, any>>;
};
const hostsOf = async (serverId: number) => ((await ts.api('GET', '/api/hosts')).body.hosts as Array<Record<string, any>>).filter((h) => h.portainer_server_id === serverId);
const sync = (id: number, role: 'operator' | 'admin' = 'operator') => ts.api('POST', `/api/portainer/servers/${id}/sync`, { role });

describe('testing a server', () => {
  it('answers version, instance id and the environments seen, pins the certificate at the first success', async () => {
    const r0 = await ts.api('POST', '/api/portainer/servers', { body: { name: 'pin-me', url: sim.url, username: 'admin', password: PASSWORD } });
    expect(r0.body.tls_fingerprint).toBeNull();
    const t = await ts.api('POST', `/api/portainer/servers/${r0.body.id}/test`);
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    expect(t.body).toEqual({ ok: true, version: sim.version, instance_id: sim.instanceId, endpoints: 4, tls_fingerprint: sim.fingerprint256 });
    const after = (await ts.api('GET', `/api/portainer/servers/${r0.body.id}`, { role: 'viewer' })).body;
    expect(after).toMatchObject({ status: 'online', status_reason: null, version: sim.version, instance_id: sim.instanceId, tls_fingerprint: sim.fingerprint256, endpoints_total: 4, endpoints_up: expect.any(Number) });
    expect(JSON.stringify(after)).not.toContain(PASSWORD);
  });

  it('refuses a changed certificate with a clear 409 and records it; an admin clearing the pin lets the next test pin the new one', async () => {
    const s = await addServer();
    expect((await ts.api('POST', `/api/portainer/servers/${s.id}/test`)).status).toBe(200);
    const old = sim.fingerprint256;
    const rotated = await sim.rotateCertificate();
    expect(rotated).not.toBe(old);
    const t = await ts.api('POST', `/api/portainer/servers/${s.id}/test`);
    expect(t.status).toBe(409);
    expect(t.body.error).toBe('tls_fingerprint_changed');
    expect(t.body.message).toContain(old);
    // the sync refuses it too: nothing is read from a server that is not the one pinned
    expect((await sync(s.id)).status).toBe(409);
    const after = (await ts.api('GET', `/api/portainer/servers/${s.id}`)).body;
    expect(after.status).toBe('error');
    expect(after.tls_fingerprint).toBe(old);
    expect((await ts.api('PATCH', `/api/portainer/servers/${s.id}`, { body: { tls_fingerprint: null } })).status).toBe(200);
    const again = await ts.api('POST', `/api/portainer/servers/${s.id}/test`);
    expect(again.status).toBe(200);
    expect(again.body.tls_fingerprint).toBe(rotated);
  });

  it('answers 502 with Portainer\'s reason for a wrong password', async () => {
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: 'wrong-pw', url: sim.url, username: 'admin', password: 'not-it', tls_fingerprint: sim.fingerprint256 } });
    const t = await ts.api('POST', `/api/portainer/servers/${r.body.id}/test`);
    expect(t.status).toBe(502);
    expect(t.body.error).toBe('portainer_auth');
    expect(t.body.message).toMatch(/Invalid credentials/);
    expect((await ts.api('GET', `/api/portainer/servers/${r.body.id}`)).body).toMatchObject({ status: 'error', status_reason: expect.stringMatching(/Invalid credentials/) });
  });
});

describe('the sync', () => {
  it('makes a host of each Docker environment only; Edge and Kubernetes are listed with a reason', async () => {
    const s = await addServer();
    const r = await sync(s.id);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ created: 2, updated: 0, removed: 0, endpoints: 4, errors: [] });
    expect(r.body.duration_ms).toEqual(expect.any(Number));
    const hosts = await hostsOf(s.id);
    expect(hosts.map((h) => h.name).sort()).toEqual(['env-agent', 'env-local']);
    for (const h of hosts) expect(h).toMatchObject({ transport: 'portainer', docker_enabled: true, host: null, port: null, username: null, status: 'online' });
    const eps = await endpointsOf(s.id);
    const by = Object.fromEntries(eps.map((e) => [e.name, e]));
    expect(by['env-local']).toMatchObject({ type: 1, host_id: hosts.find((h) => h.name === 'env-local')!.id, reason: null, status: 'up' });
    expect(by['env-agent']).toMatchObject({ type: 2, host_id: hosts.find((h) => h.name === 'env-agent')!.id, reason: null });
    expect(by['env-edge']).toMatchObject({ type: 4, host_id: null, reason: expect.any(String) });
    expect(by['env-k8s']).toMatchObject({ type: 5, host_id: null, reason: expect.any(String) });
    const server = (await ts.api('GET', `/api/portainer/servers/${s.id}`)).body;
    expect(server).toMatchObject({ status: 'online', endpoints_total: 4, host_count: 2, last_sync_at: expect.any(String), last_sync_ms: expect.any(Number), version: sim.version });
    // a second sync changes nothing
    expect((await sync(s.id)).body).toMatchObject({ created: 0, updated: 0, removed: 0 });
  });

  it('reports the environments\' figures as the real dockerd sees them', async () => {
    const s = await addServer();
    // what Portainer's 5-minute snapshot loop would do: figures as of now (running = state running: paused ones are not)
    expect(await sim.snapshot(1)).toBe(true);
    const ep = (await endpointsOf(s.id)).find((e) => e.name === 'env-local')!;
    const running = (await lab.hosts[0]!.docker(['ps', '-q', '--filter', 'status=running'])).stdout.trim().split('\n').filter(Boolean).length;
    const exited = (await lab.hosts[0]!.docker(['ps', '-aq', '--filter', 'status=exited'])).stdout.trim().split('\n').filter(Boolean).length;
    const info = JSON.parse((await lab.hosts[0]!.docker(['info', '--format', '{{json .}}'])).stdout);
    expect(ep).toMatchObject({
      containers_running: running, containers_stopped: exited, cpu_count: info.NCPU, memory_bytes: info.MemTotal,
      docker_version: info.ServerVersion, services: 0, snapshot_at: expect.any(String),
    });
    // not a host yet (no sync): no host, no health counts, and the reason says how to get one
    expect(ep.host_id).toBeNull();
    expect(ep.containers_healthy).toBeNull();
  });

  it('update_only: the automatic sync creates nothing, a manual sync does', async () => {
    const s = await addServer({ sync_mode: 'update_only' });
    const auto = await ts.container.portainer.sync.sync(s.id, 'auto');
    expect(auto).toMatchObject({ created: 0, removed: 0, endpoints: 4 });
    expect(await hostsOf(s.id)).toEqual([]);
    expect((await endpointsOf(s.id)).find((e) => e.name === 'env-local')).toMatchObject({ host_id: null, reason: expect.stringMatching(/update_only/) });
    expect((await sync(s.id)).body).toMatchObject({ created: 2 });
    expect((await hostsOf(s.id)).length).toBe(2);
    // and once they exist, the automatic sync keeps them up to date
    expect(await ts.container.portainer.sync.sync(s.id, 'auto')).toMatchObject({ created: 0, updated: 0, removed: 0 });
  });

  it('create_and_update: the automatic sync creates the hosts', async () => {
    const s = await addServer();
    expect(await ts.container.portainer.sync.sync(s.id, 'auto')).toMatchObject({ created: 2 });
  });

  it('an environment removed in Portainer removes its host; hosts of the same name elsewhere stay', async () => {
    const id = await sim.addEndpoint({ name: 'env-gone', type: 1, socketPath: sock(2) });
    const s = await addServer();
    const other = await addServer();
    const byHand = (await ts.api('POST', '/api/hosts', { body: { name: 'env-gone', host: 'env-gone.lan' } })).body;
    await sync(s.id);
    await sync(other.id);
    const gone = (await hostsOf(s.id)).find((h) => h.name === 'env-gone')!;
    const kept = (await hostsOf(other.id)).find((h) => h.name === 'env-gone')!;
    expect(gone.portainer_endpoint_id).toBe(id);
    sim.removeEndpoint(id);
    const r = await sync(s.id);
    expect(r.body).toMatchObject({ removed: 1, created: 0, endpoints: 4 });
    expect((await ts.api('GET', `/api/hosts/${gone.id}`)).status).toBe(404);
    expect((await ts.api('GET', `/api/hosts/${kept.id}`)).status).toBe(200);
    expect((await ts.api('GET', `/api/hosts/${byHand.id}`)).status).toBe(200);
    expect((await hostsOf(s.id)).map((h) => h.name).sort()).toEqual(['env-agent', 'env-local']);
  });

  it('an environment that is down stays a host, not online, with the reason', async () => {
    const id = await sim.addEndpoint({ name: 'env-down', type: 2, socketPath: sock(2) });
    const s = await addServer();
    await sync(s.id);
    sim.setEndpointDown(id);
    const r = await sync(s.id);
    expect(r.body).toMatchObject({ updated: 1, removed: 0 });
    const h = (await hostsOf(s.id)).find((x) => x.name === 'env-down')!;
    expect(h).toMatchObject({ status: 'offline', status_reason: expect.stringMatching(/down/) });
    expect((await endpointsOf(s.id)).find((e) => e.name === 'env-down')).toMatchObject({ status: 'down', host_id: h.id, reason: expect.stringMatching(/down/) });
    await sim.setEndpointUp(id);
    expect((await sync(s.id)).body).toMatchObject({ updated: 1 });
    expect((await hostsOf(s.id)).find((x) => x.name === 'env-down')).toMatchObject({ status: 'online', status_reason: null });
    sim.removeEndpoint(id);
  });

  it('gives new hosts the default group, unless a host of that name already sits in that group', async () => {
    // a host added by hand, of the same name as an environment, already in the group
    const byHand = (await ts.api('POST', '/api/hosts', { body: { name: 'env-agent', host: 'env-agent.lan' } }));
    const id = byHand.status === 201 ? byHand.body.id : (await ts.container.repos.hosts.getByName('env-agent'))!.id;
    expect((await ts.api('PATCH', `/api/hosts/${id}`, { body: { groups: ['lab'] } })).body.groups).toEqual(['lab']);
    const s = await addServer({ default_group: 'lab' });
    await sync(s.id);
    const hosts = Object.fromEntries((await hostsOf(s.id)).map((h) => [h.name, h]));
    expect(hosts['env-local']!.groups).toEqual(['lab']);
    expect(hosts['env-agent']!.groups).toEqual([]);
  });

  it('groups set by hand on a discovered host survive the sync; its name stays Portainer\'s (422 says where to rename)', async () => {
    const s = await addServer({ default_group: 'lab' });
    await sync(s.id);
    const local = (await hostsOf(s.id)).find((h) => h.name === 'env-local')!;
    const set = await ts.api('PATCH', `/api/hosts/${local.id}`, { body: { groups: ['Salle serveur', 'lab'] } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.groups).toEqual(['Salle serveur', 'lab']);
    const rename = await ts.api('PATCH', `/api/hosts/${local.id}`, { body: { name: 'my-name' } });
    expect(rename.status).toBe(422);
    expect(rename.body).toEqual({ error: 'invalid_input', message: expect.stringContaining('rename the environment in Portainer') });
    await sync(s.id);
    expect((await ts.api('GET', `/api/hosts/${local.id}`)).body).toMatchObject({ name: 'env-local', groups: ['Salle serveur', 'lab'] });
    const inGroup = await ts.api('GET', `/api/docker/hosts?group=${encodeURIComponent('Salle serveur')}`, { role: 'viewer' });
    expect(inGroup.body.hosts.map((h: { id: number }) => h.id)).toEqual([local.id]);
  });

  it('password auth works too, and an operator may sync but not test or edit', async () => {
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: 'with-pw', url: sim.url, username: 'admin', password: PASSWORD, tls_fingerprint: sim.fingerprint256 } });
    expect((await sync(r.body.id)).body).toMatchObject({ created: 2, errors: [] });
    expect((await ts.api('POST', `/api/portainer/servers/${r.body.id}/test`, { role: 'operator' })).status).toBe(403);
    expect((await ts.api('POST', `/api/portainer/servers/${r.body.id}/sync`, { role: 'viewer' })).status).toBe(403);
  });

  it('deleting a server removes its hosts', async () => {
    const s = await addServer();
    await sync(s.id);
    const ids = (await hostsOf(s.id)).map((h) => h.id);
    expect(ids.length).toBe(2);
    expect((await ts.api('DELETE', `/api/portainer/servers/${s.id}`)).status).toBe(204);
    for (const id of ids) expect((await ts.api('GET', `/api/hosts/${id}`)).status).toBe(404);
  });
});
