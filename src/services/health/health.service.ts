import type { DockerHostHealth, EventsStreamState, HealthDetails, PortainerServer } from '../../core/types.js';
import type { HostRow } from '../../db/schema.js';

/** What the health view reads: the servers as their API shows them, the host rows, each events stream's state. */
export interface HealthDeps {
  servers(): Promise<PortainerServer[]>;
  hosts(): Promise<HostRow[]>;
  eventsState(hostId: number): EventsStreamState;
}

/**
 * The health page's one answer: every Portainer server with the hosts of its environments, then the SSH and local
 * hosts. How long each host's last collection took is kept here, in memory (fed after every collection): it is a
 * figure of the running process, not worth a column, and it is back after the first collection of a restart.
 */
export class HealthService {
  private readonly collectMs = new Map<number, number>();

  constructor(private readonly d: HealthDeps) {}

  /** Called after every collection of a host, whether it reached Docker or not. */
  recordCollect(hostId: number, durationMs: number): void {
    this.collectMs.set(hostId, Math.round(durationMs));
  }

  forget(hostId: number): void {
    this.collectMs.delete(hostId);
  }

  async details(): Promise<HealthDetails> {
    const [servers, hosts] = await Promise.all([this.d.servers(), this.d.hosts()]);
    const byServer = new Map<number, DockerHostHealth[]>();
    const others: DockerHostHealth[] = [];
    for (const h of [...hosts].sort((a, b) => a.name.localeCompare(b.name))) {
      const view = this.host(h);
      if (h.portainer_server_id === null) others.push(view);
      else byServer.set(h.portainer_server_id, [...(byServer.get(h.portainer_server_id) ?? []), view]);
    }
    return {
      portainer_servers: servers.map((s) => ({
        id: s.id,
        name: s.name,
        url: s.url,
        enabled: s.enabled,
        status: s.status,
        status_reason: s.status_reason,
        version: s.version,
        endpoints_up: s.endpoints_up,
        endpoints_total: s.endpoints_total,
        last_sync_at: s.last_sync_at,
        last_sync_ms: s.last_sync_ms,
        hosts: byServer.get(s.id) ?? [],
      })),
      docker_hosts: others,
      generated_at: new Date().toISOString(),
    };
  }

  private host(h: HostRow): DockerHostHealth {
    return {
      id: h.id,
      name: h.name,
      transport: h.transport as DockerHostHealth['transport'],
      status: h.status as DockerHostHealth['status'],
      status_reason: h.status_reason,
      docker_enabled: h.docker_enabled === 1,
      docker_status: h.docker_status as DockerHostHealth['docker_status'],
      docker_status_reason: h.docker_status_reason,
      docker_version: h.docker_version,
      last_collect_at: h.docker_last_collect_at,
      last_collect_ms: this.collectMs.get(h.id) ?? null,
      events: h.docker_enabled === 1 ? this.d.eventsState(h.id) : 'off',
      portainer_endpoint_id: h.portainer_endpoint_id,
    };
  }
}
