import type { Kysely, Transaction } from 'kysely';
import type { ProxmoxGuest, ProxmoxNode, ProxmoxStorage } from '../../core/types.js';
import { nowIso, parseJson } from '../../core/time.js';
import type { Database, ProxmoxClusterUpdate, ProxmoxGuestRow, ProxmoxNodeRow, ProxmoxStorageRow } from '../schema.js';

/** What one sync saw of a cluster, as the API shows it (without the row times). */
export interface ProxmoxInventory {
  nodes: Omit<ProxmoxNode, 'updated_at'>[];
  guests: Omit<ProxmoxGuest, 'updated_at'>[];
  storage: Omit<ProxmoxStorage, 'updated_at'>[];
}

/**
 * The Proxmox inventory (migration 010): nodes, guests and storage per cluster. A sync replaces a cluster's
 * inventory in one transaction: rows are updated in place (keyed by PVE's ids) and those PVE no longer lists go.
 */
export class ProxmoxInventoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async nodes(clusterId: number): Promise<ProxmoxNode[]> {
    const rows = await this.db.selectFrom('proxmox_nodes').selectAll().where('cluster_id', '=', clusterId).orderBy('node').execute();
    return rows.map(mapNode);
  }

  async node(clusterId: number, node: string): Promise<ProxmoxNode | undefined> {
    const row = await this.db.selectFrom('proxmox_nodes').selectAll().where('cluster_id', '=', clusterId).where('node', '=', node).executeTakeFirst();
    return row && mapNode(row);
  }

  async guests(clusterId: number): Promise<ProxmoxGuest[]> {
    const rows = await this.db.selectFrom('proxmox_guests').selectAll().where('cluster_id', '=', clusterId).orderBy('vmid').execute();
    return rows.map(mapGuest);
  }

  async guest(clusterId: number, vmid: number): Promise<ProxmoxGuest | undefined> {
    const row = await this.db.selectFrom('proxmox_guests').selectAll().where('cluster_id', '=', clusterId).where('vmid', '=', vmid).executeTakeFirst();
    return row && mapGuest(row);
  }

  async storage(clusterId: number): Promise<ProxmoxStorage[]> {
    const rows = await this.db.selectFrom('proxmox_storage').selectAll().where('cluster_id', '=', clusterId).orderBy('storage').orderBy('node').execute();
    return rows.map(mapStorage);
  }

  /** The whole inventory of a cluster and its status fields, in one transaction: a reader never sees half a sync. */
  async replace(clusterId: number, inv: ProxmoxInventory, cluster: Omit<ProxmoxClusterUpdate, 'id' | 'created_at'>): Promise<void> {
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await this.replaceNodes(trx, clusterId, inv.nodes, at);
      await this.replaceGuests(trx, clusterId, inv.guests, at);
      await this.replaceStorage(trx, clusterId, inv.storage, at);
      await trx.updateTable('proxmox_clusters').set({ ...cluster, updated_at: at }).where('id', '=', clusterId).execute();
    });
  }

  private async replaceNodes(trx: Transaction<Database>, clusterId: number, nodes: ProxmoxInventory['nodes'], at: string) {
    for (const n of nodes) {
      const row = { ...n, loadavg: n.loadavg ? JSON.stringify(n.loadavg) : null, updated_at: at };
      await trx.insertInto('proxmox_nodes').values({ cluster_id: clusterId, ...row })
        .onConflict((oc) => oc.columns(['cluster_id', 'node']).doUpdateSet(row)).execute();
    }
    const keep = new Set(nodes.map((n) => n.node));
    const existing = await trx.selectFrom('proxmox_nodes').select('node').where('cluster_id', '=', clusterId).execute();
    for (const { node } of existing.filter((r) => !keep.has(r.node))) {
      await trx.deleteFrom('proxmox_nodes').where('cluster_id', '=', clusterId).where('node', '=', node).execute();
    }
  }

  private async replaceGuests(trx: Transaction<Database>, clusterId: number, guests: ProxmoxInventory['guests'], at: string) {
    for (const g of guests) {
      const row = {
        ...g, ipv4: JSON.stringify(g.ipv4), ipv6: JSON.stringify(g.ipv6), tags: JSON.stringify(g.tags),
        template: g.template ? 1 : 0, updated_at: at,
      };
      await trx.insertInto('proxmox_guests').values({ cluster_id: clusterId, ...row })
        .onConflict((oc) => oc.columns(['cluster_id', 'vmid']).doUpdateSet(row)).execute();
    }
    const keep = new Set(guests.map((g) => g.vmid));
    const existing = await trx.selectFrom('proxmox_guests').select('vmid').where('cluster_id', '=', clusterId).execute();
    for (const { vmid } of existing.filter((r) => !keep.has(r.vmid))) {
      await trx.deleteFrom('proxmox_guests').where('cluster_id', '=', clusterId).where('vmid', '=', vmid).execute();
    }
  }

  private async replaceStorage(trx: Transaction<Database>, clusterId: number, storage: ProxmoxInventory['storage'], at: string) {
    for (const s of storage) {
      const row = { ...s, content: JSON.stringify(s.content), shared: s.shared ? 1 : 0, updated_at: at };
      await trx.insertInto('proxmox_storage').values({ cluster_id: clusterId, ...row })
        .onConflict((oc) => oc.columns(['cluster_id', 'storage', 'node']).doUpdateSet(row)).execute();
    }
    const keep = new Set(storage.map((s) => `${s.storage}\n${s.node}`));
    const existing = await trx.selectFrom('proxmox_storage').select(['storage', 'node']).where('cluster_id', '=', clusterId).execute();
    for (const r of existing.filter((x) => !keep.has(`${x.storage}\n${x.node}`))) {
      await trx.deleteFrom('proxmox_storage').where('cluster_id', '=', clusterId).where('storage', '=', r.storage).where('node', '=', r.node).execute();
    }
  }
}

export function mapNode(r: ProxmoxNodeRow): ProxmoxNode {
  const { cluster_id: _, loadavg, ...rest } = r;
  return { ...rest, loadavg: loadavg === null ? null : parseJson<number[]>(loadavg, []) };
}

export function mapGuest(r: ProxmoxGuestRow): ProxmoxGuest {
  const { cluster_id: _, ipv4, ipv6, tags, template, type, agent, ...rest } = r;
  return {
    ...rest,
    type: type as ProxmoxGuest['type'],
    agent: agent as ProxmoxGuest['agent'],
    ipv4: parseJson<string[]>(ipv4, []),
    ipv6: parseJson<string[]>(ipv6, []),
    tags: parseJson<string[]>(tags, []),
    template: template === 1,
  };
}

export function mapStorage(r: ProxmoxStorageRow): ProxmoxStorage {
  const { cluster_id: _, content, shared, ...rest } = r;
  return { ...rest, content: parseJson<string[]>(content, []), shared: shared === 1 };
}
