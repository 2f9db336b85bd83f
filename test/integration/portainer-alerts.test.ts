// Alerts of the Portainer area, end to end: the real server (loops on, grace 0) with the zero-config ntfy channel
// pointing at a loopback ntfy receiver, the strict Portainer simulator whose Docker paths reach the real lab
// dockerds, and a TCP gate in front of one simulator that the tests close and reopen (the server "stops
// answering" and comes back on the same address). Server unreachable, login refused, certificate changed, a down
// environment (one alert, the host's, with Portainer's reason), a removed environment and a deleted server (their
// alerts close with a note and stay in the history), the safety net rebuilding from the stored rows, silences.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_IMAGE, sharedLab } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';
import { startNtfyReceiver, type NtfyReceiver } from '../support/receivers/index.js';
import { docker, until } from './docker-support.js';

const lab = sharedLab();
const sock = (i: number) => lab.hosts[i]!.dockerHost.replace(/^unix:\/\//, '');
const PASSWORD = 's3cret-password';
const EXITED = 'pa-exited'; // a monitored container that exited, on lab host 1
const KEY = (id: number) => `portainer:server:${id}`;

/** A TCP gate in front of a server: close() refuses new connections and cuts open ones; open() listens again on the same port. */
async function startGate(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((c) => {
        const up = net.connect(Number(target.port), target.hostname);
        const end = () => {
          c.destroy();
          up.destroy();
          sockets.delete(c);
          sockets.delete(up);
        };
        for (const s of [c, up]) {
          sockets.add(s);
          s.on('error', end).on('close', end);
        }
        c.pipe(up);
        up.pipe(c);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server!.close(() => resolve());
    });
  await open();
  return { url: `http://127.0.0.1:${port}`, open, close };
}

let ts: TestServer;
let sim: PortainerSim;
let tls: PortainerSim;
let gate: Awaited<ReturnType<typeof startGate>>;
let ntfy: NtfyReceiver;

beforeAll(async () => {
  await lab.hosts[1]!.docker(['rm', '-f', EXITED]);
  await docker(lab.hosts[1]!, ['run', '-d', '--name', EXITED, '--label', 'homelab.monitor=true', LAB_IMAGE, 'sh', '-c', 'exit 3']);
  [sim, tls, ntfy] = await Promise.all([
    startPortainerSim({ users: [{ username: 'admin', password: PASSWORD, role: 'admin' }], apiKeys: [{ username: 'admin' }], endpoints: [{ name: 'pa-local', type: 1, socketPath: sock(0) }] }),
    startPortainerSim({ https: true, apiKeys: [{ username: 'admin' }], endpoints: [{ name: 'pa-tls', type: 1, socketPath: sock(0) }] }),
    startNtfyReceiver(),
  ]);
  gate = await startGate(new URL(sim.url));
  ts = await startTestServer({
    scheduler: true,
    env: { HOMELAB_NTFY_URL: ntfy.url, HOMELAB_ALERT_GRACE: '0', HOMELAB_ALERT_COOLDOWN: '1', HOMELAB_DOCKER_COLLECT_INTERVAL: '3600' },
  });
}, 120_000);

afterAll(async () => {
  await ts?.destroy();
  await gate?.close().catch(() => {});
  await Promise.all([sim?.stop(), tls?.stop(), ntfy?.close()]);
  await lab.hosts[1]!.docker(['rm', '-f', EXITED]);
});

let n = 0;
async function addServer(body: Record<string, unknown>): Promise<{ id: number; name: string }> {
  const r = await ts.api('POST', '/api/portainer/servers', { body: { name: `pa-${++n}`, url: sim.url, api_key: sim.apiKeys.get('admin'), sync_interval_s: 86_400, ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  // Its sync loop runs a second after it is made, then a day later: the tests drive everything after that first run.
  await until('the first automatic sync', async () => (await ts.api('GET', `/api/portainer/servers/${r.body.id}`)).body.last_sync_at);
  return r.body;
}
const sync = (id: number) => ts.api('POST', `/api/portainer/servers/${id}/sync`, { role: 'operator' });
const alertsWhere = async (state: string, pred: (a: any) => boolean) => ((await ts.api('GET', `/api/alerts?state=${state}`, { role: 'viewer' })).body.alerts as any[]).filter(pred);
const openOf = (key: string) => alertsWhere('open', (a) => a.subject.key === key);
const openRule = (key: string, rule: string) => until(`${rule} open on ${key}`, async () => (await openOf(key)).find((a) => a.rule === rule));
const closed = (id: number) => until(`alert ${id} closed`, async () => (await ts.api('GET', `/api/alerts/${id}`)).body.state === 'closed');
const hostsOf = async (serverId: number) => ((await ts.api('GET', '/api/hosts')).body.hosts as any[]).filter((h) => h.portainer_server_id === serverId);
const opened = (title: string) => (m: { title?: string }) => m.title === `🚨 ${title}`;
const resolved = (title: string) => (m: { title?: string }) => m.title === `✅ Resolved - ${title}`;

describe('a Portainer server in trouble', () => {
  it('opens "unreachable" when the server stops answering, notifies it, and closes it when a sync succeeds again', async () => {
    const s = await addServer({ url: gate.url });
    expect((await sync(s.id)).status).toBe(200);
    await gate.close();
    const failed = await sync(s.id);
    expect(failed.status).toBe(502);
    const a = await openRule(KEY(s.id), 'portainer_unreachable');
    expect(a).toMatchObject({
      source: 'portainer', severity: 'error', state: 'open', host_id: null, target: `${KEY(s.id)}:unreachable`,
      subject: { source: 'portainer', kind: 'server', key: KEY(s.id), name: s.name, scope: KEY(s.id) },
    });
    expect(a.message).toMatch(new RegExp(`^Portainer server ${s.name} is unreachable: \\S`));
    const m = await ntfy.waitFor(opened(`Portainer Alert - ${s.name}`), 10_000);
    expect(m.message).toBe(a.message);
    // still failing: the same alert, not a second one
    expect((await sync(s.id)).status).toBe(502);
    expect((await openOf(KEY(s.id))).map((x) => x.id)).toEqual([a.id]);

    await gate.open();
    expect((await sync(s.id)).status).toBe(200);
    await closed(a.id);
    const back = await ntfy.waitFor(resolved(s.name), 10_000);
    expect(back.message).toContain('back to normal');
    expect((await ts.api('GET', `/api/portainer/servers/${s.id}`)).body).toMatchObject({ status: 'online', status_reason: null });
  });

  it('opens "login refused" on a wrong password, and closes it once the right one tests fine', async () => {
    const r = await ts.api('POST', '/api/portainer/servers', { body: { name: `pa-${++n}`, url: sim.url, username: 'admin', password: 'not-the-password', sync_interval_s: 86_400 } });
    expect(r.status).toBe(201);
    const id = r.body.id as number;
    const t = await ts.api('POST', `/api/portainer/servers/${id}/test`);
    expect(t.status).toBe(502);
    expect(t.body.message).toMatch(/Invalid credentials/);
    const a = await openRule(KEY(id), 'portainer_login_refused');
    expect(a).toMatchObject({ severity: 'error', target: `${KEY(id)}:login` });
    expect(a.message).toMatch(new RegExp(`^Portainer server ${r.body.name} refused the dashboard's credentials: .*Invalid credentials`));
    expect((await openOf(KEY(id))).map((x) => x.rule)).toEqual(['portainer_login_refused']); // not also "unreachable"
    await ntfy.waitFor(opened(`Portainer Alert - ${r.body.name}`), 10_000);
    expect((await ts.api('GET', `/api/portainer/servers/${id}`)).body).toMatchObject({ status: 'error', status_reason: expect.stringMatching(/^login refused: .*Invalid credentials/) });

    expect((await ts.api('PATCH', `/api/portainer/servers/${id}`, { body: { username: 'admin', password: PASSWORD } })).status).toBe(200);
    expect((await ts.api('POST', `/api/portainer/servers/${id}/test`)).status).toBe(200);
    await closed(a.id);
  });

  it('opens a critical "certificate" alert when the certificate changes, closed once the new one is pinned', async () => {
    const s = await addServer({ url: tls.url, api_key: tls.apiKeys.get('admin'), tls_fingerprint: tls.fingerprint256 });
    expect((await sync(s.id)).status).toBe(200);
    // Its host's first collection and events stream dial while the certificate is swapped otherwise: a socket
    // still in its handshake escapes the simulator's "close every connection", and the sync would reuse it.
    const [host] = await hostsOf(s.id);
    await until('the first collection', async () => ((await ts.api('GET', '/api/docker/hosts')).body.hosts as any[]).find((h) => h.id === host.id)?.docker_last_collect_at);
    const fresh = await tls.rotateCertificate();
    const r = await sync(s.id);
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('tls_fingerprint_changed');
    const a = await openRule(KEY(s.id), 'portainer_certificate');
    expect(a).toMatchObject({ severity: 'critical', target: `${KEY(s.id)}:certificate` });
    expect(a.message).toMatch(new RegExp(`^Portainer server ${s.name} presents a TLS certificate other than the pinned one: .*changed`));
    const m = await ntfy.waitFor(opened(`Portainer Alert - ${s.name}`), 10_000);
    expect(m.priority).toBe(5);
    expect((await ts.api('PATCH', `/api/portainer/servers/${s.id}`, { body: { tls_fingerprint: fresh } })).status).toBe(200);
    expect((await sync(s.id)).status).toBe(200);
    await closed(a.id);
  });
});

describe('environments', () => {
  it('a down environment is one alert, the host offline with Portainer\'s reason, even when Docker failed first; up closes it', async () => {
    const ep = await sim.addEndpoint({ name: 'pa-down', type: 2, socketPath: sock(1) });
    const s = await addServer({});
    expect((await sync(s.id)).status).toBe(200);
    const host = (await hostsOf(s.id)).find((h) => h.name === 'pa-down')!;
    expect((await ts.api('POST', `/api/docker/hosts/${host.id}/collect`, { role: 'operator' })).status).toBe(200);
    const hostAlerts = () => alertsWhere('open', (a) => a.host_id === host.id && a.subject.kind === 'host');

    sim.setEndpointDown(ep);
    // Docker through the proxy fails first (a collection still in flight from before may answer the first ask)
    const dockerAlert = await until('docker unreachable', async () => {
      await ts.api('POST', `/api/docker/hosts/${host.id}/collect`, { role: 'operator' });
      // open, or already closed by "host offline" if the server's own sync loop ran in between
      return (await alertsWhere('all', (a) => a.host_id === host.id)).find((a) => a.rule === 'docker_unreachable');
    });
    expect(dockerAlert.message).toMatch(/^Docker daemon unreachable on pa-down: /);
    expect((await sync(s.id)).status).toBe(200); // then the sync sees Portainer's status
    await closed(dockerAlert.id);
    const [offline, ...more] = await hostAlerts();
    expect(more).toEqual([]);
    expect(offline).toMatchObject({ rule: 'host_offline', severity: 'critical', message: `Host pa-down is offline: Portainer ${s.name} reports this environment down` });
    await ntfy.waitFor((m) => m.title === '🚨 Host Alert - pa-down' && m.message === offline.message, 10_000);

    await sim.setEndpointUp(ep);
    expect((await sync(s.id)).status).toBe(200);
    await closed(offline.id);
    sim.removeEndpoint(ep);
  });

  it('an environment removed in Portainer takes its host; its open alerts close with a note and stay in the history', async () => {
    const ep = await sim.addEndpoint({ name: 'pa-gone', type: 1, socketPath: sock(1) });
    const s = await addServer({});
    expect((await sync(s.id)).status).toBe(200);
    const host = (await hostsOf(s.id)).find((h) => h.name === 'pa-gone')!;
    expect((await ts.api('POST', `/api/docker/hosts/${host.id}/collect`, { role: 'operator' })).status).toBe(200);
    const down = await openRule(`docker:${host.id}:${EXITED}`, 'container_down');
    await ntfy.waitFor((m) => m.title === '🚨 Docker Alert - pa-gone' && m.message.startsWith(`${EXITED}:`), 10_000);

    sim.removeEndpoint(ep);
    expect((await sync(s.id)).body).toMatchObject({ removed: 1 });
    expect((await ts.api('GET', `/api/hosts/${host.id}`)).status).toBe(404);
    const [was] = await alertsWhere('closed', (a) => a.id === down.id);
    expect(was).toMatchObject({
      state: 'closed', rule: 'container_down', container_name: EXITED, host_id: null,
      subject: { key: `docker:${host.id}:${EXITED}`, scope: `host:${host.id}` },
      message: `${down.message} — closed: environment removed from Portainer ${s.name}`,
    });
    expect(was.closed_at).toEqual(expect.any(String));
    expect(await alertsWhere('open', (a) => a.subject.scope === `host:${host.id}`)).toEqual([]);
    const bye = await ntfy.waitFor((m) => m.title === '✅ Resolved - pa-gone' && m.message.startsWith(`${EXITED}:`), 10_000);
    expect(bye.message).toContain(`environment removed from Portainer ${s.name}`);
  });

  it('deleting a server closes its own alerts and its hosts\', with a note, and keeps them', async () => {
    const s = await addServer({});
    expect((await sync(s.id)).status).toBe(200);
    const host = (await hostsOf(s.id)).find((h) => h.name === 'pa-local')!;
    await docker(lab.hosts[0]!, ['rm', '-f', EXITED]).catch(() => '');
    await docker(lab.hosts[0]!, ['run', '-d', '--name', EXITED, '--label', 'homelab.monitor=true', LAB_IMAGE, 'sh', '-c', 'exit 3']);
    try {
      expect((await ts.api('POST', `/api/docker/hosts/${host.id}/collect`, { role: 'operator' })).status).toBe(200);
      const down = await openRule(`docker:${host.id}:${EXITED}`, 'container_down');
      expect((await ts.api('PATCH', `/api/portainer/servers/${s.id}`, { body: { api_key: 'ptr_not-a-key' } })).status).toBe(200);
      expect((await sync(s.id)).status).toBe(502);
      const login = await openRule(KEY(s.id), 'portainer_login_refused');

      expect((await ts.api('DELETE', `/api/portainer/servers/${s.id}`)).status).toBe(204);
      const kept = await alertsWhere('closed', (a) => a.id === down.id || a.id === login.id);
      expect(kept.map((a) => [a.id, a.message]).sort()).toEqual(
        [[down.id, `${down.message} — closed: Portainer server ${s.name} deleted`], [login.id, `${login.message} — closed: Portainer server ${s.name} deleted`]].sort(),
      );
      expect(await alertsWhere('open', (a) => a.subject.scope === `host:${host.id}` || a.subject.scope === KEY(s.id))).toEqual([]);
    } finally {
      await lab.hosts[0]!.docker(['rm', '-f', EXITED]);
    }
  });
});

describe('the safety net and silences', () => {
  it('judges the servers again from the stored rows (a restart, a missed event), and closes what a gone server left', async () => {
    const s = await addServer({});
    const repo = ts.container.portainer.repo;
    // the Portainer evaluator's own pass (the module's sweep() joins a pass already under way, which may predate the write)
    const sweep = () => ts.container.alerting.evaluators.find((e) => e.source === 'portainer')!.sweep();
    await repo.update(s.id, { status: 'unreachable', status_reason: 'connect ETIMEDOUT' });
    expect(await openOf(KEY(s.id))).toEqual([]); // nothing announced it
    await sweep();
    const a = await openRule(KEY(s.id), 'portainer_unreachable');
    expect(a.message).toBe(`Portainer server ${s.name} is unreachable: connect ETIMEDOUT`);
    await repo.update(s.id, { status: 'online', status_reason: null });
    await sweep();
    await closed(a.id);

    await repo.update(s.id, { status: 'error', status_reason: 'certificate refused: fingerprint AA, pinned BB' });
    await sweep();
    const cert = await openRule(KEY(s.id), 'portainer_certificate');
    await repo.remove(s.id); // behind the service's back, as a crash between its steps would leave it
    await sweep();
    await closed(cert.id);
  });

  it('silences a server by key or as a scope; 404 for a server that does not exist, 422 for a malformed key', async () => {
    const s = await addServer({});
    const post = (body: Record<string, unknown>) => ts.api('POST', '/api/silences', { role: 'operator', body: { duration_minutes: 5, ...body } });
    const one = await post({ subject_key: KEY(s.id) });
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect(one.body).toMatchObject({ subject_key: KEY(s.id), scope: KEY(s.id), host_id: null });
    const all = await post({ scope: KEY(s.id) });
    expect(all.status).toBe(201);
    expect(all.body).toMatchObject({ subject_key: null, scope: KEY(s.id) });
    for (const [key, status] of [[KEY(999_999), 404], ['portainer:server:x', 422], ['portainer:7', 422]] as const) {
      const r = await post({ subject_key: key });
      expect(r.status, key).toBe(status);
      expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });
});
