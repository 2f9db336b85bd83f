// The Proxmox client's authentication against the strict PVE simulator (test/support/proxmox): an API token (no
// login, no CSRF), a ticket (cookie, CSRF on every write), renewal before the 2 h are up, one re-login after a 401
// and never a loop, one login for many concurrent calls, and PVE's 3 s delay on a 401 waited out, not a timeout.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_BACKOFF_MS, ProxmoxClient, TICKET_RENEW_AFTER_MS } from '../../src/providers/proxmox/client.js';
import type { ProxmoxAuth, ProxmoxClientOptions } from '../../src/providers/proxmox/types.js';
import { type ProxmoxSim, startProxmoxSim } from '../support/proxmox/sim.js';

const ROOT_TOKEN: ProxmoxAuth = { kind: 'token', tokenId: 'root@pam!dash', secret: '5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41' };
const DASH: ProxmoxAuth = { kind: 'password', userid: 'dash@pve', password: 's3cret' };

const clients: ProxmoxClient[] = [];
function client(sim: ProxmoxSim, auth: ProxmoxAuth, extra: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  const c = new ProxmoxClient({ host: '127.0.0.1', port: Number(new URL(sim.url).port), auth, tlsFingerprint: sim.fingerprint, caPem: null, ...extra });
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** The requests made since `from`, as `METHOD path status`. */
const since = (sim: ProxmoxSim, from: number) => sim.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`);

describe('with an API token', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 });
  });
  afterAll(() => sim?.stop());

  it('sends the token on every call, never logs in and never sends a CSRF token, also on writes', async () => {
    const c = client(sim, ROOT_TOKEN);
    const from = sim.requests.length;
    expect(await c.version()).toEqual({ version: '9.1.5', release: '9.1', repoid: '9d436f37a0ac4172' });
    const upid = await c.guestPower('pve2', 'lxc', 201, 'start');
    expect(upid).toMatch(/^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzstart:201:root@pam!dash:$/);
    const done = await c.waitTask(upid, { intervalMs: 20 });
    expect(done).toMatchObject({ ok: true, exitstatus: 'OK', type: 'vzstart', node: 'pve2' });
    expect(sim.guest(201).status).toBe('running');
    const mine = sim.requests.slice(from);
    expect(mine.every((r) => r.auth === 'token' && !r.csrfSent)).toBe(true);
    expect(sim.counters.logins).toBe(0);
  });

  it('fails `auth` on a wrong secret after one request: nothing to renew, no retry', async () => {
    const c = client(sim, { ...ROOT_TOKEN, secret: '00000000-0000-4000-8000-000000000000' });
    const from = sim.requests.length;
    await expect(c.version()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(since(sim, from)).toEqual(['GET /version 401']);
  });

  it('a privilege-separated read-only token sees a 403 with PVE\'s text, naming the missing privilege', async () => {
    const c = client(sim, { kind: 'token', tokenId: 'audit@pve!ro', secret: 'a0d1e2f3-0000-4000-8000-00000000a0d1' });
    const err = await c.guestPower('pve1', 'lxc', 200, 'shutdown').catch((e) => e);
    expect(err).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(err.message).toContain('Permission check failed (/vms/200, VM.PowerMgmt)');
    expect(sim.guest(200).status).toBe('running');
  });
});

describe('with a ticket', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 });
  });
  afterAll(() => sim?.stop());

  it('logs in once with the full user id, sends the cookie, and the CSRF token on writes only', async () => {
    const c = client(sim, DASH);
    const logins = sim.counters.logins;
    const from = sim.requests.length;
    await c.version();
    await c.clusterStatus();
    const upid = await c.guestPower('pve1', 'qemu', 100, 'reboot');
    expect(upid).toContain(':qmreboot:100:dash@pve:');
    expect((await c.waitTask(upid, { intervalMs: 20 })).ok).toBe(true);
    expect(sim.counters.logins - logins).toBe(1);
    const mine = sim.requests.slice(from);
    expect(mine.map((r) => `${r.method} ${r.path}`).slice(0, 4)).toEqual([
      'POST /access/ticket', 'GET /version', 'GET /cluster/status', 'POST /nodes/pve1/qemu/100/status/reboot',
    ]);
    expect(mine.filter((r) => r.path !== '/access/ticket').every((r) => r.auth === 'ticket')).toBe(true);
    expect(mine.filter((r) => r.method === 'POST' && r.path !== '/access/ticket').every((r) => r.csrfSent)).toBe(true);
    expect(mine.filter((r) => r.method === 'GET').every((r) => !r.csrfSent)).toBe(true);
    expect(mine.every((r) => r.status === 200)).toBe(true);
  });

  it('many calls at once share one login', async () => {
    const c = client(sim, DASH);
    const logins = sim.counters.logins;
    await Promise.all([c.version(), c.nodes(), c.clusterStatus(), c.resources('vm'), c.nodeStatus('pve1')]);
    expect(sim.counters.logins - logins).toBe(1);
  });

  it('renews the ticket with itself before the 2 hours are up (the password is not needed for it)', async () => {
    let now = Date.now();
    const c = client(sim, { kind: 'password', userid: 'renew@pve', password: 'first' }, { now: () => now });
    sim.addUser({ userid: 'renew@pve', password: 'first', role: 'PVEAuditor' });
    await c.version();
    // the password changes on the PVE side: only a renewal with the ticket can still succeed
    sim.access.users.get('renew@pve')!.password = 'changed-since';
    const logins = sim.counters.logins;
    const from = sim.requests.length;
    now += TICKET_RENEW_AFTER_MS + 60_000;
    sim.advanceClock((TICKET_RENEW_AFTER_MS + 60_000) / 1000);
    expect((await c.version()).version).toBe('9.1.5');
    expect(since(sim, from)).toEqual(['POST /access/ticket 200', 'GET /version 200']);
    expect(sim.counters.logins - logins).toBe(1);
    // and the renewed ticket is good for the next 90 minutes without another login
    await c.nodes();
    expect(sim.counters.logins - logins).toBe(1);
  });
});

describe('after PVE stops accepting the ticket', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 });
  });
  afterAll(() => sim?.stop());

  it('logs in again once on a 401 and retries the call once (the ticket expired on PVE\'s clock)', async () => {
    const c = client(sim, DASH);
    await c.version();
    // our clock says the ticket is young; PVE's says it is 2 h 5 min old
    sim.advanceClock(7500);
    const from = sim.requests.length;
    const logins = sim.counters.logins;
    expect((await c.nodes()).map((n) => n.node).sort()).toEqual(['pve1', 'pve2']);
    expect(since(sim, from)).toEqual(['GET /nodes 401', 'POST /access/ticket 200', 'GET /nodes 200']);
    expect(sim.counters.logins - logins).toBe(1);
  });

  it('retries a refused write once with the new ticket and its CSRF token: the guest starts once', async () => {
    const c = client(sim, DASH);
    await c.version();
    sim.advanceClock(7500);
    const from = sim.requests.length;
    const upid = await c.guestPower('pve2', 'lxc', 201, 'start');
    expect(since(sim, from)).toEqual(['POST /nodes/pve2/lxc/201/status/start 401', 'POST /access/ticket 200', 'POST /nodes/pve2/lxc/201/status/start 200']);
    expect((await c.waitTask(upid, { intervalMs: 20 })).ok).toBe(true);
    expect(sim.tasks.filter((t) => t.type === 'vzstart' && t.id === '201')).toHaveLength(1);
  });

  it('never loops when every ticket is refused, and waits out PVE\'s 3 s delay on each 401 instead of timing out', async () => {
    sim.config.unauthorizedDelayMs = 3000;
    const verify = sim.access.verifyTicket.bind(sim.access);
    try {
      const c = client(sim, DASH, { timeoutMs: 1000 });
      sim.access.verifyTicket = () => null;
      const from = sim.requests.length;
      const logins = sim.counters.logins;
      const t0 = Date.now();
      const err = await c.version().catch((e) => e);
      expect(err).toMatchObject({ kind: 'auth', status: 401 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(6000);
      expect(since(sim, from)).toEqual(['POST /access/ticket 200', 'GET /version 401', 'POST /access/ticket 200', 'GET /version 401']);
      expect(sim.counters.logins - logins).toBe(2);
    } finally {
      sim.access.verifyTicket = verify;
      sim.config.unauthorizedDelayMs = 0;
    }
  }, 30_000);

  it('a refused password is not tried again by the next calls for a while', async () => {
    let now = Date.now();
    const c = client(sim, { kind: 'password', userid: 'dash@pve', password: 'wrong' }, { now: () => now });
    const failures = sim.counters.loginFailures;
    const first = await c.version().catch((e) => e);
    expect(first).toMatchObject({ kind: 'auth' });
    expect(first.message).toContain('authentication failure');
    for (let i = 0; i < 3; i++) await expect(c.nodes()).rejects.toMatchObject({ kind: 'auth' });
    expect(sim.counters.loginFailures - failures).toBe(1);
    now += LOGIN_BACKOFF_MS + 1;
    await expect(c.version()).rejects.toMatchObject({ kind: 'auth' });
    expect(sim.counters.loginFailures - failures).toBe(2);
  });
});
