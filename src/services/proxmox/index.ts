import type { Logger } from 'pino';
import type { SecretBox } from '../../core/secret-box.js';
import type { Db } from '../../db/database.js';
import { ProxmoxRepository } from '../../db/repositories/proxmox.repository.js';
import { type ProxmoxClientFactory, ProxmoxClusterService } from './cluster.service.js';

export interface ProxmoxDeps {
  logger: Logger;
  db: Db['kysely'];
  secretBox: SecretBox;
  makeClient: ProxmoxClientFactory;
}

export interface ProxmoxModule {
  repo: ProxmoxRepository;
  clusters: ProxmoxClusterService;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Proxmox area: clusters (config, test) for now. The sync loops, guests, actions and alerts plug in here next;
 * nothing runs in the background yet, so start() has nothing to start and stop() only closes the clients.
 */
export function setupProxmox(d: ProxmoxDeps): ProxmoxModule {
  const repo = new ProxmoxRepository(d.db);
  const clusters = new ProxmoxClusterService(repo, d.secretBox, d.makeClient);
  return {
    repo,
    clusters,
    async start() {},
    async stop() {
      clusters.closeAll();
    },
  };
}
