import type { Logger } from 'pino';
import type { EventBus } from '../../core/event-bus.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import { PortainerRepository } from '../../db/repositories/portainer.repository.js';
import type { PortainerServerRow } from '../../db/schema.js';
import type { Db } from '../../db/database.js';
import { type Scheduler, staggerDelay } from '../../jobs/scheduler.js';
import { type PortainerClientFactory, PortainerService } from './portainer.service.js';
import { PortainerSyncService } from './sync.service.js';

export interface PortainerDeps {
  logger: Logger;
  db: Db['kysely'];
  hosts: HostRepository;
  bus: EventBus;
  secretBox: SecretBox;
  scheduler: Scheduler;
  makeClient: PortainerClientFactory;
  removeHost(hostId: number): Promise<void>;
  /** The alerting's "close the open alerts under this scope with a note, keep the history" (AlertService.closeScope). */
  closeAlerts(scope: string, note: string): Promise<void>;
  publishDockerHost(hostId: number): Promise<void>;
}

export interface PortainerModule {
  repo: PortainerRepository;
  servers: PortainerService;
  sync: PortainerSyncService;
  /** Knows the servers before anything collects their hosts (before the Docker area starts). */
  load(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const JOB = 'portainer-sync';

/**
 * The Portainer area: servers (config, test) and their sync, with one loop per enabled server every
 * sync_interval_s (staggered at start; a run still going makes the next tick skip, and a manual sync joins the run in
 * flight). Loops follow the servers' changes; nothing loops before start().
 */
export function setupPortainer(d: PortainerDeps): PortainerModule {
  const log = d.logger.child({ area: 'portainer' });
  const repo = new PortainerRepository(d.db);
  let started = false;
  let sync: PortainerSyncService | undefined;
  const loop = (row: PortainerServerRow, startDelayMs?: number) => {
    if (!row.enabled) return d.scheduler.remove(`${JOB}:portainer:${row.id}`);
    d.scheduler.add({
      name: JOB,
      target: `portainer:${row.id}`,
      intervalSeconds: row.sync_interval_s,
      startDelayMs,
      run: () => sync!.sync(row.id, 'auto'),
    });
  };
  const servers = new PortainerService(
    repo,
    d.secretBox,
    d.makeClient,
    {
      countByServer: () => repo.hostCounts(),
      removed: (ids) => ids.forEach((id) => d.bus.emit({ type: 'host_removed', host_id: id })),
      closeAlerts: d.closeAlerts,
    },
    (id, row) => {
      if (!started) return;
      if (row) loop(row);
      else d.scheduler.remove(`${JOB}:portainer:${id}`);
    },
    (e) => d.bus.emit(e),
  );
  sync = new PortainerSyncService({
    servers, repo, hosts: d.hosts, bus: d.bus, removeHost: d.removeHost, closeAlerts: d.closeAlerts, publishDockerHost: d.publishDockerHost,
    healthCounts: (ids) => repo.healthCounts(ids),
  });
  return {
    repo,
    servers,
    sync,
    load: () => servers.load(),
    async start() {
      started = true;
      const rows = (await repo.list()).filter((r) => r.enabled === 1);
      rows.forEach((r, i) => loop(r, staggerDelay(i, rows.length, r.sync_interval_s)));
      if (rows.length) log.info({ servers: rows.length }, 'Portainer sync loops started');
    },
    async stop() {
      started = false;
      for (const r of await repo.list().catch(() => [])) d.scheduler.remove(`${JOB}:portainer:${r.id}`);
      servers.closeAll();
    },
  };
}
