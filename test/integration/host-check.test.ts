// POST /api/hosts/{id}/check against real OpenSSH servers of the lab: trust on first use, refusal of a changed key,
// forget-host-key, and an unreachable host. Tests that break a host use a private lab (index 50+).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER, sharedLab, startLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
let shared: Lab;
let priv: Lab | undefined;

beforeAll(async () => {
  shared = sharedLab();
  // Same lab root as the shared lab (root/keys/client_ed25519): one client key authorized on every host.
  const root = dirname(dirname(shared.clientKeyPath));
  [ts, priv] = await Promise.all([startTestServer({ sshKeyFile: shared.clientKeyPath }), startLab({ hosts: 2, firstIndex: 50, seed: false, root })]);
});
afterAll(async () => {
  await ts?.destroy();
  await priv?.stop();
});

async function addHost(name: string, h: LabHost): Promise<number> {
  const r = await ts.api('POST', '/api/hosts', { body: { name, host: h.address, port: h.port, username: LAB_USER } });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

/** Sessions sshd accepted so far: the proof that a refused check ran nothing on the host. */
const accepted = (h: LabHost) => (readFileSync(join(h.dir, 'sshd.log'), 'utf8').match(/Accepted publickey for automation/g) ?? []).length;

describe('host check on the shared lab', () => {
  it('connects, runs uname -a on the host itself and pins the key it was offered (TOFU)', async () => {
    const h = shared.hosts[0]!;
    const id = await addHost('check-1', h);
    const before = accepted(h);
    const r = await ts.api('POST', `/api/hosts/${id}/check`, { role: 'operator' });
    expect(r.status).toBe(200);
    const fingerprint = await h.hostKeyFingerprint();
    expect(r.body).toEqual({ status: 'online', host_key_fingerprint: fingerprint, uname: expect.stringMatching(new RegExp(`^Linux ${h.name} `)) });
    expect(accepted(h)).toBeGreaterThan(before);

    const host = (await ts.api('GET', `/api/hosts/${id}`, { role: 'viewer' })).body;
    expect(host).toMatchObject({ status: 'online', ssh_host_key: fingerprint, os_type: 'linux' });
    expect(Date.parse(host.last_seen_at)).toBeGreaterThan(Date.now() - 60_000);
    // Checked again: same key, still fine.
    expect((await ts.api('POST', `/api/hosts/${id}/check`)).body.host_key_fingerprint).toBe(fingerprint);
  });

  it('refuses to connect when the pinned key is not the one the host offers: 409, nothing runs, pin kept', async () => {
    const h = shared.hosts[1]!;
    const id = await addHost('check-2', h);
    await ts.container.repos.hosts.update(id, { ssh_host_key: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const before = accepted(h);
    const r = await ts.api('POST', `/api/hosts/${id}/check`);
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: 'host_key_changed', message: expect.stringMatching(/host key .*changed/i) });
    expect(r.body.message).toContain(await h.hostKeyFingerprint());
    expect(accepted(h)).toBe(before);
    expect((await ts.api('GET', `/api/hosts/${id}`)).body.ssh_host_key).toBe('SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });

  it("shows the dashboard's public key and SSH user to put on hosts (admin only)", async () => {
    const r = await ts.api('GET', '/api/settings/ssh');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: LAB_USER, public_key: expect.any(String) });
    // The key the lab authorized is the one the dashboard uses (HOMELAB_SSH_KEY_FILE): the checks above prove it works.
    expect(r.body.public_key.split(' ').slice(0, 2)).toEqual(shared.clientPublicKey.split(' ').slice(0, 2));
    expect((await ts.api('GET', '/api/settings/ssh', { role: 'operator' })).status).toBe(403);
  });

  it('answers 404 for an unknown host and needs the operator role', async () => {
    expect((await ts.api('POST', '/api/hosts/999999/check')).status).toBe(404);
    const id = await addHost('check-3', shared.hosts[2]!);
    expect((await ts.api('POST', `/api/hosts/${id}/check`, { role: 'viewer' })).status).toBe(403);
    expect((await ts.api('GET', `/api/hosts/${id}`)).body.ssh_host_key).toBeNull();
  });
});

describe('host check on a private lab host whose key is regenerated', () => {
  it('pins, refuses the new key with 409 saying it changed (nothing runs), and re-pins after forget-host-key', async () => {
    const h = priv!.hosts[0]!;
    const id = await addHost('rekeyed', h);
    const first = await ts.api('POST', `/api/hosts/${id}/check`);
    expect(first.status).toBe(200);
    const oldKey = await h.hostKeyFingerprint();
    expect(first.body.host_key_fingerprint).toBe(oldKey);

    await h.regenerateHostKey();
    const newKey = await h.hostKeyFingerprint();
    expect(newKey).not.toBe(oldKey);
    const seenBefore = (await ts.api('GET', `/api/hosts/${id}`)).body.last_seen_at;
    const sessionsBefore = accepted(h);

    const refused = await ts.api('POST', `/api/hosts/${id}/check`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('host_key_changed');
    expect(refused.body.message).toMatch(/changed/);
    expect(refused.body.message).toContain(oldKey);
    expect(refused.body.message).toContain(newKey);
    expect(accepted(h)).toBe(sessionsBefore);
    const after = (await ts.api('GET', `/api/hosts/${id}`)).body;
    expect(after).toMatchObject({ ssh_host_key: oldKey, last_seen_at: seenBefore });

    // Only an admin may clear the pin.
    expect((await ts.api('POST', `/api/hosts/${id}/forget-host-key`, { role: 'operator' })).status).toBe(403);
    const forgot = await ts.api('POST', `/api/hosts/${id}/forget-host-key`);
    expect(forgot.status).toBe(200);
    expect(forgot.body.ssh_host_key).toBeNull();

    const again = await ts.api('POST', `/api/hosts/${id}/check`);
    expect(again.status).toBe(200);
    expect(again.body.host_key_fingerprint).toBe(newKey);
    expect((await ts.api('GET', `/api/hosts/${id}`)).body.ssh_host_key).toBe(newKey);
  });
});

describe('host check of a host that hangs', () => {
  it('gives up at the connect deadline (5 s) with 502 instead of waiting forever, and marks the host offline', async () => {
    const h = priv!.hosts[1]!;
    const id = await addHost('hanging', h);
    await h.hang();
    try {
      const t0 = Date.now();
      const r = await ts.api('POST', `/api/hosts/${id}/check`);
      const took = Date.now() - t0;
      expect(r.status).toBe(502);
      expect(r.body.message).toMatch(/hanging: .*(timed out|timeout)/i);
      expect(took).toBeGreaterThanOrEqual(4_000);
      expect(took).toBeLessThan(15_000);
      expect((await ts.api('GET', `/api/hosts/${id}`)).body.status).toBe('offline');
    } finally {
      await h.unhang();
    }
    expect((await ts.api('POST', `/api/hosts/${id}/check`)).status).toBe(200);
  });
});

describe('host check of an unreachable host', () => {
  it('answers 502 with a clear message and marks the host offline; back online once sshd answers again', async () => {
    const h = priv!.hosts[1]!;
    await h.stopSshd();
    try {
      const id = await addHost('down', h);
      const t0 = Date.now();
      const r = await ts.api('POST', `/api/hosts/${id}/check`);
      expect(r.status).toBe(502);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.stringMatching(/down: .*(refused|ECONNREFUSED)/i) });
      expect(Date.now() - t0).toBeLessThan(10_000);
      const host = (await ts.api('GET', `/api/hosts/${id}`)).body;
      expect(host.status).toBe('offline');
      expect(host.status_reason).toMatch(/refused|ECONNREFUSED/i);
      expect(host.ssh_host_key).toBeNull();

      await h.startSshd();
      const back = await ts.api('POST', `/api/hosts/${id}/check`);
      expect(back.status).toBe(200);
      expect((await ts.api('GET', `/api/hosts/${id}`)).body).toMatchObject({ status: 'online', ssh_host_key: await h.hostKeyFingerprint() });
    } finally {
      await h.startSshd();
    }
  });
});
