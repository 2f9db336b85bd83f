// Broken hosts, on a private lab (index 60+) so the shared one stays healthy: dockerd stopped (error + the daemon's
// reason, containers kept and flagged stale), sshd gone (unreachable + why), a host that hangs while two others are
// collected at the same time (they finish on time, the hung one reports a timeout), and recovery after repair.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, sharedLab, startLab, type Lab, type LabHost } from '../lab/index.js';
import { utsInode } from '../lab/procs.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';
import { dockerJsonLines, enableHost, remoteProcs, sleep, until, wsAfter } from './docker-support.js';

// Small deadlines so that a hung host costs seconds, not the default 15 s; exec is larger than a healthy
// collection on a loaded 2-core machine, so "finished before the timeout" means something.
const EXEC_TIMEOUT_S = 12;
const CONNECT_TIMEOUT_S = 2;

let ts: TestServer;
let priv: Lab;
const ids: number[] = [];

beforeAll(async () => {
  const shared = sharedLab();
  // Same lab root as the shared lab: one client key authorized on every host.
  const root = dirname(dirname(shared.clientKeyPath));
  [ts, priv] = await Promise.all([
    startTestServer({
      sshKeyFile: shared.clientKeyPath,
      env: { HOMELAB_SSH_EXEC_TIMEOUT: String(EXEC_TIMEOUT_S), HOMELAB_SSH_CONNECT_TIMEOUT: String(CONNECT_TIMEOUT_S) },
    }),
    startLab({ hosts: 3, firstIndex: 60, root }),
  ]);
  for (const [i, h] of priv.hosts.entries()) ids.push((await enableHost(ts, `fault-${i + 1}`, h)).id);
}, 300_000);
afterAll(async () => {
  await ts?.destroy();
  await priv?.stop();
}, 120_000);

const collect = (id: number) => ts.api('POST', `/api/docker/hosts/${id}/collect`, { role: 'operator' });
const card = async (id: number) => (await ts.api('GET', '/api/docker/hosts')).body.hosts.find((x: any) => x.id === id);
const containers = async (id: number) => (await ts.api('GET', `/api/docker/hosts/${id}/containers`)).body.containers as any[];

/** The host's sshd sessions (the listener's children): killing them is what a host going down does to our connection. */
function sshSessions(h: LabHost): number[] {
  const ns = readFileSync(`${h.dir}/uts-sshd`, 'utf8').trim();
  return readdirPids().filter((pid) => {
    try {
      return utsInode(pid) === ns && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sshd');
    } catch {
      return false;
    }
  });
}
function readdirPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** Collects until the host is online again (the SSH connect backoff may hold the first tries); answers how long it took. */
async function backOnline(id: number, boundMs = 45_000): Promise<{ ms: number; body: any }> {
  const t0 = Date.now();
  for (;;) {
    const r = await collect(id);
    if (r.body.docker_status === 'online') return { ms: Date.now() - t0, body: r.body };
    if (Date.now() - t0 > boundMs) throw new Error(`still ${r.body.docker_status} after ${boundMs} ms: ${JSON.stringify(r.body.errors)}`);
    await sleep(1000);
  }
}

describe('faults on private lab hosts', () => {
  it('all three start online', async () => {
    for (const id of ids) expect((await card(id)).docker_status).toBe('online');
  });

  it('dockerd stopped: docker_status error with the daemon reason, containers kept and flagged stale; back online after repair', async () => {
    const h = priv.hosts[0]!;
    const id = ids[0]!;
    const before = await containers(id);
    expect(before.length).toBeGreaterThan(5);
    await h.stopDocker();
    try {
      const r = await collect(id);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ docker_status: 'error', containers: before.length });
      expect(r.body.errors[0].message).toMatch(/Cannot connect to the Docker daemon/);
      const c = await card(id);
      expect(c).toMatchObject({ docker_status: 'error', containers_total: before.length });
      expect(c.docker_status_reason).toMatch(/docker is not answering: .*Cannot connect to the Docker daemon/);
      const kept = await containers(id);
      expect(kept.map((x) => x.container_id).sort()).toEqual(before.map((x) => x.container_id).sort());
      expect(kept.every((x) => x.stale === true)).toBe(true);
      // An action says why it cannot run, and the server keeps answering.
      const act = await ts.api('POST', `/api/docker/containers/${id}/${SEED.web}/stop`, { role: 'operator' });
      expect(act.status).toBe(502);
      expect(act.body.message).toMatch(/Cannot connect to the Docker daemon/);
      const logs = await ts.api('GET', `/api/docker/containers/${id}/${SEED.exited}/logs`);
      expect(logs.status).toBe(502);
      expect((await ts.api('GET', '/api/health', { role: null })).status).toBe(200);
    } finally {
      await h.startDocker();
      await h.seed();
    }
    const { ms, body } = await backOnline(id);
    console.log(`[docker-faults] dockerd repaired: online again after ${ms} ms`);
    expect(body.errors).toEqual([]);
    const now = await containers(id);
    expect(now.every((x) => x.stale === false)).toBe(true);
    expect(now.map((x) => x.container_id).sort()).toEqual((await dockerJsonLines(h, ['ps', '-a', '--no-trunc'])).map((p) => p.ID).sort());
    expect((await card(id)).docker_status_reason).toBeNull();
  });

  it('sshd gone: docker_status unreachable with the reason; back online after sshd starts', async () => {
    const h = priv.hosts[1]!;
    const id = ids[1]!;
    const before = await containers(id);
    await h.stopSshd();
    // Open connections survive a stopped listener: end them as a host going down would.
    const sessions = sshSessions(h);
    expect(sessions.length).toBeGreaterThan(0);
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    try {
      await sleep(300);
      const t0 = Date.now();
      const r = await collect(id);
      expect(r.status).toBe(200);
      expect(r.body.docker_status).toBe('unreachable');
      expect(r.body.errors[0].message).toMatch(/refused|ECONNREFUSED|closed|ended/i);
      expect(Date.now() - t0).toBeLessThan((EXEC_TIMEOUT_S + CONNECT_TIMEOUT_S) * 1000);
      const c = await card(id);
      expect(c.docker_status).toBe('unreachable');
      expect(c.docker_status_reason).toMatch(/cannot reach the host/);
      const kept = await containers(id);
      expect(kept.length).toBe(before.length);
      expect(kept.every((x) => x.stale === true)).toBe(true);
      // Asked again while the host is still down: still unreachable, with a reason (refused, or the backoff saying so).
      const again = await collect(id);
      expect(again.body.docker_status).toBe('unreachable');
      expect(again.body.errors[0].message.length).toBeGreaterThan(20);
    } finally {
      await h.startSshd();
    }
    const { ms } = await backOnline(id);
    console.log(`[docker-faults] sshd repaired: online again after ${ms} ms (connect backoff included)`);
    expect((await containers(id)).every((x) => x.stale === false)).toBe(true);
  });

  it('a hanging host does not delay the others: 3 collected at once, the healthy ones finish before the hung one times out', async () => {
    const [hung, ...healthy] = priv.hosts;
    const [hungId, ...okIds] = ids;
    // Warm connections to every host first, so what we time is the collection, not a first dial.
    await Promise.all(ids.map((id) => collect(id!)));
    await hung!.hang();
    try {
      const t0 = Date.now();
      const timed = (id: number) => collect(id).then((r) => ({ id, r, at: Date.now() - t0 }));
      const results = await Promise.all([timed(hungId!), ...okIds.map((id) => timed(id!))]);
      const slow = results[0]!;
      const fast = results.slice(1);
      console.log(`[docker-faults] concurrent collection: hung host ${slow.at} ms (${slow.r.body.docker_status}), healthy ${fast.map((f) => `${f.at} ms (collector ${f.r.body.duration_ms} ms, ${f.r.body.round_trips} round trips)`).join(', ')}`);
      for (const f of fast) {
        expect(f.r.body.docker_status).toBe('online');
        expect(f.at).toBeLessThan(EXEC_TIMEOUT_S * 1000);
        expect(f.at).toBeLessThan(slow.at);
      }
      expect(slow.r.status).toBe(200);
      expect(slow.r.body.docker_status).toBe('unreachable');
      expect(slow.r.body.errors[0].message).toMatch(/time|timed out/i);
      expect(slow.at).toBeGreaterThanOrEqual(EXEC_TIMEOUT_S * 1000 - 500);
      const c = await card(hungId!);
      expect(c).toMatchObject({ docker_status: 'unreachable' });
      expect(c.docker_status_reason).toMatch(/time/i);
      for (const h of healthy) expect((await card(ids[priv.hosts.indexOf(h)]!)).docker_status).toBe('online');

      // While it still hangs, a new dial gives up at the connect deadline.
      const t1 = Date.now();
      const again = await collect(hungId!);
      expect(again.body.docker_status).toBe('unreachable');
      expect(Date.now() - t1).toBeLessThan((CONNECT_TIMEOUT_S + EXEC_TIMEOUT_S) * 1000 + 2000);
    } finally {
      await hung!.unhang();
    }
    const { ms } = await backOnline(hungId!);
    console.log(`[docker-faults] unhung: online again after ${ms} ms`);
    expect((await ts.api('GET', '/api/health', { role: null })).status).toBe(200);
  });

  it('with the loops on (collection hourly), dockerd dying turns the host card to error through the events stream, and back online when it returns', async () => {
    const h = priv.hosts[2]!;
    const live = await startTestServer({
      sshKeyFile: sharedLab().clientKeyPath,
      scheduler: true,
      env: { HOMELAB_DOCKER_COLLECT_INTERVAL: '3600', HOMELAB_SSH_EXEC_TIMEOUT: String(EXEC_TIMEOUT_S), HOMELAB_SSH_CONNECT_TIMEOUT: String(CONNECT_TIMEOUT_S) },
    });
    const ws = WsTestClient.connect(live.url, live.tokens.viewer);
    try {
      const { id } = await enableHost(live, 'fault-live', h);
      await ws.waitFor((m) => m.type === 'hello');
      await until('the events stream on the host', async () => remoteProcs(h, 'docker events').length > 0, 20_000);
      await sleep(1500); // its catch-up collection
      let from = ws.received.length;
      let t0 = Date.now();
      await h.stopDocker();
      const down = await wsAfter(ws, from, (m) => m.type === 'docker_host_updated' && m.host.id === id && m.host.docker_status === 'error', 20_000);
      console.log(`[docker-faults] dockerd stopped -> host card error on the WS after ${down.at - t0} ms (no poll: collection is hourly)`);
      expect(down.msg.host.docker_status_reason).toMatch(/Cannot connect to the Docker daemon/);

      from = ws.received.length;
      t0 = Date.now();
      await h.startDocker();
      const up = await wsAfter(ws, from, (m) => m.type === 'docker_host_updated' && m.host.id === id && m.host.docker_status === 'online', 60_000);
      console.log(`[docker-faults] dockerd back -> host card online on the WS after ${up.at - t0} ms (events stream reconnect backoff)`);
      const cs = (await live.api('GET', `/api/docker/hosts/${id}/containers`)).body.containers;
      expect(cs.length).toBeGreaterThan(0);
      expect(cs.every((c: any) => c.stale === false)).toBe(true);
    } finally {
      ws.close();
      await live.destroy();
      await h.startDocker();
    }
  });
});
