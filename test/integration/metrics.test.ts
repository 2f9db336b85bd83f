// Host metrics collected over SSH from real lab hosts (which share this machine's kernel, so their figures are
// this machine's), shown in the host list, the history route and the WebSocket; offline after repeated failures.
import { execFileSync } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER, sharedLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';

let lab: Lab;
const servers: TestServer[] = [];
const clients: WsTestClient[] = [];
beforeAll(() => {
  lab = sharedLab();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.destroy()));
});

async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const ts = await startTestServer({ sshKeyFile: lab.clientKeyPath, ...opts });
  servers.push(ts);
  return ts;
}

async function addHost(ts: TestServer, name: string, h: Pick<LabHost, 'address' | 'port'>): Promise<number> {
  const r = await ts.api('POST', '/api/hosts', { body: { name, host: h.address, port: h.port, username: LAB_USER } });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

const nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
const disk = statfsSync('/');
const diskTotal = disk.blocks * disk.bsize;

describe('host metrics from a lab host', () => {
  it('collects uptime, load, CPU count, memory and root disk: the figures of this machine', async () => {
    const ts = await server();
    const id = await addHost(ts, 'm1', lab.hosts[0]!);
    const m = await ts.container.metrics.collect(id);
    expect(m).not.toBeNull();

    const host = (await ts.api('GET', '/api/hosts', { role: 'viewer' })).body.hosts.find((h: { id: number }) => h.id === id);
    expect(host.status).toBe('online');
    expect(Date.parse(host.last_seen_at)).toBeGreaterThan(Date.now() - 60_000);
    const metrics = host.metrics;
    expect(metrics.cpu_count).toBe(nproc);
    expect(metrics.mem_total_bytes).toBe(memTotal);
    expect(metrics.mem_used_bytes).toBeGreaterThan(0);
    expect(metrics.mem_used_bytes).toBeLessThanOrEqual(memTotal);
    // statfs here and df on the host read the same file system; within 1% (df rounds to its block size).
    expect(Math.abs(metrics.disk_total_bytes - diskTotal) / diskTotal).toBeLessThan(0.01);
    expect(metrics.disk_used_bytes).toBeGreaterThan(0);
    expect(metrics.uptime_s).toBeGreaterThan(0);
    expect(metrics.load1).toBeGreaterThanOrEqual(0);
    expect(Date.parse(metrics.collected_at)).toBeGreaterThan(Date.now() - 60_000);

    const one = (await ts.api('GET', `/api/hosts/${id}`)).body;
    expect(one.metrics).toEqual(metrics);
  });

  it('keeps a history, newest samples included, at GET /api/hosts/{id}/metrics', async () => {
    const ts = await server();
    const id = await addHost(ts, 'm2', lab.hosts[1]!);
    await ts.container.metrics.collect(id);
    await ts.container.metrics.collect(id);
    const r = await ts.api('GET', `/api/hosts/${id}/metrics?hours=1`, { role: 'viewer' });
    expect(r.status).toBe(200);
    expect(r.body.metrics).toHaveLength(2);
    for (const s of r.body.metrics) expect(s).toMatchObject({ cpu_count: nproc, mem_total_bytes: memTotal });
    expect((await ts.api('GET', '/api/hosts/999999/metrics')).status).toBe(404);
    // A host never collected has an empty history, not an error.
    const other = await addHost(ts, 'm2-empty', { address: '127.0.0.1', port: 9 });
    expect((await ts.api('GET', `/api/hosts/${other}/metrics`)).body).toEqual({ metrics: [] });
  });

  it('collects on its own with the scheduler on, and announces the host on the WebSocket', async () => {
    const ts = await server({ scheduler: true, env: { HOMELAB_HOST_METRICS_INTERVAL: '2', HOMELAB_DOCKER_COLLECT_INTERVAL: '3600', HOMELAB_DOCKER_EVENTS: 'false' } });
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    clients.push(ws);
    await ws.waitFor((m) => m.type === 'hello');
    const id = await addHost(ts, 'm3', lab.hosts[2]!);
    const msg = await ws.waitFor((m) => m.type === 'host_updated' && m.host.id === id && m.host.metrics !== null, 15_000);
    expect(msg.host).toMatchObject({ status: 'online', metrics: { cpu_count: nproc, mem_total_bytes: memTotal } });
    expect(msg.host.metrics.uptime_s).toBeGreaterThan(0);
    // Every interval adds a sample.
    const until = Date.now() + 15_000;
    let samples = 0;
    while (Date.now() < until) {
      samples = (await ts.api('GET', `/api/hosts/${id}/metrics?hours=1`)).body.metrics.length;
      if (samples >= 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(samples).toBeGreaterThanOrEqual(2);

    // A deleted host's loop goes with it.
    expect(ts.container.scheduler.has(`host-metrics:host:${id}`)).toBe(true);
    expect((await ts.api('DELETE', `/api/hosts/${id}`)).status).toBe(204);
    expect(ts.container.scheduler.has(`host-metrics:host:${id}`)).toBe(false);
  });
});

describe('a host that does not answer', () => {
  it('stays as it was after one failure and turns offline after repeated failures (3), with the reason', async () => {
    const ts = await server();
    const id = await addHost(ts, 'nowhere', { address: '127.0.0.1', port: 9 });
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    clients.push(ws);
    await ws.waitFor((m) => m.type === 'hello');

    await expect(ts.container.metrics.collect(id)).rejects.toThrow();
    let host = (await ts.api('GET', `/api/hosts/${id}`)).body;
    expect(host.status).toBe('unknown');
    expect(host.status_reason).toMatch(/refused|ECONNREFUSED/i);
    await expect(ts.container.metrics.collect(id)).rejects.toThrow();
    await expect(ts.container.metrics.collect(id)).rejects.toThrow();
    host = (await ts.api('GET', `/api/hosts/${id}`)).body;
    expect(host.status).toBe('offline');
    expect(host.status_reason).toBeTruthy();
    expect(host.metrics).toBeNull();
    await ws.waitFor((m) => m.type === 'host_updated' && m.host.id === id && m.host.status === 'offline', 3000);
  });
});
