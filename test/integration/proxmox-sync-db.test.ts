// The Proxmox inventory tables (migration 010) and their repository on SQLite and on a real PostgreSQL: byte counts
// past 2^31 round-trip as numbers, a replace updates rows in place and removes those not listed, the database refuses
// an unknown guest type or agent state, and a cluster's inventory goes with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest } from '../../src/db/database.js';
import { type ProxmoxInventory, ProxmoxInventoryRepository } from '../../src/db/repositories/proxmox-inventory.repository.js';
import { ProxmoxRepository } from '../../src/db/repositories/proxmox.repository.js';
import { bothDialects } from '../support/dialects.js';

const dialects = bothDialects('pxinv');

const GiB = 1024 ** 3;
const node = (name: string) => ({
  node: name, status: 'online', uptime_s: 1_699_284, cpu_usage: 0.0234, cpu_count: 8, cpu_model: 'Intel(R) N100',
  mem_used: 18 * GiB, mem_total: 64 * GiB, disk_used: 20 * GiB, disk_total: 94 * GiB, loadavg: [0.41, 0.37, 0.3],
  kernel_version: '6.8.12-15-pve', pve_version: '9.1.5',
});
const guest = (vmid: number, extra: Partial<ProxmoxInventory['guests'][number]> = {}): ProxmoxInventory['guests'][number] => ({
  vmid, name: `vm${vmid}`, type: 'qemu', node: 'pve1', status: 'running', cpus: 4, cpu_usage: 0.05, mem_used: 3 * GiB,
  mem_total: 8 * GiB, disk_used: 0, disk_total: 32 * GiB, uptime_s: 86_400, ipv4: ['192.168.1.20'], ipv6: ['2001:db8::1'],
  agent: 'running', tags: ['prod', 'web'], lock: null, template: false, ha_state: null, snapshots: 2, ...extra,
});
const store = (storage: string, nodeName: string) => ({
  storage, node: nodeName, type: 'lvmthin', status: 'available', content: ['images', 'rootdir'], used: 87_896_381_440, total: 1_394_081_792_000, shared: false,
});
const status = { status: 'online', version: '9.1.5', nodes_total: 2, nodes_online: 2, last_sync_ms: 12 };

for (const [dialect, open] of dialects) {
  describe(`the Proxmox inventory on ${dialect}`, () => {
    let db: Db;
    let repo: ProxmoxInventoryRepository;
    let clusters: ProxmoxRepository;
    let id: number;
    beforeAll(async () => {
      db = await open();
      await migrateToLatest(db.kysely);
      repo = new ProxmoxInventoryRepository(db.kysely);
      clusters = new ProxmoxRepository(db.kysely);
      id = (await clusters.create({ name: 'home', host: 'pve1.lan', port: 8006, auth: 'token', credentials: 'v1:x', tls_fingerprint: null, ca_pem: null, sync_interval_s: 60, enabled: true })).id;
    });
    afterAll(() => db?.close());

    it('stores a sync with its big byte counts and the cluster status in one go', async () => {
      await repo.replace(id, { nodes: [node('pve1'), node('pve2')], guests: [guest(100), guest(200, { type: 'lxc', agent: 'not_configured', template: true })], storage: [store('local-lvm', 'pve1'), store('local-lvm', 'pve2')] }, status);
      const nodes = await repo.nodes(id);
      expect(nodes.map(({ updated_at: _, ...n }) => n)).toEqual([node('pve1'), node('pve2')]);
      expect(await repo.guest(id, 200)).toMatchObject({ type: 'lxc', template: true, mem_total: 8 * GiB, ipv6: ['2001:db8::1'], tags: ['prod', 'web'] });
      expect((await repo.storage(id)).map((s) => [s.node, s.total])).toEqual([['pve1', 1_394_081_792_000], ['pve2', 1_394_081_792_000]]);
      expect(await clusters.get(id)).toMatchObject({ status: 'online', version: '9.1.5', nodes_online: 2, last_sync_ms: 12 });
    });

    it('updates in place and removes what the next sync no longer lists', async () => {
      await repo.replace(id, { nodes: [node('pve1')], guests: [guest(100, { status: 'stopped', snapshots: 3 })], storage: [store('local-lvm', 'pve1')] }, { ...status, nodes_total: 1 });
      expect((await repo.nodes(id)).map((n) => n.node)).toEqual(['pve1']);
      expect((await repo.guests(id)).map((g) => [g.vmid, g.status, g.snapshots])).toEqual([[100, 'stopped', 3]]);
      expect((await repo.storage(id)).map((s) => s.node)).toEqual(['pve1']);
    });

    it('refuses an unknown guest type or agent state, and writes nothing of that sync', async () => {
      await expect(repo.replace(id, { nodes: [], guests: [guest(300, { type: 'docker' as never })], storage: [] }, status)).rejects.toThrow();
      await expect(repo.replace(id, { nodes: [], guests: [guest(301, { agent: 'maybe' as never })], storage: [] }, status)).rejects.toThrow();
      expect((await repo.nodes(id)).map((n) => n.node)).toEqual(['pve1']);
      expect((await repo.guests(id)).map((g) => g.vmid)).toEqual([100]);
    });

    it("removes a cluster's inventory with the cluster", async () => {
      expect(await clusters.remove(id)).toBe(true);
      expect(await repo.guests(id)).toEqual([]);
      expect(await repo.nodes(id)).toEqual([]);
      expect(await repo.storage(id)).toEqual([]);
    });
  });
}
