// The Portainer simulator (test/support/portainer) against the reference (/work/shared/reference/portainer-api.md,
// §9 checklist): auth shapes, the CSRF trap, JWTs dying on restart, API keys, the login ban, endpoint lists per
// version, and the Docker proxy acting on REAL lab containers.
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED, sharedLab, type LabHost } from '../lab/index.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const sock = (h: LabHost) => h.dockerHost.replace(/^unix:\/\//, '');

async function call(sim: PortainerSim, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown } = {}) {
  const r = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  });
  const buf = Buffer.from(await r.arrayBuffer());
  const text = buf.toString();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json, buf };
}

async function jwtOf(sim: PortainerSim, username = 'admin', password = 's3cret-password'): Promise<string> {
  const r = await call(sim, 'POST', '/api/auth', { body: { Username: username, Password: password } });
  expect(r.status, r.text).toBe(200);
  return r.json.jwt;
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

describe('authentication (2.21)', () => {
  let sim: PortainerSim;
  beforeAll(async () => {
    sim = await startPortainerSim({
      version: '2.21.4',
      users: [{ username: 'admin', password: 's3cret-password', role: 'admin' }, { username: 'alice', password: 'alice-password', role: 'standard' }],
      apiKeys: [{ username: 'admin' }],
    });
  });
  afterAll(() => sim?.stop());
  // These tests log in often, and the limiter is real: more than 10 logins in a second would ban the test itself.
  beforeEach(() => sim.resetRateLimit());

  it('logs in with any key case and answers the jwt with the HttpOnly cookie', async () => {
    const r = await call(sim, 'POST', '/api/auth', { body: { username: 'admin', password: 's3cret-password' } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['jwt']);
    const claims = JSON.parse(Buffer.from(r.json.jwt.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ id: 1, username: 'admin', role: 1, scope: 'default', forceChangePassword: false });
    expect(claims.exp - claims.iat).toBe(8 * 3600);
    expect(r.headers.get('set-cookie')).toMatch(/^portainer_api_key=ey[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict/);
  });

  it('refuses bad logins with 422 and bad payloads with 400, in Portainer\'s exact shape', async () => {
    for (const body of [{ Username: 'admin', Password: 'wrong' }, { Username: 'nobody', Password: 'x' }]) {
      const r = await call(sim, 'POST', '/api/auth', { body });
      expect(r.status).toBe(422);
      expect(r.text).toBe('{"message":"Invalid credentials","details":"Unauthorized"}');
      expect(r.headers.get('content-type')).toBe('application/json');
    }
    expect((await call(sim, 'POST', '/api/auth', { body: { Username: '', Password: 'x' } })).json).toEqual({ message: 'Invalid request payload', details: 'Invalid username' });
    expect((await call(sim, 'POST', '/api/auth', { body: { Username: 'admin' } })).json).toEqual({ message: 'Invalid request payload', details: 'Invalid password' });
    expect((await call(sim, 'POST', '/api/auth', { body: '{not json' })).status).toBe(400);
  });

  it('answers the bouncer errors: missing token, invalid JWT or key, non-admin on an admin route', async () => {
    const missing = await call(sim, 'GET', '/api/endpoints');
    expect([missing.status, missing.text]).toEqual([401, '{"message":"A valid authorization token is missing","details":"Unauthorized"}']);
    for (const headers of [bearer('not.a.jwt'), { 'x-api-key': 'ptr_unknown' }]) {
      const r = await call(sim, 'GET', '/api/endpoints', { headers });
      expect([r.status, r.text]).toEqual([401, '{"message":"Invalid JWT token","details":"Unauthorized"}']);
    }
    const alice = await jwtOf(sim, 'alice', 'alice-password');
    const r = await call(sim, 'POST', '/api/endpoints/snapshot', { headers: bearer(alice) });
    expect([r.status, r.json]).toEqual([403, { message: 'Access denied', details: 'Unauthorized' }]);
    // A token without the "Bearer " prefix works too (§2.3), as does ?token=.
    expect((await call(sim, 'GET', '/api/endpoints', { headers: { authorization: alice } })).status).toBe(200);
    expect((await call(sim, 'GET', `/api/endpoints?token=${alice}`)).status).toBe(200);
  });

  it('accepts an API key, and refuses it together with Authorization (403)', async () => {
    const key = sim.apiKeys.get('admin')!;
    expect(key).toMatch(/^ptr_[A-Za-z0-9+/]{43}=$/);
    expect((await call(sim, 'GET', '/api/endpoints', { headers: { 'X-API-Key': key } })).status).toBe(200);
    const both = await call(sim, 'GET', '/api/status', { headers: { 'x-api-key': key, ...bearer(await jwtOf(sim)) } });
    expect([both.status, both.json]).toEqual([403, { message: 'api key and auth header are not allowed at the same time', details: 'Api key and auth header are not allowed at the same time' }]);
  });

  it('creates an API key only with a JWT of the same user', async () => {
    const jwt = await jwtOf(sim);
    const r = await call(sim, 'POST', '/api/users/1/tokens', { headers: bearer(jwt), body: { password: 's3cret-password', description: 'homelab-dashboard' } });
    expect(r.status).toBe(201);
    expect(r.json.apiKey).toMatchObject({ userId: 1, description: 'homelab-dashboard', prefix: r.json.rawAPIKey.slice(0, 7), lastUsed: 0 });
    expect((await call(sim, 'GET', '/api/endpoints', { headers: { 'x-api-key': r.json.rawAPIKey } })).status).toBe(200);
    const byKey = await call(sim, 'POST', '/api/users/1/tokens', { headers: { 'x-api-key': r.json.rawAPIKey }, body: { password: 's3cret-password', description: 'x' } });
    expect([byKey.status, byKey.json.message]).toEqual([401, 'Auth not supported']);
    const other = await call(sim, 'POST', '/api/users/2/tokens', { headers: bearer(jwt), body: { password: 's3cret-password', description: 'x' } });
    expect([other.status, other.json.message]).toEqual([403, 'Permission denied to create user access token']);
  });

  it('springs the CSRF trap on a write that sends the cookie back, and never checks without it', async () => {
    const login = await call(sim, 'POST', '/api/auth', { body: { Username: 'admin', Password: 's3cret-password' } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const write = await call(sim, 'POST', '/api/endpoints/snapshot', { headers: { cookie, ...bearer(login.json.jwt) } });
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(write.text).toMatch(/^Forbidden - CSRF token (not found in request|invalid)\n$/);
    const forged = await call(sim, 'POST', '/api/endpoints/snapshot', { headers: { cookie, 'x-csrf-token': Buffer.alloc(64).toString('base64') } });
    expect(forged.text).toBe('Forbidden - CSRF token invalid\n');
    // The cookie authenticates reads; the token from such an answer plus gorilla's cookie makes a valid write.
    const read = await call(sim, 'GET', '/api/endpoints', { headers: { cookie } });
    expect(read.status).toBe(200);
    const csrf = read.headers.get('x-csrf-token')!;
    const gorilla = read.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call(sim, 'POST', '/api/endpoints/snapshot', { headers: { cookie: `${cookie}; ${gorilla}`, 'x-csrf-token': csrf } })).status).toBe(204);
    // Without the cookie: no check at all, and the token header is empty.
    const plain = await call(sim, 'POST', '/api/endpoints/snapshot', { headers: bearer(login.json.jwt) });
    expect([plain.status, plain.headers.get('x-csrf-token')]).toEqual([204, '']);
  });

  it('drops every JWT on restart(), on expiry, on logout and on a password change', async () => {
    sim.resetCounters();
    const jwt = await jwtOf(sim);
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(jwt) })).status).toBe(200);
    await sim.restart();
    const dead = await call(sim, 'GET', '/api/endpoints', { headers: bearer(jwt) });
    expect([dead.status, dead.json]).toEqual([401, { message: 'Invalid JWT token', details: 'Unauthorized' }]);
    const fresh = await jwtOf(sim);
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(fresh) })).status).toBe(200);
    expect(sim.logins).toBe(2);
    expect(sim.requests.every((r) => r.cookie === undefined && !(r.apiKey && r.authorization))).toBe(true);

    sim.advanceClock(8 * 3600 * 1000 + 2000);
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(fresh) })).status).toBe(401);
    sim.advanceClock(-(8 * 3600 * 1000 + 2000));

    expect((await call(sim, 'POST', '/api/auth/logout', { headers: bearer(fresh) })).status).toBe(204);
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(fresh) })).status).toBe(401);

    const alice = await jwtOf(sim, 'alice', 'alice-password');
    await new Promise((r) => setTimeout(r, 1100));
    sim.changePassword('alice', 'new-alice-password');
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(alice) })).status).toBe(401);
    const again = await jwtOf(sim, 'alice', 'new-alice-password');
    sim.deleteUser('alice');
    expect((await call(sim, 'GET', '/api/endpoints', { headers: bearer(again) })).json.message).toBe('Invalid JWT token');
  });
});

describe('login rate limit', () => {
  let sim: PortainerSim;
  // A 5 s window instead of 1 s only so a loaded machine cannot spread the 11 logins over more than the window.
  beforeAll(async () => (sim = await startPortainerSim({ rateLimit: { windowMs: 5000 } })));
  afterAll(() => sim?.stop());

  it('bans the address for an hour after more than 10 logins within the window', async () => {
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await call(sim, 'POST', '/api/auth', { body: { Username: 'admin', Password: 'wrong' } }));
    expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(422));
    expect([answers[10]!.status, answers[10]!.text]).toEqual([403, '{"message":"Access denied","details":"Access denied to resource"}']);
    const good = await call(sim, 'POST', '/api/auth', { body: { Username: 'admin', Password: 's3cret-password' } });
    expect(good.status).toBe(403);
    const [ban] = sim.bans();
    expect(ban!.ip).toBe('127.0.0.1');
    expect(ban!.untilMs - Date.now()).toBeGreaterThan(3590_000);
    expect(sim.loginAttempts).toBe(12);
    expect(sim.logins).toBe(0);
    sim.advanceClock(3600_000 + 1000);
    expect((await call(sim, 'POST', '/api/auth', { body: { Username: 'admin', Password: 's3cret-password' } })).status).toBe(200);
    sim.resetRateLimit();
    expect(sim.bans()).toEqual([]);
  });
});

describe.each(['2.19.4', '2.21.4', '2.27.1'])('status, version and environments (%s)', (version) => {
  let sim: PortainerSim;
  let jwt: string;
  const minor = Number(version.split('.')[1]);
  beforeAll(async () => {
    const lab = sharedLab();
    sim = await startPortainerSim({
      version,
      users: [{ username: 'admin', password: 's3cret-password', role: 'admin' }, { username: 'bob', password: 'bob-password', role: 'standard' }],
      endpoints: [
        { name: 'local', type: 1, socketPath: sock(lab.hosts[0]!), access: ['bob'] },
        { name: 'nas', type: 2, socketPath: sock(lab.hosts[1]!) },
        { name: 'edge', type: 4 },
        { name: 'k8s', type: 5 },
        { name: 'fresh', type: 1, socketPath: sock(lab.hosts[2]!), snapshot: false },
      ],
    });
    jwt = await jwtOf(sim);
  });
  afterAll(() => sim?.stop());

  it('serves the status and version routes of that version, LatestVersion "" when offline', async () => {
    const status = await call(sim, 'GET', '/api/system/status');
    expect(status.json).toEqual({ Version: version, InstanceID: sim.instanceId });
    expect((await call(sim, 'GET', '/api/status')).json.Version).toBe(version);
    const v = await call(sim, 'GET', '/api/system/version', { headers: bearer(jwt) });
    expect(v.json).toMatchObject({ UpdateAvailable: false, LatestVersion: '', ServerVersion: version, ServerEdition: 'CE' });
    expect((await call(sim, 'GET', '/api/system/version')).status).toBe(401);
    expect((await call(sim, 'GET', '/api/status/version', { headers: bearer(jwt) })).status).toBe(200);
    expect((await call(sim, 'GET', '/api/environments', { headers: bearer(jwt) })).text).toBe('404 page not found\n');
  });

  it('lists environments with totals, 1-based start, bracket filters and blanked Azure credentials', async () => {
    const all = await call(sim, 'GET', '/api/endpoints', { headers: bearer(jwt) });
    expect(all.json.map((e: any) => [e.Id, e.Type, e.Status])).toEqual([[1, 1, 1], [2, 2, 1], [3, 4, 1], [4, 5, 1], [5, 1, 1]]);
    expect([all.headers.get('x-total-count'), all.headers.get('x-total-available')]).toEqual(['5', '5']);
    expect(all.json[0].AzureCredentials).toEqual({ ApplicationID: '', TenantID: '', AuthenticationKey: '' });
    expect('ContainerEngine' in all.json[0]).toBe(minor >= 22);
    const page = await call(sim, 'GET', '/api/endpoints?start=1&limit=2&types[]=1&types[]=2&types[]=4', { headers: bearer(jwt) });
    expect(page.json.map((e: any) => e.Name)).toEqual(['local', 'nas']);
    expect(page.headers.get('x-total-count')).toBe('4');
    expect((await call(sim, 'GET', '/api/endpoints?start=2&limit=1', { headers: bearer(jwt) })).json[0].Name).toBe('nas');
    const bad = await call(sim, 'GET', '/api/endpoints?types[]=docker', { headers: bearer(jwt) });
    expect([bad.status, bad.json.message]).toEqual([400, 'Invalid query parameters']);
    const bob = await call(sim, 'GET', '/api/endpoints', { headers: bearer(await jwtOf(sim, 'bob', 'bob-password')) });
    expect(bob.json.map((e: any) => e.Name)).toEqual(['local']);
    expect(bob.headers.get('x-total-available')).toBe('1');
  });

  it('computes snapshots from the real engine with that version\'s counters', async () => {
    const [local, , , k8s, fresh] = (await call(sim, 'GET', '/api/endpoints', { headers: bearer(jwt) })).json;
    expect(fresh.Snapshots).toEqual([]);
    expect(k8s.Snapshots).toEqual([]);
    const s = local.Snapshots[0];
    const raw = s.DockerSnapshotRaw.Containers as any[];
    expect(raw.map((c) => c.Names[0])).toContain(`/${SEED.web}`);
    expect(s.RunningContainerCount).toBe(raw.filter((c) => c.State === 'running').length);
    expect(s.StoppedContainerCount).toBe(raw.filter((c) => c.State === 'exited').length);
    expect(s.StackCount).toBeGreaterThanOrEqual(1);
    const healthy = raw.filter((c) => c.Status.includes('(healthy)')).length;
    expect(healthy).toBeGreaterThan(0);
    expect(s.HealthyContainerCount).toBe(minor < 20 ? healthy : 0);
    expect(s.UnhealthyContainerCount).toBe(minor < 20 ? raw.filter((c) => c.Status.includes('(unhealthy)')).length : 0);
    expect(s.ContainerCount).toBe(minor >= 20 ? raw.length : undefined);
    expect(s.IsPodman).toBe(minor >= 22 ? false : undefined);
    expect((await call(sim, 'GET', '/api/endpoints?excludeSnapshots=true', { headers: bearer(jwt) })).json[0].Snapshots).toBeNull();
  });

  it('answers inspect errors, keeps a down environment\'s snapshot and fails its proxy the reference\'s way', async () => {
    expect((await call(sim, 'GET', '/api/endpoints/abc', { headers: bearer(jwt) })).json.message).toBe('Invalid environment identifier route variable');
    const missing = await call(sim, 'GET', '/api/endpoints/99', { headers: bearer(jwt) });
    expect([missing.status, missing.json]).toEqual([404, { message: 'Unable to find an environment with the specified identifier inside the database', details: 'Object not found inside the database (bucket=endpoints, key=99)' }]);
    const bob = await jwtOf(sim, 'bob', 'bob-password');
    expect((await call(sim, 'GET', '/api/endpoints/2', { headers: bearer(bob) })).json.message).toBe('Permission denied to access environment');
    const before = (await call(sim, 'GET', '/api/endpoints/1', { headers: bearer(jwt) })).json.Snapshots[0];
    sim.setEndpointDown(1);
    sim.setEndpointDown(2);
    const down = (await call(sim, 'GET', '/api/endpoints/1', { headers: bearer(jwt) })).json;
    expect([down.Status, down.Snapshots[0].Time]).toEqual([2, before.Time]);
    const sockDown = await call(sim, 'GET', '/api/endpoints/1/docker/containers/json', { headers: bearer(jwt) });
    expect([sockDown.status, sockDown.json.message]).toEqual([500, 'Unable to proxy the request via the Docker socket']);
    const agentDown = await call(sim, 'GET', '/api/endpoints/2/docker/containers/json', { headers: bearer(jwt) });
    expect([agentDown.status, agentDown.text]).toEqual([502, '']);
    expect((await call(sim, 'POST', '/api/endpoints/1/snapshot', { headers: bearer(jwt) })).status).toBe(204);
    await sim.setEndpointUp(1);
    await sim.setEndpointUp(2);
    expect((await call(sim, 'GET', '/api/endpoints/1', { headers: bearer(jwt) })).json.Status).toBe(1);
    expect((await call(sim, 'POST', '/api/endpoints/3/snapshot', { headers: bearer(jwt) })).json.message).toBe('Snapshots not supported for this environment');
  });
});

describe('Docker proxy to a real lab engine', () => {
  let sim: PortainerSim;
  let h: LabHost;
  let key: string;
  const TARGET = 'psim-target';
  const TTY = 'psim-tty';
  beforeAll(async () => {
    h = sharedLab().hosts[0]!;
    await h.docker(['rm', '-f', TARGET, TTY]);
    await h.docker(['run', '-d', '--init', '--name', TARGET, 'homelab/busybox:1', 'sh', '-c', 'while true; do sleep 1; done']);
    await h.docker(['run', '-d', '-t', '--name', TTY, 'homelab/busybox:1', 'sh', '-c', 'echo hello-tty; sleep 3600']);
    sim = await startPortainerSim({
      users: [{ username: 'admin', password: 's3cret-password', role: 'admin' }, { username: 'carol', password: 'carol-password', role: 'standard' }],
      apiKeys: [{ username: 'admin' }, { username: 'carol' }],
      endpoints: [
        { name: 'local', type: 1, socketPath: sock(h), access: ['carol'], grants: { carol: [SEED.web] } },
        { name: 'agent', type: 2, socketPath: sock(h), agentNode: 'lab-node' },
        { name: 'edge', type: 4 },
      ],
      stacks: [{ id: 2, name: SEED.composeProject, type: 2, endpointId: 1 }],
    });
    key = sim.apiKeys.get('admin')!;
  });
  afterAll(async () => {
    await sim?.stop();
    await h?.docker(['rm', '-f', TARGET, TTY]);
  });
  const k = () => ({ 'x-api-key': key });
  const state = async (name: string) => JSON.parse((await h.docker(['inspect', name])).stdout)[0].State.Status;

  it('lists the real containers, decorated with the stack resource control and the agent node', async () => {
    const r = await call(sim, 'GET', '/api/endpoints/1/docker/containers/json?all=1', { headers: k() });
    expect(r.status).toBe(200);
    const real = (await h.docker(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    expect(r.json.map((c: any) => c.Id).sort()).toEqual(real.sort());
    const shop = r.json.find((c: any) => c.Labels['com.docker.compose.project'] === SEED.composeProject);
    expect(shop.Portainer.ResourceControl).toMatchObject({ Type: 6, ResourceId: `1_${SEED.composeProject}` });
    expect(Number(r.headers.get('content-length'))).toBe(r.buf.length);
    const agent = await call(sim, 'GET', '/api/endpoints/2/docker/v1.41/containers/json', { headers: k() });
    expect(agent.json[0].Portainer.Agent).toEqual({ NodeName: 'lab-node' });
    const stacks = await call(sim, 'GET', `/api/stacks?filters=${encodeURIComponent('{"EndpointID":1}')}`, { headers: k() });
    expect(stacks.json.map((s: any) => [s.Name, s.Type, s.EndpointId])).toEqual([[SEED.composeProject, 2, 1]]);
  });

  it('stops and starts a real container: 204, then 304 when already in that state', async () => {
    const stop = await call(sim, 'POST', `/api/endpoints/1/docker/containers/${TARGET}/stop?t=5`, { headers: k() });
    expect(stop.status).toBe(204);
    expect(await state(TARGET)).toBe('exited');
    const again = await call(sim, 'POST', `/api/endpoints/1/docker/containers/${TARGET}/stop`, { headers: k() });
    expect([again.status, again.text]).toEqual([304, '']);
    expect((await call(sim, 'POST', `/api/endpoints/1/docker/containers/${TARGET}/start`, { headers: k() })).status).toBe(204);
    expect(await state(TARGET)).toBe('running');
    expect((await call(sim, 'POST', `/api/endpoints/1/docker/containers/${TARGET}/start`, { headers: k() })).status).toBe(304);
    expect(sim.upstream.some((u) => u.target === `/containers/${TARGET}/stop?t=5`)).toBe(true);
  });

  it('passes Docker errors through unchanged and answers unknown environments in Portainer\'s shape', async () => {
    const pause = await call(sim, 'POST', `/api/endpoints/1/docker/containers/${SEED.exited}/pause`, { headers: k() });
    expect(pause.status).toBe(409);
    expect(pause.json.message).toMatch(/is not running/);
    expect('details' in pause.json).toBe(false);
    const nope = await call(sim, 'GET', '/api/endpoints/1/docker/containers/nope-psim/json', { headers: k() });
    expect([nope.status, nope.json]).toEqual([404, { message: 'No such container: nope-psim' }]);
    const unknown = await call(sim, 'GET', '/api/endpoints/42/docker/containers/json', { headers: k() });
    expect([unknown.status, unknown.json.message]).toEqual([404, 'Unable to find an environment with the specified identifier inside the database']);
    const edge = await call(sim, 'GET', '/api/endpoints/3/docker/containers/json', { headers: k() });
    expect([edge.status, edge.json.message]).toEqual([500, 'No Edge agent registered with the environment']);
  });

  it('limits a standard user to the containers they were granted', async () => {
    const carol = { 'x-api-key': sim.apiKeys.get('carol')! };
    const list = await call(sim, 'GET', '/api/endpoints/1/docker/containers/json?all=1', { headers: carol });
    expect(list.json.map((c: any) => c.Names[0])).toEqual([`/${SEED.web}`]);
    const other = await call(sim, 'POST', `/api/endpoints/1/docker/containers/${TARGET}/restart`, { headers: carol });
    expect([other.status, other.text]).toEqual([403, '{"message":"access denied to resource"}']);
    expect((await call(sim, 'GET', `/api/endpoints/1/docker/containers/${SEED.web}/json`, { headers: carol })).json.State.Status).toBe('running');
    expect((await call(sim, 'GET', '/api/endpoints/2/docker/containers/json', { headers: carol })).status).toBe(403);
  });

  it('streams logs raw: 8-byte frames without a TTY, plain bytes with one', async () => {
    const r = await call(sim, 'GET', `/api/endpoints/1/docker/containers/${SEED.exited}/logs?stdout=1&stderr=1&tail=100`, { headers: k() });
    expect(r.status).toBe(200);
    const frames: Array<[number, string]> = [];
    for (let i = 0; i < r.buf.length; ) {
      const len = r.buf.readUInt32BE(i + 4);
      frames.push([r.buf[i]!, r.buf.subarray(i + 8, i + 8 + len).toString()]);
      i += 8 + len;
    }
    expect(frames).toContainEqual([1, 'out\n']);
    expect(frames).toContainEqual([2, 'err\n']);
    const onlyErr = await call(sim, 'GET', `/api/endpoints/1/docker/containers/${SEED.exited}/logs?stdout=0&stderr=1`, { headers: k() });
    expect(onlyErr.buf[0]).toBe(2);
    const tty = await call(sim, 'GET', `/api/endpoints/1/docker/containers/${TTY}/logs?stdout=1&stderr=1`, { headers: k() });
    expect(tty.text).toMatch(/^hello-tty\r?\n/);
  });

  it('streams a followed log through an agent environment until the client leaves', async () => {
    const ac = new AbortController();
    const r = await fetch(`${sim.url}/api/endpoints/2/docker/containers/${SEED.noisy}/logs?stdout=1&follow=1&tail=0`, { headers: k(), signal: ac.signal });
    const reader = r.body!.getReader();
    let got = '';
    while (!got.includes('tick')) got += Buffer.from((await reader.read()).value!).toString();
    ac.abort();
    expect(got).toMatch(/tick \d+/);
  });
});

describe('HTTPS with a self-signed certificate', () => {
  let sim: PortainerSim;
  beforeAll(async () => (sim = await startPortainerSim({ https: true })));
  afterAll(() => sim?.stop());

  const peer = () =>
    new Promise<{ status: number; fingerprint: string }>((resolve, reject) => {
      const req = httpsRequest(`${sim.url}/api/system/status`, { rejectUnauthorized: false, agent: false }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, fingerprint }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves a certificate whose fingerprint the sim exposes, and a new one after rotation', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await peer()).toEqual({ status: 200, fingerprint: sim.fingerprint256 });
    const old = sim.fingerprint256;
    const next = await sim.rotateCertificate();
    expect(next).not.toBe(old);
    expect((await peer()).fingerprint).toBe(next);
    await expect(fetch(`${sim.url}/api/system/status`)).rejects.toThrow();
  });
});
