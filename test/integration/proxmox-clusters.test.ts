// Proxmox clusters through the real API on real SQLite, against the strict PVE simulator: validation (422 and nothing
// written), credentials sealed at rest and never answered, CRUD, the realm rule, and the test: version and nodes,
// the certificate pinned at the first success, a changed one refused (409), PVE's refusals shown with their text.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { type ProxmoxSim, startProxmoxSim } from '../support/proxmox/sim.js';

let ts: TestServer;
let sim: ProxmoxSim;
/** A CA certificate as PVE's pve-root-ca.pem would be (any will do for the configuration checks). */
let SAMPLE_PEM: string;
beforeAll(async () => {
  [ts, sim] = await Promise.all([startTestServer(), startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 })]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pve-ca-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', '/CN=Proxmox Virtual Environment', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c')], { stdio: 'ignore' });
  SAMPLE_PEM = fs.readFileSync(path.join(dir, 'c'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});

const PASSWORD = 'very-secret-pve-password';
const TOKEN_SECRET = '5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41';
let n = 0;
const post = (body: Record<string, unknown>) => ts.api('POST', '/api/proxmox/clusters', { body });
const valid = (extra: Record<string, unknown> = {}) => ({ name: `c${++n}`, host: 'pve1.lan', username: 'homelab', password: PASSWORD, ...extra });
const rows = () => ts.container.db.kysely.selectFrom('proxmox_clusters').selectAll().execute();
const simPort = () => Number(new URL(sim.url).port);
/** A cluster pointing at the simulator. */
const atSim = (extra: Record<string, unknown> = {}) => ({ name: `sim${++n}`, host: '127.0.0.1', port: simPort(), username: 'dash', password: 's3cret', ...extra });

describe('adding a Proxmox cluster', () => {
  it('stores it with the defaults (port 8006, realm pve) and answers without credentials', async () => {
    const r = await post(valid({ name: 'home' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'home', host: 'pve1.lan', port: 8006, auth: 'password', username: 'homelab@pve', token_id: null,
      tls_fingerprint: null, ca_pem: null, sync_interval_s: 60, enabled: true, status: 'unknown', status_reason: null,
      version: null, cluster_name: null, quorate: null, nodes_total: null, nodes_online: null, last_sync_at: null, last_sync_ms: null,
    });
    expect(JSON.stringify(r.body)).not.toContain(PASSWORD);
    expect(r.body).not.toHaveProperty('password');
    expect(r.body).not.toHaveProperty('credentials');
    const tok = await post({ name: 'tokened', host: '192.168.1.10', port: 8443, token_id: 'homelab@pve!dash', token_secret: TOKEN_SECRET, sync_interval_s: 10 });
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ auth: 'token', username: null, token_id: 'homelab@pve!dash', port: 8443, sync_interval_s: 10 });
    expect(JSON.stringify(tok.body)).not.toContain(TOKEN_SECRET);
  });

  it('keeps the credentials encrypted at rest, and they open again with the server\'s key', async () => {
    const all = await rows();
    for (const row of all) {
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
      expect(JSON.stringify(row)).not.toContain(TOKEN_SECRET);
      expect(row.credentials).toMatch(/^v1:/);
    }
    const home = all.find((r) => r.name === 'home')!;
    expect(JSON.parse(ts.container.secretBox.decrypt(home.credentials))).toEqual({ userid: 'homelab@pve', password: PASSWORD });
  });

  it('uses a username that carries @realm as is, appends the realm otherwise', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'homelab@pve' }, 'homelab@pve'],
      [{ username: 'homelab@pve', realm: 'pve' }, 'homelab@pve'],
      [{ username: 'root', realm: 'pam' }, 'root@pam'],
      [{ username: 'ops@ldap-corp' }, 'ops@ldap-corp'],
    ];
    for (const [change, userid] of cases) {
      const r = await post(valid(change));
      expect(r.status, JSON.stringify(change)).toBe(201);
      expect(r.body.username).toBe(userid);
    }
  });

  it('lists clusters for viewers, with no credentials; 404 for an unknown one', async () => {
    const list = await ts.api('GET', '/api/proxmox/clusters', { role: 'viewer' });
    expect(list.status).toBe(200);
    expect(list.body.clusters.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['home', 'tokened']));
    expect(JSON.stringify(list.body)).not.toContain(PASSWORD);
    const one = await ts.api('GET', `/api/proxmox/clusters/${list.body.clusters[0].id}`, { role: 'viewer' });
    expect(one.body).toEqual(list.body.clusters[0]);
    expect((await ts.api('GET', '/api/proxmox/clusters/99999', { role: 'viewer' })).status).toBe(404);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['a URL instead of a host', { host: 'https://pve1.lan:8006' }],
    ['a host with a port', { host: 'pve1.lan:8006' }],
    ['a host with a path', { host: 'pve1.lan/api2' }],
    ['an IPv4 out of range', { host: '300.1.1.1' }],
    ['a port out of range', { port: 70000 }],
    ['a port of 0', { port: 0 }],
    ['a realm that disagrees with the username', { username: 'homelab@pam', realm: 'pve' }],
    ['a bad realm', { realm: '1pve' }],
    ['a username with a space', { username: 'home lab' }],
    ['a password without a user', { username: undefined }],
    ['a user without a password', { password: undefined }],
    ['both kinds of credentials', { token_id: 'homelab@pve!dash', token_secret: TOKEN_SECRET }],
    ['a token id without its name', { username: undefined, password: undefined, token_id: 'homelab@pve', token_secret: TOKEN_SECRET }],
    ['a token secret with a ;', { username: undefined, password: undefined, token_id: 'homelab@pve!dash', token_secret: 'a;b' }],
    ['a token id without a secret', { username: undefined, password: undefined, token_id: 'homelab@pve!dash' }],
    ['sync_interval_s below 10', { sync_interval_s: 9 }],
    ['a malformed fingerprint', { tls_fingerprint: 'AB:CD' }],
    ['a ca_pem that is no certificate', { ca_pem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }],
    ['an unknown field', { verify_ssl: false }],
  ];
  it.each(bad)('answers 422 {error, message} for %s, and writes nothing', async (_what, change) => {
    const before = (await rows()).length;
    const body: Record<string, unknown> = valid(change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
    const r = await post(body);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    expect((await rows()).length).toBe(before);
  });

  it('answers 422 for a pin and a CA at once, 409 for a name taken, 403 for viewers and operators', async () => {
    const pem = await ts.api('POST', '/api/proxmox/clusters', { body: valid({ tls_fingerprint: 'ab'.repeat(32), ca_pem: SAMPLE_PEM }) });
    expect(pem.status).toBe(422);
    expect((await post(valid({ name: 'home' }))).status).toBe(409);
    for (const role of ['viewer', 'operator'] as const) expect((await ts.api('POST', '/api/proxmox/clusters', { role, body: valid() })).status).toBe(403);
  });
});

describe('editing and removing a cluster', () => {
  it('replaces credentials with another kind, never answers them', async () => {
    const made = (await post(valid())).body;
    const r = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { token_id: 'homelab@pve!dash', token_secret: TOKEN_SECRET, enabled: false, sync_interval_s: 30 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ auth: 'token', username: null, token_id: 'homelab@pve!dash', enabled: false, sync_interval_s: 30 });
    expect(JSON.stringify(r.body)).not.toContain(TOKEN_SECRET);
    const row = (await rows()).find((x) => x.id === made.id)!;
    expect(JSON.parse(ts.container.secretBox.decrypt(row.credentials))).toEqual({ token_id: 'homelab@pve!dash', token_secret: TOKEN_SECRET });
  });

  it('drops the pin when the address changes or a CA is given, keeps it otherwise', async () => {
    const made = (await post(valid({ tls_fingerprint: 'cd'.repeat(32) }))).body;
    expect(made.tls_fingerprint).toBe(Array(32).fill('CD').join(':'));
    const renamed = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { name: `${made.name}-x` } });
    expect(renamed.body.tls_fingerprint).toBe(made.tls_fingerprint);
    const moved = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { host: 'pve2.lan' } });
    expect(moved.body.tls_fingerprint).toBeNull();
    await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { tls_fingerprint: 'cd'.repeat(32) } });
    const withCa = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { ca_pem: SAMPLE_PEM } });
    expect(withCa.status).toBe(200);
    expect(withCa.body).toMatchObject({ tls_fingerprint: null, ca_pem: expect.stringContaining('BEGIN CERTIFICATE') });
  });

  it('answers 422 for bad values and leaves the row as it was; 404 for an unknown cluster', async () => {
    const made = (await post(valid())).body;
    const before = (await rows()).find((x) => x.id === made.id);
    for (const body of [{ host: 'http://x' }, { sync_interval_s: 5 }, { username: 'only-user' }, { token_secret: TOKEN_SECRET }, {}, { port: 0 }]) {
      const r = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await rows()).find((x) => x.id === made.id)).toEqual(before);
    expect((await ts.api('PATCH', '/api/proxmox/clusters/99999', { body: { name: 'x' } })).status).toBe(404);
  });

  it('removes a cluster (204), then 404', async () => {
    const made = (await post(valid())).body;
    expect((await ts.api('DELETE', `/api/proxmox/clusters/${made.id}`)).status).toBe(204);
    expect((await ts.api('GET', `/api/proxmox/clusters/${made.id}`)).status).toBe(404);
    expect((await ts.api('DELETE', `/api/proxmox/clusters/${made.id}`)).status).toBe(404);
  });
});

describe('testing a cluster against PVE', () => {
  it('shows the version and nodes, pins the certificate at the first success and records the status', async () => {
    const made = (await post(atSim())).body;
    const r = await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true, version: '9.1.5', release: '9.1', fingerprint: sim.fingerprint, cluster_name: 'homelab', quorate: true,
      nodes: [{ name: 'pve1', online: true }, { name: 'pve2', online: true }],
    });
    const after = (await ts.api('GET', `/api/proxmox/clusters/${made.id}`, { role: 'viewer' })).body;
    expect(after).toMatchObject({
      status: 'online', status_reason: null, version: '9.1.5', cluster_name: 'homelab', quorate: true, nodes_total: 2, nodes_online: 2,
      tls_fingerprint: sim.fingerprint, last_sync_at: null,
    });
    // the login used dash@pve, with no realm sent (PVE would append it again)
    expect(sim.requests.filter((q) => q.path === '/access/ticket').at(-1)?.status).toBe(200);
    // a node going offline shows in the next test
    sim.setNodeOnline('pve2', false);
    try {
      const again = await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`);
      expect(again.body.nodes).toEqual([{ name: 'pve1', online: true }, { name: 'pve2', online: false }]);
      expect((await ts.api('GET', `/api/proxmox/clusters/${made.id}`)).body.nodes_online).toBe(1);
    } finally {
      sim.setNodeOnline('pve2', true);
    }
  });

  it('works with an API token, and with a read-only token that may not read the cluster status (no quorum then)', async () => {
    const root = (await post(atSim({ username: undefined, password: undefined, token_id: 'root@pam!dash', token_secret: TOKEN_SECRET }))).body;
    const r = await ts.api('POST', `/api/proxmox/clusters/${root.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body.quorate).toBe(true);
    sim.addToken({ tokenid: 'audit@pve!noroot', secret: 'c0ffee00-0000-4000-8000-000000000001', acl: [{ path: '/vms', privs: 'PVEAuditor' }] });
    const ro = (await post(atSim({ username: undefined, password: undefined, token_id: 'audit@pve!noroot', token_secret: 'c0ffee00-0000-4000-8000-000000000001' }))).body;
    const t = await ts.api('POST', `/api/proxmox/clusters/${ro.id}/test`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ ok: true, cluster_name: null, quorate: null, nodes: [{ name: 'pve1', online: true }, { name: 'pve2', online: true }] });
  });

  it('a wrong password answers 502 with PVE\'s refusal and records it', async () => {
    const made = (await post(atSim({ password: 'wrong' }))).body;
    const r = await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`);
    expect(r.status).toBe(502);
    expect(r.body).toEqual({ error: 'proxmox_auth', message: expect.stringContaining('authentication failure') });
    expect((await ts.api('GET', `/api/proxmox/clusters/${made.id}`)).body).toMatchObject({ status: 'error', status_reason: expect.stringContaining('dash@pve') });
  });

  it('a cluster that does not answer is `unreachable` (502)', async () => {
    const made = (await post(valid({ host: '127.0.0.1', port: 9 }))).body;
    const r = await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`);
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('proxmox_unreachable');
    expect((await ts.api('GET', `/api/proxmox/clusters/${made.id}`)).body.status).toBe('unreachable');
  });

  it('refuses a changed certificate with 409 and keeps the pin, until an admin sets the new one', async () => {
    const made = (await post(atSim())).body;
    expect((await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`)).status).toBe(200);
    const pinned = sim.fingerprint;
    const fresh = sim.replaceCertificate();
    // test() dials a connection of its own: the new certificate is met even while an old connection is kept alive
    const r = await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`);
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: 'tls_fingerprint_changed', message: expect.stringContaining(fresh) });
    const after = (await ts.api('GET', `/api/proxmox/clusters/${made.id}`)).body;
    expect(after).toMatchObject({ tls_fingerprint: pinned, status: 'error' });
    const fixed = await ts.api('PATCH', `/api/proxmox/clusters/${made.id}`, { body: { tls_fingerprint: fresh } });
    expect(fixed.body.tls_fingerprint).toBe(fresh);
    expect((await ts.api('POST', `/api/proxmox/clusters/${made.id}/test`)).status).toBe(200);
  });
});
