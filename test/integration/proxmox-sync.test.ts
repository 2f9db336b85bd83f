// The Proxmox sync through the real API on real SQLite, against the strict PVE simulator: what it stores equals the
// simulator's state exactly (nodes, guests with their agent, IPs and snapshot counts, storage per node, the
// cluster's status fields), changes and removals follow, an offline node costs only its own figures, a
// privilege-separated token stores only what it may see, and the read routes answer 404 and 422 as promised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { type ProxmoxSim, startProxmoxSim } from '../support/proxmox/sim.js';
import type { AgentInterface, SimGuest, SimNode, SimState } from '../support/proxmox/state.js';

let ts: TestServer;
let sim: ProxmoxSim;
let cluster: number;
beforeAll(async () => {
  [ts, sim] = await Promise.all([startTestServer(), startProxmoxSim({ taskDelayMs: 30, unauthorizedDelayMs: 0 })]);
  cluster = await addCluster('home', { token_id: 'root@pam!dash', token_secret: '5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41' });
});
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});

async function addCluster(name: string, creds: Record<string, unknown>, port = Number(new URL(sim.url).port)): Promise<number> {
  const r = await ts.api('POST', '/api/proxmox/clusters', { body: { name, host: '127.0.0.1', port, tls_fingerprint: sim.fingerprint, ...creds } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

const sync = async (id = cluster) => {
  const r = await ts.api('POST', `/api/proxmox/clusters/${id}/sync`, { role: 'operator' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const read = async (what: string, id = cluster) => {
  const r = await ts.api('GET', `/api/proxmox/clusters/${id}/${what}`, { role: 'viewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const strip = <T extends { updated_at?: string }>(rows: T[]) => rows.map(({ updated_at: _, ...rest }) => rest);

// --- what the simulator's state must become, written from its objects (not from the sync's code) ---------------

const online = (s: SimState, node: string) => s.nodes.find((n) => n.name === node)!.online;
const isHidden = (ip: string) => ip.startsWith('127.') || ip === '::1' || ip.toLowerCase().startsWith('fe80:');
function ips(list: AgentInterface[]) {
  const all = list.flatMap((i) => i['ip-addresses'] ?? []).filter((a) => !isHidden(a['ip-address']));
  return { ipv4: all.filter((a) => a['ip-address-type'] === 'ipv4').map((a) => a['ip-address']), ipv6: all.filter((a) => a['ip-address-type'] === 'ipv6').map((a) => a['ip-address']) };
}

function expectedGuest(s: SimState, g: SimGuest) {
  const running = g.status === 'running';
  const up = online(s, g.node);
  const agentAnswers = g.type === 'qemu' && g.agent.configured && running && g.agent.running && g.qmpstatus === 'running';
  const net = (g.type === 'qemu' ? agentAnswers : running) ? ips(g.agent.interfaces) : { ipv4: [], ipv6: [] };
  return {
    vmid: g.vmid, name: g.name, type: g.type, node: g.node,
    status: !up ? 'unknown' : g.type === 'qemu' && running ? g.qmpstatus : g.status,
    cpus: g.cpus, cpu_usage: running ? g.cpu : 0, mem_used: running ? g.mem : 0, mem_total: g.maxmem,
    disk_used: g.type === 'lxc' && running ? g.disk : 0, disk_total: g.maxdisk, uptime_s: running ? g.uptime : 0,
    ...net,
    agent: g.type === 'lxc' || !g.agent.configured ? 'not_configured' : agentAnswers ? 'running' : 'not_running',
    tags: g.tags ? g.tags.split(';') : [], lock: g.lock ?? null, template: g.template,
    ha_state: g.ha ? (running ? 'started' : 'stopped') : null, snapshots: g.snapshots.length,
  };
}

function expectedNode(n: SimNode) {
  return {
    node: n.name, status: 'online', uptime_s: n.uptime, cpu_usage: n.cpu, cpu_count: n.maxcpu, cpu_model: n.cpuModel,
    mem_used: n.mem, mem_total: n.maxmem, disk_used: n.rootUsed, disk_total: n.rootTotal, loadavg: n.loadavg.map(Number),
    kernel_version: n.kernelRelease, pve_version: sim.config.version,
  };
}

function expectedStorage(s: SimState) {
  return s.storage.filter((x) => x.enabled).flatMap((x) =>
    s.nodes.filter((n) => !x.nodes || x.nodes.includes(n.name)).map((n) => {
      const available = x.active && n.online;
      return {
        storage: x.storage, node: n.name, type: x.type, status: available ? 'available' : 'unknown', content: [...x.content].sort(),
        used: available ? x.used : null, total: available ? x.total : null, shared: x.shared,
      };
    })).sort((a, b) => a.storage.localeCompare(b.storage) || a.node.localeCompare(b.node));
}

const byVmid = (s: SimState) => [...s.guests].sort((a, b) => a.vmid - b.vmid).map((g) => expectedGuest(s, g));

describe('a sync', () => {
  it("stores exactly the simulator's nodes, guests and storage, and the cluster's status", async () => {
    const r = await sync();
    expect(r).toMatchObject({ nodes: 2, guests: 5, storage: 6, errors: [] });
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    expect(strip((await read('nodes')).nodes)).toEqual(sim.state.nodes.map(expectedNode));
    expect(strip((await read('guests')).guests)).toEqual(byVmid(sim.state));
    expect(strip((await read('storage')).storage)).toEqual(expectedStorage(sim.state));
    const c = (await ts.api('GET', `/api/proxmox/clusters/${cluster}`, { role: 'viewer' })).body;
    expect(c).toMatchObject({ status: 'online', status_reason: null, version: '9.1.5', cluster_name: 'homelab', quorate: true, nodes_total: 2, nodes_online: 2 });
    expect(Date.parse(c.last_sync_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(c.last_sync_ms).toBe(r.duration_ms);
  });

  it("shows a VM's addresses only through a running agent, and a container's without one", async () => {
    const guests = new Map((await read('guests')).guests.map((g: any) => [g.vmid, g]));
    expect(guests.get(100)).toMatchObject({ status: 'running', agent: 'running', ipv4: ['192.168.1.20'], ipv6: [], tags: ['prod', 'web'] });
    expect(guests.get(101)).toMatchObject({ status: 'paused', agent: 'not_configured', ipv4: [] });
    expect(guests.get(102)).toMatchObject({ status: 'stopped', template: true });
    expect(guests.get(200)).toMatchObject({ type: 'lxc', agent: 'not_configured', ipv4: ['192.168.1.53'] });
    sim.guest(100).agent.running = false;
    await sync();
    const vm = (await read('guests')).guests.find((g: any) => g.vmid === 100);
    expect(vm).toMatchObject({ agent: 'not_running', ipv4: [], ipv6: [] });
    sim.guest(100).agent.running = true;
  });

  it('follows changes: a started container, a new snapshot, new tags, a lock', async () => {
    const ct = sim.guest(201);
    Object.assign(ct, { status: 'running', disk: 2 * 1024 ** 3, uptime: 42 });
    ct.agent.interfaces = [{ name: 'eth0', 'ip-addresses': [{ 'ip-address-type': 'ipv4', prefix: 24, 'ip-address': '10.0.0.7' }, { 'ip-address-type': 'ipv6', prefix: 64, 'ip-address': '2001:db8::7' }] }];
    const vm = sim.guest(100);
    vm.snapshots.push({ name: 'before_upgrade', description: 'pre 29', snaptime: 1_700_000_000, vmstate: false });
    vm.parent = 'before_upgrade';
    vm.tags = 'prod;web;homelab-monitor';
    sim.guest(101).lock = 'backup';
    await sync();
    expect(strip((await read('guests')).guests)).toEqual(byVmid(sim.state));
    const synced = (await read('guests')).guests;
    expect(synced.find((g: any) => g.vmid === 201)).toMatchObject({ status: 'running', ipv4: ['10.0.0.7'], ipv6: ['2001:db8::7'], disk_used: 2 * 1024 ** 3 });
    expect(synced.find((g: any) => g.vmid === 100)).toMatchObject({ snapshots: 1, tags: ['prod', 'web', 'homelab-monitor'] });
    delete sim.guest(101).lock;
  });

  it('removes a guest gone from PVE, and its detail answers 404', async () => {
    sim.state.guests = sim.state.guests.filter((g) => g.vmid !== 102);
    const r = await sync();
    expect(r.guests).toBe(4);
    const vmids = (await read('guests')).guests.map((g: any) => g.vmid);
    expect(vmids).toEqual([100, 101, 200, 201]);
    expect(await ts.container.db.kysely.selectFrom('proxmox_guests').select('vmid').where('vmid', '=', 102).execute()).toEqual([]);
    const gone = await ts.api('GET', `/api/proxmox/clusters/${cluster}/guests/102`, { role: 'viewer' });
    expect([gone.status, gone.body.error]).toEqual([404, 'not_found']);
  });

  it('shares one run between syncs asked at the same time', async () => {
    const before = sim.requestCount('GET /cluster/resources');
    const [a, b] = await Promise.all([sync(), sync()]);
    expect(a).toEqual(b);
    expect(sim.requestCount('GET /cluster/resources')).toBe(before + 1);
  });
});

describe('a node offline', () => {
  it('keeps the rest: the node is offline with no live figures, its guests and storage unknown, the other node whole', async () => {
    sim.setNodeOnline('pve2', false);
    try {
      const r = await sync();
      expect(r.errors).toEqual([]);
      const nodes = (await read('nodes')).nodes;
      const pve2 = sim.node('pve2');
      expect(strip(nodes)).toEqual([
        expectedNode(sim.node('pve1')),
        {
          node: 'pve2', status: 'offline', uptime_s: null, cpu_usage: null, mem_used: null, disk_used: null, loadavg: null,
          cpu_count: pve2.maxcpu, cpu_model: pve2.cpuModel, mem_total: pve2.maxmem, disk_total: pve2.rootTotal,
          kernel_version: pve2.kernelRelease, pve_version: '9.1.5',
        },
      ]);
      const guests = (await read('guests')).guests;
      expect(guests.find((g: any) => g.vmid === 201)).toMatchObject({ node: 'pve2', status: 'unknown' });
      expect(strip(guests.filter((g: any) => g.node === 'pve1'))).toEqual(byVmid(sim.state).filter((g) => g.node === 'pve1'));
      expect(strip((await read('storage')).storage)).toEqual(expectedStorage(sim.state));
      expect((await ts.api('GET', `/api/proxmox/clusters/${cluster}`)).body).toMatchObject({ status: 'online', nodes_total: 2, nodes_online: 1 });
      // PVE keeps RRD data cluster-wide (pmxcfs): an offline node's chart still answers, up to when it went down.
      expect((await read('nodes/pve2/rrd')).points).toHaveLength(60);
    } finally {
      sim.setNodeOnline('pve2', true);
    }
    await sync();
    expect(strip((await read('nodes')).nodes)).toEqual(sim.state.nodes.map(expectedNode));
  });
});

describe('a privilege-separated token', () => {
  it('stores only the guests and storage the token may see', async () => {
    sim.addToken({
      tokenid: 'audit@pve!few', secret: 'few-0000-4000-8000-000000000001', privsep: true,
      acl: [{ path: '/vms/100', privs: 'PVEAuditor' }, { path: '/nodes', privs: 'PVEAuditor' }],
    });
    const few = await addCluster('few', { token_id: 'audit@pve!few', token_secret: 'few-0000-4000-8000-000000000001' });
    const r = await sync(few);
    expect(r).toMatchObject({ nodes: 2, guests: 1, storage: 0, errors: [] });
    expect(strip((await read('guests', few)).guests)).toEqual([expectedGuest(sim.state, sim.guest(100))]);
    expect((await read('storage', few)).storage).toEqual([]);
    // Without Sys.Audit on / there is no quorum to read; the nodes still come from /nodes.
    expect((await ts.api('GET', `/api/proxmox/clusters/${few}`)).body).toMatchObject({ status: 'online', quorate: null, nodes_total: 2, nodes_online: 2 });
    // The other cluster's inventory is its own.
    expect((await read('guests')).guests).toHaveLength(4);
  });
});

describe('a guest in detail', () => {
  it('adds its snapshots (oldest first, without current) and its backups (newest first)', async () => {
    const vm = sim.guest(100);
    vm.snapshots.push({ name: 'with_ram', description: '', snaptime: 1_700_000_500, vmstate: true, parent: 'before_upgrade' });
    vm.parent = 'with_ram';
    const local = sim.state.storage.find((s) => s.storage === 'local')!;
    for (const [stamp, ctime] of [['2025_01_01-00_00_00', 1_735_689_600], ['2025_02_01-00_00_00', 1_738_368_000]] as const) {
      local.volumes.push({ volid: `local:backup/vzdump-qemu-100-${stamp}.vma.zst`, format: 'vma.zst', size: 1234, ctime, vmid: 100, content: 'backup', subtype: 'qemu', node: 'pve1', notes: 'nightly' });
    }
    local.volumes.push({ volid: 'local:backup/vzdump-lxc-200-2025_01_01-00_00_00.tar.zst', format: 'tar.zst', size: 99, ctime: 1_735_689_600, vmid: 200, content: 'backup', subtype: 'lxc', node: 'pve1' });
    const r = await ts.api('GET', `/api/proxmox/clusters/${cluster}/guests/100`, { role: 'viewer' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ vmid: 100, name: 'nextcloud', errors: [] });
    expect(r.body.snapshot_list).toEqual([
      { name: 'before_upgrade', description: 'pre 29', time: '2023-11-14T22:13:20.000Z', parent: null, vmstate: false },
      { name: 'with_ram', description: '', time: '2023-11-14T22:21:40.000Z', parent: 'before_upgrade', vmstate: true },
    ]);
    expect(r.body.backups).toEqual([
      { volid: 'local:backup/vzdump-qemu-100-2025_02_01-00_00_00.vma.zst', storage: 'local', format: 'vma.zst', size: 1234, time: '2025-02-01T00:00:00.000Z', notes: 'nightly', protected: false },
      { volid: 'local:backup/vzdump-qemu-100-2025_01_01-00_00_00.vma.zst', storage: 'local', format: 'vma.zst', size: 1234, time: '2025-01-01T00:00:00.000Z', notes: 'nightly', protected: false },
    ]);
  });
});

describe('charts', () => {
  it("gives a node's and a guest's points from rrddata, hour by default", async () => {
    const node = await read('nodes/pve1/rrd');
    expect(node.points).toHaveLength(60);
    const p = node.points[0];
    expect(Object.keys(p).sort()).toEqual(['cpu', 'diskread', 'diskwrite', 'mem_total', 'mem_used', 'netin', 'netout', 'time']);
    expect(p.mem_total).toBe(sim.node('pve1').maxmem);
    expect([p.diskread, p.diskwrite]).toEqual([null, null]);
    // The newest bucket has only its time.
    expect(node.points.at(-1)).toMatchObject({ cpu: null, mem_used: null, netin: null });
    const week = await read('guests/100/rrd?timeframe=week');
    expect(week.points).toHaveLength(336);
    expect(week.points[1].time - week.points[0].time).toBe(1800);
    expect(week.points[0].mem_total).toBe(sim.guest(100).maxmem);
    expect(typeof week.points[0].diskwrite).toBe('number');
    expect((await read('guests/200/rrd?timeframe=day')).points).toHaveLength(1440);
  });
});

describe('bad requests', () => {
  it('answers 422 for bad parameters, before anything reaches PVE', async () => {
    const before = sim.requests.length;
    for (const url of [
      `/api/proxmox/clusters/abc/guests`,
      `/api/proxmox/clusters/0/nodes`,
      `/api/proxmox/clusters/${cluster}/guests/99`,
      `/api/proxmox/clusters/${cluster}/guests/x1`,
      `/api/proxmox/clusters/${cluster}/guests/100/rrd?timeframe=month`,
      `/api/proxmox/clusters/${cluster}/nodes/pve1/rrd?timeframe=`,
      `/api/proxmox/clusters/${cluster}/nodes/-bad-/rrd`,
      `/api/proxmox/clusters/${cluster}/nodes/pve1/rrd?timeframe=hour&cf=MAX`,
    ]) {
      const r = await ts.api('GET', url, { role: 'viewer' });
      expect([url, r.status]).toEqual([url, 422]);
      expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const post = await ts.api('POST', '/api/proxmox/clusters/abc/sync', { role: 'operator' });
    expect(post.status).toBe(422);
    expect(sim.requests.length).toBe(before);
  });

  it('answers 404 for an unknown cluster, guest or node', async () => {
    for (const [method, url] of [
      ['POST', '/api/proxmox/clusters/9999/sync'], ['GET', '/api/proxmox/clusters/9999/nodes'], ['GET', '/api/proxmox/clusters/9999/guests'],
      ['GET', '/api/proxmox/clusters/9999/guests/100'], ['GET', '/api/proxmox/clusters/9999/storage'],
      ['GET', '/api/proxmox/clusters/9999/nodes/pve1/rrd'], ['GET', '/api/proxmox/clusters/9999/guests/100/rrd'],
      ['GET', `/api/proxmox/clusters/${cluster}/guests/4242`], ['GET', `/api/proxmox/clusters/${cluster}/guests/4242/rrd`],
      ['GET', `/api/proxmox/clusters/${cluster}/nodes/pve9/rrd`],
    ] as const) {
      const r = await ts.api(method, url, { role: 'operator' });
      expect([url, r.status, r.body.error]).toEqual([url, 404, 'not_found']);
    }
  });

  it('answers 502 for a cluster it cannot reach, records why, and keeps nothing half-written', async () => {
    const away = await addCluster('away', { token_id: 'root@pam!dash', token_secret: 'x' }, 9);
    const r = await ts.api('POST', `/api/proxmox/clusters/${away}/sync`, { role: 'operator' });
    expect([r.status, r.body.error]).toEqual([502, 'proxmox_unreachable']);
    const c = (await ts.api('GET', `/api/proxmox/clusters/${away}`)).body;
    expect(c).toMatchObject({ status: 'unreachable', nodes_total: null });
    expect(c.status_reason).toBeTruthy();
    expect(c.last_sync_at).not.toBeNull();
    expect((await read('nodes', away)).nodes).toEqual([]);
    expect((await read('guests', away)).guests).toEqual([]);
  });
});

describe('the loop', () => {
  it('syncs every enabled cluster on its own and stops with the area', async () => {
    const lastSync = async () => (await ts.api('GET', `/api/proxmox/clusters/${cluster}`)).body.last_sync_at;
    // The clusters of the tests above go: alone, this one's loop starts within a second (no stagger).
    for (const c of (await ts.api('GET', '/api/proxmox/clusters')).body.clusters) {
      if (c.id !== cluster) expect((await ts.api('DELETE', `/api/proxmox/clusters/${c.id}`)).status).toBe(204);
    }
    const before = await lastSync();
    await ts.container.proxmox.start();
    try {
      expect(ts.container.scheduler.has(`proxmox-sync:proxmox:${cluster}`)).toBe(true);
      await expect.poll(lastSync, { timeout: 8000, interval: 200 }).not.toBe(before);
      const patched = await ts.api('PATCH', `/api/proxmox/clusters/${cluster}`, { body: { enabled: false } });
      expect(patched.status).toBe(200);
      expect(ts.container.scheduler.has(`proxmox-sync:proxmox:${cluster}`)).toBe(false);
    } finally {
      await ts.container.proxmox.stop();
    }
    expect(ts.container.scheduler.has(`proxmox-sync:proxmox:${cluster}`)).toBe(false);
  });
});
