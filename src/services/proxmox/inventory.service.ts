import { AppError, notFound } from '../../core/errors.js';
import type { ProxmoxBackup, ProxmoxGuest, ProxmoxGuestDetail, ProxmoxNode, ProxmoxRrd, ProxmoxStorage, ProxmoxTimeframe } from '../../core/types.js';
import type { ProxmoxInventoryRepository } from '../../db/repositories/proxmox-inventory.repository.js';
import { backupOf, backupVolumes, guestRrd, nodeRrd, rrdPoints, snapshotList, snapshots } from '../../providers/proxmox/inventory.js';
import { ProxmoxError } from '../../providers/proxmox/types.js';
import type { ProxmoxClusterService } from './cluster.service.js';
import { reasonOf } from './sync-guests.js';

/**
 * Reads of a cluster's inventory: what the last sync stored (nodes, guests, storage), and what is asked of PVE
 * when a guest or a chart is opened (snapshots, backups, rrddata). Guests and nodes are found in the inventory,
 * which knows their node and type: one not synced yet is a 404.
 */
export class ProxmoxInventoryService {
  constructor(
    private readonly clusters: ProxmoxClusterService,
    private readonly inventory: ProxmoxInventoryRepository,
  ) {}

  async nodes(clusterId: number): Promise<ProxmoxNode[]> {
    await this.clusters.row(clusterId);
    return this.inventory.nodes(clusterId);
  }

  async guests(clusterId: number): Promise<ProxmoxGuest[]> {
    await this.clusters.row(clusterId);
    return this.inventory.guests(clusterId);
  }

  async storage(clusterId: number): Promise<ProxmoxStorage[]> {
    await this.clusters.row(clusterId);
    return this.inventory.storage(clusterId);
  }

  /**
   * The guest with its snapshot list and its backups (every available storage with backup content its node sees).
   * A read that fails (a storage offline, a privilege missing) is named in `errors`; the rest is answered.
   */
  async guest(clusterId: number, vmid: number): Promise<ProxmoxGuestDetail> {
    const row = await this.clusters.row(clusterId);
    const guest = await this.guestOf(clusterId, vmid);
    const api = this.clusters.client(row);
    const errors: string[] = [];
    const targets = (await this.inventory.storage(clusterId)).filter((s) => s.node === guest.node && s.status === 'available' && s.content.includes('backup'));
    const [snapshot_list, perStorage] = await Promise.all([
      snapshots(api, guest.node, guest.type, vmid).then(snapshotList, (err) => {
        errors.push(`snapshots: ${reasonOf(err)}`);
        return [];
      }),
      Promise.all(targets.map((s) =>
        backupVolumes(api, guest.node, s.storage, vmid).then((vols) => vols.map((v) => backupOf(s.storage, v)), (err): ProxmoxBackup[] => {
          errors.push(`backups on ${s.storage}: ${reasonOf(err)}`);
          return [];
        }),
      )),
    ]);
    const backups = perStorage.flat().sort((a, b) => b.time.localeCompare(a.time) || a.volid.localeCompare(b.volid));
    return { ...guest, snapshot_list, backups, errors };
  }

  async nodeRrd(clusterId: number, node: string, timeframe: ProxmoxTimeframe): Promise<ProxmoxRrd> {
    const row = await this.clusters.row(clusterId);
    if (!(await this.inventory.node(clusterId, node))) throw notFound('Proxmox node', node);
    const points = await nodeRrd(this.clusters.client(row), node, timeframe).catch(rethrow(row.name));
    return { points: rrdPoints(points, 'node') };
  }

  async guestRrd(clusterId: number, vmid: number, timeframe: ProxmoxTimeframe): Promise<ProxmoxRrd> {
    const row = await this.clusters.row(clusterId);
    const g = await this.guestOf(clusterId, vmid);
    const points = await guestRrd(this.clusters.client(row), g.node, g.type, vmid, timeframe).catch(rethrow(row.name));
    return { points: rrdPoints(points, 'guest') };
  }

  private async guestOf(clusterId: number, vmid: number): Promise<ProxmoxGuest> {
    const g = await this.inventory.guest(clusterId, vmid);
    if (!g) throw notFound('Proxmox guest', vmid);
    return g;
  }
}

/** A chart PVE cannot give (node offline, privilege missing) is a 502 with PVE's reason; the cluster's status is
 * left to the sync, which sees the whole picture. */
function rethrow(cluster: string) {
  return (err: unknown): never => {
    if (err instanceof ProxmoxError) throw new AppError(502, `proxmox_${err.kind}`, `Proxmox cluster ${cluster}: ${err.message}`, { cause: err });
    throw err;
  };
}
