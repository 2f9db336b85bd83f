import type { ProxmoxNode, ProxmoxStorage, ProxmoxSyncResult } from '../../core/types.js';
import { nowIso } from '../../core/time.js';
import type { ProxmoxInventoryRepository } from '../../db/repositories/proxmox-inventory.repository.js';
import type { ProxmoxRepository } from '../../db/repositories/proxmox.repository.js';
import { nodeFigures } from '../../providers/proxmox/inventory.js';
import {
  type ProxmoxApi,
  ProxmoxError,
  type PveGuestResource,
  type PveNodeResource,
  type PveResource,
  type PveStorageResource,
} from '../../providers/proxmox/types.js';
import { type ProxmoxClusterService, summaryOf } from './cluster.service.js';
import { mapLimit } from '../../core/map-limit.js';
import { reasonOf, syncGuest, type SyncedGuest } from './sync-guests.js';

type SyncedNode = Omit<ProxmoxNode, 'updated_at'>;
type SyncedStorage = Omit<ProxmoxStorage, 'updated_at'>;

export interface ProxmoxSyncDeps {
  clusters: ProxmoxClusterService;
  repo: ProxmoxRepository;
  inventory: ProxmoxInventoryRepository;
}

/** Calls to one cluster at a time per sync: enough to be quick, few enough not to load a small node. */
const PARALLEL = 4;

/**
 * A cluster's nodes, guests and storage -> the inventory. /cluster/resources is the one call that must succeed (it
 * lists everything the user may see: a privilege-separated token sees fewer guests, and fewer are stored); node
 * status, guest agents, interfaces and snapshot lists are asked per item and a failure there only costs that part
 * (`errors`). What PVE no longer lists is removed. Concurrent syncs of a cluster share the run in flight.
 */
export class ProxmoxSyncService {
  private readonly running = new Map<number, Promise<ProxmoxSyncResult>>();

  constructor(private readonly d: ProxmoxSyncDeps) {}

  sync(clusterId: number): Promise<ProxmoxSyncResult> {
    const inFlight = this.running.get(clusterId);
    if (inFlight) return inFlight;
    const p = this.run(clusterId).finally(() => this.running.delete(clusterId));
    this.running.set(clusterId, p);
    return p;
  }

  private async run(clusterId: number): Promise<ProxmoxSyncResult> {
    const row = await this.d.clusters.row(clusterId);
    const started = Date.now();
    let api: ProxmoxApi;
    let head: [Awaited<ReturnType<ProxmoxApi['version']>>, Awaited<ReturnType<typeof summaryOf>>, PveResource[]];
    try {
      api = this.d.clusters.client(row);
      head = await Promise.all([api.version(), summaryOf(api), api.resources()]);
    } catch (err) {
      // Unreachable or refused: the status says why; the inventory stays as last seen.
      const e = await this.d.clusters.failed(row, err);
      await this.d.repo.update(clusterId, { last_sync_at: nowIso(), last_sync_ms: Date.now() - started });
      throw e;
    }
    const [version, summary, resources] = head;
    const errors: string[] = [];
    const nodes = await this.nodes(api, clusterId, resources, errors);
    const online = new Set(nodes.filter((n) => n.status === 'online').map((n) => n.node));
    const previous = new Map((await this.d.inventory.guests(clusterId)).map((g) => [g.vmid, g]));
    const guestResources = resources.filter((r): r is PveGuestResource => r.type === 'qemu' || r.type === 'lxc');
    const guests: SyncedGuest[] = await mapLimit(guestResources, PARALLEL, (r) => syncGuest(api, r, online.has(r.node), previous.get(r.vmid), errors));
    const storage = resources.filter((r): r is PveStorageResource => r.type === 'storage').map(storageOf);
    const ms = Date.now() - started;
    await this.d.inventory.replace(clusterId, { nodes, guests, storage }, {
      status: 'online', status_reason: null, version: version.version, cluster_name: summary.name,
      quorate: summary.quorate === null ? null : summary.quorate ? 1 : 0,
      nodes_total: summary.nodes.length, nodes_online: summary.nodes.filter((n) => n.online).length,
      last_sync_at: nowIso(), last_sync_ms: ms,
    });
    return { nodes: nodes.length, guests: guests.length, storage: storage.length, duration_ms: ms, errors };
  }

  /**
   * Each node with its status call's figures. An offline node (or one answering 595) keeps only what does not
   * change while it is down (CPU model, totals, versions) from the last sync; a status call refused for another
   * reason (no Sys.Audit on the node) falls back to the figures /cluster/resources gave.
   */
  private async nodes(api: ProxmoxApi, clusterId: number, resources: PveResource[], errors: string[]): Promise<SyncedNode[]> {
    const previous = new Map((await this.d.inventory.nodes(clusterId)).map((n) => [n.node, n]));
    const list = resources.filter((r): r is PveNodeResource => r.type === 'node');
    return mapLimit(list, PARALLEL, async (r) => {
      const prev = previous.get(r.node);
      if (r.status !== 'online') return offline(r.node, r.status, prev);
      try {
        return { node: r.node, status: 'online', ...nodeFigures(await api.nodeStatus(r.node)) };
      } catch (err) {
        errors.push(`node ${r.node}: ${reasonOf(err)}`);
        if (err instanceof ProxmoxError && err.kind === 'node_offline') return offline(r.node, 'offline', prev);
        return {
          node: r.node, status: r.status, uptime_s: r.uptime ?? null, cpu_usage: r.cpu ?? null, cpu_count: r.maxcpu ?? prev?.cpu_count ?? null,
          cpu_model: prev?.cpu_model ?? null, mem_used: r.mem ?? null, mem_total: r.maxmem ?? prev?.mem_total ?? null,
          disk_used: r.disk ?? null, disk_total: r.maxdisk ?? prev?.disk_total ?? null, loadavg: null,
          kernel_version: prev?.kernel_version ?? null, pve_version: prev?.pve_version ?? null,
        };
      }
    });
  }
}

function offline(node: string, status: string, prev: ProxmoxNode | undefined): SyncedNode {
  return {
    node, status, uptime_s: null, cpu_usage: null, mem_used: null, disk_used: null, loadavg: null,
    cpu_count: prev?.cpu_count ?? null, cpu_model: prev?.cpu_model ?? null, mem_total: prev?.mem_total ?? null,
    disk_total: prev?.disk_total ?? null, kernel_version: prev?.kernel_version ?? null, pve_version: prev?.pve_version ?? null,
  };
}

/** One storage as one node sees it; PVE's content order is not stable, so it is sorted. Inactive: no figures. */
function storageOf(r: PveStorageResource): SyncedStorage {
  return {
    storage: r.storage, node: r.node, type: r.plugintype, status: r.status,
    content: r.content.split(',').filter(Boolean).sort(), used: r.disk ?? null, total: r.maxdisk ?? null, shared: r.shared === 1,
  };
}
