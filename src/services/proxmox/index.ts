import type { Logger } from 'pino';
import type { SecretBox } from '../../core/secret-box.js';
import type { Db } from '../../db/database.js';
import { ProxmoxInventoryRepository } from '../../db/repositories/proxmox-inventory.repository.js';
import { ProxmoxRepository } from '../../db/repositories/proxmox.repository.js';
import type { ProxmoxClusterRow } from '../../db/schema.js';
import { type Scheduler, staggerDelay } from '../../jobs/scheduler.js';
import { type ProxmoxClientFactory, ProxmoxClusterService } from './cluster.service.js';
import { ProxmoxInventoryService } from './inventory.service.js';
import { ProxmoxSyncService } from './sync.service.js';

export interface ProxmoxDeps {
  logger: Logger;
  db: Db['kysely'];
  secretBox: SecretBox;
  scheduler: Scheduler;
  makeClient: ProxmoxClientFactory;
}

export interface ProxmoxModule {
  repo: ProxmoxRepository;
  clusters: ProxmoxClusterService;
  sync: ProxmoxSyncService;
  inventory: ProxmoxInventoryService;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const JOB = 'proxmox-sync';

/**
 * The Proxmox area: clusters (config, test), their sync and the inventory it stores. One loop per enabled cluster
 * every sync_interval_s (staggered at start; a run still going makes the next tick skip, and a manual sync joins
 * the run in flight). Loops follow the clusters' changes; nothing loops before start().
 */
export function setupProxmox(d: ProxmoxDeps): ProxmoxModule {
  const log = d.logger.child({ area: 'proxmox' });
  const repo = new ProxmoxRepository(d.db);
  const inventoryRepo = new ProxmoxInventoryRepository(d.db);
  let started = false;
  let sync: ProxmoxSyncService | undefined;
  const key = (id: number) => `${JOB}:proxmox:${id}`;
  const loop = (row: ProxmoxClusterRow, startDelayMs?: number) => {
    if (!row.enabled) return d.scheduler.remove(key(row.id));
    d.scheduler.add({ name: JOB, target: `proxmox:${row.id}`, intervalSeconds: row.sync_interval_s, startDelayMs, run: () => sync!.sync(row.id) });
  };
  const clusters = new ProxmoxClusterService(repo, d.secretBox, d.makeClient, (id, row) => {
    if (!started) return;
    if (row) loop(row);
    else d.scheduler.remove(key(id));
  });
  sync = new ProxmoxSyncService({ clusters, repo, inventory: inventoryRepo });
  return {
    repo,
    clusters,
    sync,
    inventory: new ProxmoxInventoryService(clusters, inventoryRepo),
    async start() {
      started = true;
      const rows = (await repo.list()).filter((r) => r.enabled === 1);
      rows.forEach((r, i) => loop(r, staggerDelay(i, rows.length, r.sync_interval_s)));
      if (rows.length) log.info({ clusters: rows.length }, 'Proxmox sync loops started');
    },
    async stop() {
      started = false;
      for (const r of await repo.list().catch(() => [])) d.scheduler.remove(key(r.id));
      clusters.closeAll();
    },
  };
}
