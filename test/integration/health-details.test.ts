// GET /api/health/details, the health page's one call: per Portainer server its reachability, version, environments
// up/total, last sync and its duration, last error, and the hosts of its environments; then the SSH hosts with their
// Docker status, last collection and its duration, and their events stream. A real server with its loops on, the
// Portainer simulator in front of a real lab dockerd, and a real lab host over SSH.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER, sharedLab } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const lab = sharedLab();
const sshHost = lab.hosts[lab.hosts.length - 1]!;
let ts: TestServer;
let sim: PortainerSim;
let serverId: number;
let badId: number;
let sshId: number;

beforeAll(async () => {
  [ts, sim] = await Promise.all([
    startTestServer({ scheduler: true, sshKeyFile: lab.clientKeyPath }),
    startPortainerSim({
      users: [{ username: 'admin', password: 's3cret-password', role: 'admin' }],
      apiKeys: [{ username: 'admin' }],
      endpoints: [{ name: 'hd-env', type: 1, socketPath: lab.hosts[0]!.dockerHost.replace(/^unix:\/\//, '') }, { name: 'hd-k8s', type: 5 }],
    }),
  ]);
  const s = await ts.api('POST', '/api/portainer/servers', { body: { name: 'hd-lab', url: sim.url, api_key: sim.apiKeys.get('admin'), sync_interval_s: 3600 } });
  serverId = s.body.id;
  const bad = await ts.api('POST', '/api/portainer/servers', { body: { name: 'hd-bad', url: sim.url, api_key: 'ptr_wrong', sync_interval_s: 3600 } });
  badId = bad.body.id;
  const h = await ts.api('POST', '/api/hosts', { body: { name: 'hd-ssh', host: sshHost.address, port: sshHost.port, username: LAB_USER } });
  sshId = h.body.id;
  expect((await ts.api('POST', `/api/hosts/${sshId}/check`)).status).toBe(200);
}, 90_000);
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});

const details = async () => {
  const r = await ts.api('GET', '/api/health/details', { role: 'viewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('GET /api/health/details', () => {
  it('needs a token (the public /api/health stays as it was)', async () => {
    expect((await ts.api('GET', '/api/health/details', { role: null })).status).toBe(401);
    const pub = await ts.api('GET', '/api/health', { role: null });
    expect(pub.status).toBe(200);
    expect(Object.keys(pub.body).sort()).toEqual(['database', 'status', 'uptime_s', 'version']);
  });

  it('shows a synced server online with its version, environments up/total, last sync and its duration, and its host under it', async () => {
    const sync = await ts.api('POST', `/api/portainer/servers/${serverId}/sync`);
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    const hostId = (await ts.api('GET', '/api/hosts')).body.hosts.find((h: { portainer_server_id: number | null }) => h.portainer_server_id === serverId).id;
    expect((await ts.api('POST', `/api/docker/hosts/${hostId}/collect`)).status).toBe(200);
    const d = await details();
    const s = d.portainer_servers.find((x: { id: number }) => x.id === serverId);
    expect(s).toMatchObject({ name: 'hd-lab', status: 'online', status_reason: null, version: sim.version, endpoints_total: 2, endpoints_up: 2, last_sync_at: expect.any(String) });
    expect(s.last_sync_ms).toBeGreaterThanOrEqual(0);
    expect(s.hosts).toHaveLength(1);
    const real = (await lab.hosts[0]!.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();
    expect(s.hosts[0], JSON.stringify(s.hosts[0])).toMatchObject({ id: hostId, name: 'hd-env', transport: 'portainer', docker_enabled: true, docker_status: 'online', docker_version: real, portainer_endpoint_id: 1 });
    expect(s.hosts[0].last_collect_at).toEqual(expect.any(String));
    expect(s.hosts[0].last_collect_ms).toBeGreaterThanOrEqual(0);
    // A Portainer host is listed under its server, not again among the SSH hosts.
    expect(d.docker_hosts.map((h: { id: number }) => h.id)).not.toContain(hostId);
  });

  it('shows a server whose key is refused with its last error', async () => {
    expect((await ts.api('POST', `/api/portainer/servers/${badId}/test`)).status).toBe(502);
    const s = (await details()).portainer_servers.find((x: { id: number }) => x.id === badId);
    expect(s).toMatchObject({ name: 'hd-bad', status: 'error', hosts: [] });
    expect(s.status_reason).toMatch(/\S/);
  });

  it('shows an SSH host with Docker off, then its Docker, last collection with its duration and its live events stream', async () => {
    const off = (await details()).docker_hosts.find((h: { id: number }) => h.id === sshId);
    expect(off).toMatchObject({ name: 'hd-ssh', transport: 'ssh', status: 'online', docker_enabled: false, events: 'off', last_collect_at: null, last_collect_ms: null });
    expect((await ts.api('POST', `/api/docker/hosts/${sshId}/enable`)).status).toBe(200);
    const on = await until('the events stream of the SSH host', async () => (await details()).docker_hosts.find((h: { id: number }) => h.id === sshId),
      (h) => h.events === 'connected' && h.last_collect_ms !== null);
    const real = (await sshHost.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();
    expect(on).toMatchObject({ docker_enabled: true, docker_status: 'online', docker_status_reason: null, docker_version: real, last_collect_at: expect.any(String) });
    expect(on.last_collect_ms).toBeGreaterThanOrEqual(0);
  });
});
