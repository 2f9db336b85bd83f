// The Proxmox client's calls against the strict PVE simulator: the read-only calls later parts use (their wire shapes,
// 0/1 booleans kept as PVE sends them), parameters checked before anything is sent, errors by kind (an offline node's
// 595, a missing guest, PVE's 400 texts, error bodies of old and new versions), task polling to the end, and TLS:
// pinned fingerprint, trust on first use at test(), a changed certificate refused, a given CA.
import net from 'node:net';
import { connect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxClient } from '../../src/providers/proxmox/client.js';
import { clusterSummary } from '../../src/providers/proxmox/mapping.js';
import type { ProxmoxAuth, ProxmoxClientOptions } from '../../src/providers/proxmox/types.js';
import { type ProxmoxSim, startProxmoxSim } from '../support/proxmox/sim.js';

const TOKEN: ProxmoxAuth = { kind: 'token', tokenId: 'root@pam!dash', secret: '5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41' };

let sim: ProxmoxSim;
beforeAll(async () => {
  sim = await startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 });
});
afterAll(() => sim?.stop());

const clients: ProxmoxClient[] = [];
const port = () => Number(new URL(sim.url).port);
function client(extra: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  const c = new ProxmoxClient({ host: '127.0.0.1', port: port(), auth: TOKEN, tlsFingerprint: sim.fingerprint, caPem: null, ...extra });
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('read-only calls', () => {
  it('cluster status, resources, nodes and node status in PVE\'s own shapes', async () => {
    const c = client();
    const status = await c.clusterStatus();
    expect(clusterSummary(status)).toEqual({
      name: 'homelab', quorate: true,
      nodes: [{ name: 'pve1', online: true, local: true }, { name: 'pve2', online: true, local: false }],
    });
    const res = await c.resources();
    expect(res.filter((r) => r.type === 'node').map((r) => r.node).sort()).toEqual(['pve1', 'pve2']);
    // QEMU's qmpstatus is its status here: the paused VM says so
    expect(res.find((r) => r.id === 'qemu/101')).toMatchObject({ type: 'qemu', status: 'paused', template: 0 });
    expect(res.find((r) => r.id === 'qemu/102')).toMatchObject({ template: 1 });
    expect((await c.resources('storage')).every((r) => r.type === 'storage')).toBe(true);
    const nodes = await c.nodes();
    expect(nodes.find((n) => n.node === 'pve1')?.ssl_fingerprint).toBe(sim.fingerprint);
    const st = await c.nodeStatus('pve1');
    expect(st.loadavg).toHaveLength(3);
    expect(typeof st.loadavg[0]).toBe('string');
    expect(st.pveversion).toBe('pve-manager/9.1.5/9d436f37a0ac4172');
    expect(st.memory.total).toBeGreaterThan(st.memory.used);
  });

  it('guest lists, their status and storage; `full` goes as 1 (PVE refuses `true` in a query)', async () => {
    const c = client();
    const plain = await c.guests('pve1', 'qemu');
    expect(plain.find((g) => g.vmid === 101)).toMatchObject({ status: 'running' });
    expect(plain.find((g) => g.vmid === 101)).not.toHaveProperty('qmpstatus');
    const full = await c.guests('pve1', 'qemu', { full: true });
    expect(full.find((g) => g.vmid === 101)).toMatchObject({ status: 'running', qmpstatus: 'paused' });
    expect((await c.guests('pve1', 'lxc')).map((g) => g.vmid)).toContain(200);
    const vm = await c.guestStatus('pve1', 'qemu', 100);
    expect(vm).toMatchObject({ vmid: 100, qmpstatus: 'running', agent: 1, ha: { managed: 0 } });
    const storage = await c.storage('pve1');
    expect(storage.map((s) => s.storage).sort()).toEqual(['local', 'local-lvm', 'nas-nfs']);
    expect(storage.find((s) => s.storage === 'nas-nfs')).toMatchObject({ active: 0, shared: 1 });
    const backup = await c.storage('pve1', { content: 'backup', enabled: true });
    expect(backup.every((s) => s.content.split(',').includes('backup'))).toBe(true);
  });
});

describe('errors', () => {
  it('checks node names, vmids and task ids before sending anything', async () => {
    const c = client();
    const before = sim.requests.length;
    for (const call of [
      () => c.guestStatus('pve1', 'qemu', 99),
      () => c.guestStatus('pve1', 'qemu', 1_000_000_000),
      () => c.guestStatus('pve1', 'qemu', 100.5),
      () => c.nodeStatus('pve1/../x'),
      () => c.nodeStatus('-pve'),
      () => c.guests('pve1', 'openvz' as never),
      () => c.guestPower('pve1', 'qemu', 100, 'destroy' as never),
      () => c.taskStatus('UPID:pve1:nothex'),
    ]) {
      await expect(call()).rejects.toMatchObject({ kind: 'bad_request' });
    }
    expect(sim.requests.length).toBe(before);
  });

  it('an offline node is `node_offline` (PVE\'s 595 with an empty body); the rest of the cluster still answers', async () => {
    const c = client();
    sim.setNodeOnline('pve2', false);
    try {
      const err = await c.nodeStatus('pve2').catch((e) => e);
      expect(err).toMatchObject({ kind: 'node_offline', status: 595 });
      expect(err.message).toContain('No route to host');
      await expect(c.guests('pve2', 'lxc')).rejects.toMatchObject({ kind: 'node_offline' });
      expect((await c.nodeStatus('pve1')).uptime).toBeGreaterThan(0);
      expect(clusterSummary(await c.clusterStatus()).nodes.find((n) => n.name === 'pve2')?.online).toBe(false);
    } finally {
      sim.setNodeOnline('pve2', true);
    }
  });

  it('a missing guest or node is `not_found` with PVE\'s words', async () => {
    const c = client();
    const guest = await c.guestStatus('pve1', 'qemu', 999).catch((e) => e);
    expect(guest).toMatchObject({ kind: 'not_found', status: 500 });
    expect(guest.message).toContain("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    await expect(c.nodeStatus('nosuchnode')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('PVE\'s 400 keeps its per-parameter texts', async () => {
    const c = client();
    const err = await c.guestPower('pve1', 'qemu', 100, 'shutdown', { timeout: 'soon' }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'bad_request', status: 400, errors: { timeout: "type check ('integer') failed - got 'soon'" } });
    expect(err.message).toContain("timeout: type check ('integer') failed - got 'soon'");
  });

  it('reads the error text from the reason phrase when the body has no message (libpve-http-server < 5.2.0)', async () => {
    const c = client();
    sim.config.errorMessages = false;
    try {
      const err = await c.guestPower('pve2', 'lxc', 201, 'stop').catch((e) => e);
      // LXC checks the state before starting a task (§5.2): a plain 500
      expect(err).toMatchObject({ kind: 'failed', status: 500 });
      expect(err.message).toContain('CT 201 not running');
    } finally {
      sim.config.errorMessages = true;
    }
  });

  it('a port that refuses is `unreachable`; a peer that never speaks is a `timeout` (and the socket is torn down)', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(client({ port: closedPort }).version()).rejects.toMatchObject({ kind: 'unreachable' });

    const sockets: net.Socket[] = [];
    let closedByPeer = 0;
    const silent = net.createServer((s) => {
      sockets.push(s);
      s.resume();
      s.on('close', () => closedByPeer++);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const t0 = Date.now();
      const c = client({ port: (silent.address() as net.AddressInfo).port, timeoutMs: 5000 });
      await expect(c.version()).rejects.toMatchObject({ kind: 'timeout' });
      expect(Date.now() - t0).toBeLessThan(8000);
      await new Promise((r) => setTimeout(r, 100));
      expect(sockets.length).toBeGreaterThan(0);
      expect(closedByPeer).toBe(sockets.length);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('tasks', () => {
  it('polls a task until it stops and reports PVE\'s exit status, a failure as a result', async () => {
    const c = client();
    sim.failNextTask('VM is locked (backup)', 'qmshutdown');
    const upid = await c.guestPower('pve1', 'qemu', 100, 'shutdown');
    const st = await c.taskStatus(upid);
    expect(st).toMatchObject({ status: 'running', type: 'qmshutdown', id: '100' });
    const done = await c.waitTask(upid, { intervalMs: 10 });
    expect(done).toEqual({ upid, node: 'pve1', type: 'qmshutdown', exitstatus: 'VM is locked (backup)', ok: false });
    expect(sim.guest(100).status).toBe('running');
    // a no-op success (stop of a stopped VM is a task that ends OK: §4.4)
    const stop = await c.guestPower('pve2', 'qemu', 102, 'stop');
    expect(await c.waitTask(stop, { intervalMs: 10 })).toMatchObject({ ok: true, exitstatus: 'OK' });
  });

  it('gives up waiting at its deadline with `timeout`, naming the task', async () => {
    const c = client();
    sim.config.taskDelayMs = 2000;
    try {
      const upid = await c.guestPower('pve1', 'qemu', 100, 'reboot');
      const err = await c.waitTask(upid, { intervalMs: 20, timeoutMs: 200 }).catch((e) => e);
      expect(err).toMatchObject({ kind: 'timeout' });
      expect(err.message).toContain(upid);
      await sim.tasksIdle();
    } finally {
      sim.config.taskDelayMs = 30;
    }
  });
});

describe('TLS', () => {
  it('without a pin, refuses the self-signed certificate before sending a byte, until test() pins it', async () => {
    const c = client({ tlsFingerprint: null });
    const before = sim.requests.length;
    const err = await c.version().catch((e) => e);
    expect(err).toMatchObject({ kind: 'tls_mismatch' });
    expect(err.message).toContain(sim.fingerprint);
    expect(sim.requests.length).toBe(before);
    const probe = await c.test();
    expect(probe).toEqual({ version: expect.objectContaining({ version: '9.1.5' }), fingerprint: sim.fingerprint });
    expect(c.fingerprint).toBe(sim.fingerprint);
    expect((await c.version()).release).toBe('9.1');
  });

  it('a pinned client refuses a changed certificate, also at test()', async () => {
    const old = sim.fingerprint;
    const pem = await peerPem();
    const fresh = sim.replaceCertificate();
    expect(fresh).not.toBe(old);
    const c = client({ tlsFingerprint: old });
    const before = sim.requests.length;
    const err = await c.version().catch((e) => e);
    expect(err).toMatchObject({ kind: 'tls_mismatch' });
    expect(err.message).toContain(fresh);
    await expect(c.test()).rejects.toMatchObject({ kind: 'tls_mismatch' });
    expect(c.fingerprint).toBe(old);
    // a CA that did not sign the new certificate is refused too
    await expect(client({ tlsFingerprint: null, caPem: pem }).version()).rejects.toMatchObject({ kind: 'tls_mismatch' });
    expect(sim.requests.length).toBe(before);
  });

  it('a given CA verifies the certificate without pinning it', async () => {
    const c = client({ tlsFingerprint: null, caPem: await peerPem() });
    expect((await c.version()).version).toBe('9.1.5');
    const probe = await c.test();
    expect(probe.fingerprint).toBe(sim.fingerprint);
    expect(c.fingerprint).toBeNull();
  });
});

/** The simulator's current certificate as PEM (it is self-signed: its own CA). */
function peerPem(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: port(), rejectUnauthorized: false }, () => {
      const der = s.getPeerCertificate().raw;
      s.destroy();
      resolve(`-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    });
    s.on('error', reject);
  });
}
