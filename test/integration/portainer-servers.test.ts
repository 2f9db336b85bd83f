// Portainer servers through the real API on real SQLite: validation (422 and nothing written), credentials sealed at
// rest and never answered, CRUD, and a server's deletion taking its hosts (and their containers) with it. These need
// no Portainer at all; the sync and the test against the simulator are in portainer-sync.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

const PASSWORD = 'very-secret-portainer-password';
const API_KEY = 'ptr_c2VjcmV0LWtleS1vZi1wb3J0YWluZXItZm9yLXRlc3Rz';
let n = 0;
const post = (body: Record<string, unknown>) => ts.api('POST', '/api/portainer/servers', { body });
const valid = (extra: Record<string, unknown> = {}) => ({ name: `p${++n}`, url: 'https://portainer.lan:9443', username: 'admin', password: PASSWORD, ...extra });
const rows = () => ts.container.db.kysely.selectFrom('portainer_servers').selectAll().execute();

describe('creating a Portainer server', () => {
  it('stores it with the defaults and answers without credentials; `auth` says which kind', async () => {
    const r = await post(valid({ name: 'home' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'home', url: 'https://portainer.lan:9443', auth: 'password', username: 'admin', tls_fingerprint: null,
      default_group: null, sync_mode: 'create_and_update', sync_interval_s: 60, enabled: true, status: 'unknown',
      status_reason: null, version: null, instance_id: null, last_sync_at: null, endpoints_total: null, host_count: 0,
    });
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(PASSWORD);
    expect(r.body).not.toHaveProperty('password');
    expect(r.body).not.toHaveProperty('credentials');
    const key = await post({ name: 'keyed', url: 'http://10.0.0.5:9000', api_key: API_KEY, sync_mode: 'update_only', sync_interval_s: 10, default_group: 'lab' });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ auth: 'api_key', username: null, url: 'http://10.0.0.5:9000', sync_mode: 'update_only', sync_interval_s: 10, default_group: 'lab' });
    expect(JSON.stringify(key.body)).not.toContain(API_KEY);
  });

  it('keeps the credentials encrypted at rest: the database row holds no password or key in clear', async () => {
    const all = await rows();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const row of all) {
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
      expect(JSON.stringify(row)).not.toContain(API_KEY);
      expect(row.credentials).toMatch(/^v1:/);
    }
    // and they open again with the server's key (what the client will be given)
    const home = all.find((r) => r.name === 'home')!;
    expect(JSON.parse(ts.container.secretBox.decrypt(home.credentials))).toEqual({ username: 'admin', password: PASSWORD });
  });

  it('lists servers for viewers, with no credentials', async () => {
    const list = await ts.api('GET', '/api/portainer/servers', { role: 'viewer' });
    expect(list.status).toBe(200);
    expect(list.body.servers.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['home', 'keyed']));
    expect(JSON.stringify(list.body)).not.toContain(PASSWORD);
    const one = await ts.api('GET', `/api/portainer/servers/${list.body.servers[0].id}`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body.servers[0]);
    expect((await ts.api('GET', '/api/portainer/servers/99999', { role: 'viewer' })).status).toBe(404);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['a URL with a path', { url: 'https://portainer.lan:9443/api' }],
    ['a URL with user info', { url: 'https://admin:pw@portainer.lan:9443' }],
    ['a URL with an @ trick', { url: 'https://portainer.lan:9443@evil.example' }],
    ['a URL with a query', { url: 'http://portainer.lan:9000?x=1' }],
    ['a URL with a fragment', { url: 'http://portainer.lan:9000#x' }],
    ['another scheme', { url: 'ftp://portainer.lan:21' }],
    ['tcp://', { url: 'tcp://portainer.lan:9000' }],
    ['no scheme', { url: 'portainer.lan:9000' }],
    ['a port out of range', { url: 'http://portainer.lan:70000' }],
    ['an IPv4 out of range', { url: 'http://300.1.1.1:9000' }],
    ['spaces', { url: 'http://portainer lan:9000' }],
    ['both kinds of credentials', { api_key: API_KEY }],
    ['a password without a user', { username: undefined }],
    ['a user without a password', { password: undefined }],
    ['sync_interval_s below 10', { sync_interval_s: 9 }],
    ['sync_interval_s not an integer', { sync_interval_s: 12.5 }],
    ['an unknown sync mode', { sync_mode: 'create_only' }],
    ['a malformed fingerprint', { tls_fingerprint: 'AB:CD' }],
    ['a bad group', { default_group: 'no spaces allowed' }],
    ['an unknown field', { verify_tls: false }],
  ];
  it.each(bad)('answers 422 for %s, and writes nothing', async (_what, change) => {
    const before = (await rows()).length;
    const body = valid(change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k as keyof typeof body];
    const r = await post(body);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect((await rows()).length).toBe(before);
  });

  it('answers 422 for no credentials at all', async () => {
    const r = await post({ name: 'none', url: 'http://portainer.lan:9000' });
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(/credentials/);
  });

  it('refuses a second server of the same name (409)', async () => {
    const r = await post(valid({ name: 'home' }));
    expect(r.status).toBe(409);
  });

  it('normalises the URL and the fingerprint', async () => {
    const fp = 'ab'.repeat(32);
    const r = await post(valid({ url: 'https://Portainer.LAN:9443/', tls_fingerprint: fp }));
    expect(r.status).toBe(201);
    expect(r.body.url).toBe('https://portainer.lan:9443');
    expect(r.body.tls_fingerprint).toBe(Array(32).fill('AB').join(':'));
  });

  it('viewers and operators cannot add one', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      expect((await ts.api('POST', '/api/portainer/servers', { role, body: valid() })).status).toBe(403);
    }
  });
});

describe('editing a Portainer server', () => {
  it('changes fields, replaces credentials of another kind, never answers them', async () => {
    const made = (await post(valid())).body;
    const r = await ts.api('PATCH', `/api/portainer/servers/${made.id}`, { body: { api_key: API_KEY, sync_mode: 'update_only', sync_interval_s: 30, enabled: false, default_group: 'docker' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ auth: 'api_key', username: null, sync_mode: 'update_only', sync_interval_s: 30, enabled: false, default_group: 'docker' });
    expect(JSON.stringify(r.body)).not.toContain(API_KEY);
    const row = (await rows()).find((x) => x.id === made.id)!;
    expect(JSON.parse(ts.container.secretBox.decrypt(row.credentials))).toEqual({ api_key: API_KEY });
  });

  it('a new URL drops the pinned certificate (another address, another certificate) unless one is given', async () => {
    const made = (await post(valid({ tls_fingerprint: 'cd'.repeat(32) }))).body;
    expect(made.tls_fingerprint).not.toBeNull();
    const same = await ts.api('PATCH', `/api/portainer/servers/${made.id}`, { body: { name: `${made.name}-renamed` } });
    expect(same.body.tls_fingerprint).toBe(made.tls_fingerprint);
    const moved = await ts.api('PATCH', `/api/portainer/servers/${made.id}`, { body: { url: 'https://other.lan:9443' } });
    expect(moved.status).toBe(200);
    expect(moved.body.tls_fingerprint).toBeNull();
  });

  it('answers 422 for bad values and leaves the row as it was', async () => {
    const made = (await post(valid())).body;
    const before = (await rows()).find((x) => x.id === made.id);
    for (const body of [{ url: 'https://x.lan:9443/path' }, { sync_interval_s: 5 }, { username: 'admin', password: 'x', api_key: API_KEY }, { username: 'only-user' }, {}]) {
      const r = await ts.api('PATCH', `/api/portainer/servers/${made.id}`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await rows()).find((x) => x.id === made.id)).toEqual(before);
  });

  it('answers 404 for an unknown server and 409 for a name taken', async () => {
    expect((await ts.api('PATCH', '/api/portainer/servers/99999', { body: { name: 'x' } })).status).toBe(404);
    const made = (await post(valid())).body;
    expect((await ts.api('PATCH', `/api/portainer/servers/${made.id}`, { body: { name: 'home' } })).status).toBe(409);
  });
});

describe('deleting a Portainer server', () => {
  it('removes its hosts and their containers in one go, and leaves a host of the same name elsewhere alone', async () => {
    const server = (await post(valid())).body;
    const other = (await post(valid())).body;
    const k = ts.container.db.kysely;
    const discovered = await ts.container.repos.hosts.create({
      name: 'docker-a', host: null, port: null, username: null, os_type: null, transport: 'portainer', groups: [],
      portainer_server_id: server.id, portainer_endpoint_id: 1,
    });
    const elsewhere = await ts.container.repos.hosts.create({
      name: 'docker-a', host: null, port: null, username: null, os_type: null, transport: 'portainer', groups: [],
      portainer_server_id: other.id, portainer_endpoint_id: 1,
    });
    const byHand = (await ts.api('POST', '/api/hosts', { body: { name: 'docker-a', host: 'docker-a.lan' } })).body;
    await k.insertInto('docker_containers').values({ host_id: discovered.id, container_id: 'c'.repeat(64), name: 'web', labels: '{}', ports: '[]', networks: '[]', oom_killed: 0, restart_count: 0, stale: 0, last_update_at: new Date().toISOString() } as never).execute();
    expect((await ts.api('GET', `/api/portainer/servers/${server.id}`)).body.host_count).toBe(1);

    const r = await ts.api('DELETE', `/api/portainer/servers/${server.id}`);
    expect(r.status).toBe(204);
    expect((await ts.api('GET', `/api/portainer/servers/${server.id}`)).status).toBe(404);
    expect((await ts.api('GET', `/api/hosts/${discovered.id}`)).status).toBe(404);
    expect(await k.selectFrom('docker_containers').selectAll().where('host_id', '=', discovered.id).execute()).toEqual([]);
    expect((await ts.api('GET', `/api/hosts/${elsewhere.id}`)).status).toBe(200);
    expect((await ts.api('GET', `/api/hosts/${byHand.id}`)).status).toBe(200);
    expect((await ts.api('DELETE', `/api/portainer/servers/${server.id}`)).status).toBe(404);
  });
});

describe('hosts of a Portainer server', () => {
  it('cannot have their Docker turned on or off by hand (422 with the reason)', async () => {
    const server = (await post(valid())).body;
    const h = await ts.container.repos.hosts.create({
      name: 'env-x', host: null, port: null, username: null, os_type: null, transport: 'portainer', groups: [],
      portainer_server_id: server.id, portainer_endpoint_id: 7,
    });
    for (const action of ['disable', 'enable']) {
      const r = await ts.api('POST', `/api/docker/hosts/${h.id}/${action}`);
      expect(r.status, action).toBe(422);
      expect(r.body.message).toMatch(/Portainer/);
    }
  });

  it('a server whose client cannot be reached answers 502 with the reason and records it', async () => {
    const server = (await post(valid({ url: 'http://127.0.0.1:9' }))).body;
    const r = await ts.api('POST', `/api/portainer/servers/${server.id}/test`);
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ error: expect.stringMatching(/^portainer_/), message: expect.stringContaining(server.name) });
    const after = (await ts.api('GET', `/api/portainer/servers/${server.id}`)).body;
    expect(['error', 'unreachable']).toContain(after.status);
    expect(after.status_reason).toEqual(expect.any(String));
  });
});
