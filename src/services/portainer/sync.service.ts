import type { Static } from '@sinclair/typebox';
import type { PortainerEndpointSchema, PortainerSyncResultSchema } from '../../contract/portainer.js';
import { hostScope } from '../../core/alert-rules.js';
import type { EventBus } from '../../core/event-bus.js';
import { nowIso, parseJson } from '../../core/time.js';
import { type HostRepository, mapHost } from '../../db/repositories/host.repository.js';
import type { PortainerRepository } from '../../db/repositories/portainer.repository.js';
import type { HostRow, PortainerServerRow } from '../../db/schema.js';
import type { PortainerEndpoint } from '../../providers/portainer/types.js';
import type { PortainerService } from './portainer.service.js';

export type PortainerSyncResult = Static<typeof PortainerSyncResultSchema>;
export type PortainerEndpointView = Static<typeof PortainerEndpointSchema>;

/** What the sync needs beyond the repositories: counting containers' health and removing hosts as the app does. */
export interface PortainerSyncDeps {
  servers: PortainerService;
  repo: PortainerRepository;
  hosts: HostRepository;
  bus: EventBus;
  /** Removes one host as DELETE /api/hosts/{id} does (its containers go, host_removed is emitted). */
  removeHost(hostId: number): Promise<void>;
  /** Closes the open alerts under a scope with a note, keeping the scope's alerts as history (see PortainerHostsPort). */
  closeAlerts(scope: string, note: string): Promise<void>;
  /** Tells the Docker area a host's Docker state changed (starts or stops its collection). */
  publishDockerHost(hostId: number): Promise<void>;
  /** Health counts of the containers collected on each host, from the container list (Portainer 2.20-2.33 says 0). */
  healthCounts(hostIds: number[]): Promise<Map<number, { healthy: number; unhealthy: number }>>;
}

/** Why a host of a down environment is offline: the host-offline alert says it, with the server's name. */
const downReason = (server: PortainerServerRow) => `Portainer ${server.name} reports this environment down`;

/**
 * Environments of a Portainer server -> hosts. Hosts are matched by (server, environment id), never by name, so a
 * renamed environment keeps its host and a host of the same name elsewhere is never touched. Only Docker kinds
 * (`PortainerEndpoint.docker`) become hosts; the rest are listed with the reason.
 */
export class PortainerSyncService {
  private readonly running = new Map<number, Promise<PortainerSyncResult>>();

  constructor(private readonly d: PortainerSyncDeps) {}

  /**
   * One sync. `manual` (the API) always creates missing hosts; `auto` (the loop) creates them only in the
   * create_and_update mode. Concurrent syncs of a server share the run in flight, so they never pile up.
   */
  sync(serverId: number, how: 'manual' | 'auto'): Promise<PortainerSyncResult> {
    const inFlight = this.running.get(serverId);
    if (inFlight) return inFlight;
    const p = this.run(serverId, how).finally(() => this.running.delete(serverId));
    this.running.set(serverId, p);
    return p;
  }

  private async run(serverId: number, how: 'manual' | 'auto'): Promise<PortainerSyncResult> {
    const server = await this.d.servers.row(serverId);
    const started = Date.now();
    let endpoints: PortainerEndpoint[];
    let version: { version: string; instance_id: string };
    try {
      const api = this.d.servers.client(server);
      version = await api.status();
      endpoints = await api.endpoints();
    } catch (err) {
      await this.d.repo.update(serverId, { last_sync_at: nowIso(), last_sync_ms: Date.now() - started });
      throw await this.d.servers.failed(server, err); // records the status and announces the server
    }
    const create = how === 'manual' || server.sync_mode === 'create_and_update';
    const result = await this.apply(server, endpoints, create);
    const ms = Date.now() - started;
    await this.d.repo.update(serverId, {
      status: 'online', status_reason: null, version: version.version, instance_id: version.instance_id,
      last_sync_at: nowIso(), last_sync_ms: ms,
      endpoints_total: endpoints.length, endpoints_up: endpoints.filter((e) => e.status === 'up').length,
    });
    await this.d.servers.announce(serverId);
    return { ...result, endpoints: endpoints.length, duration_ms: ms };
  }

  private async apply(server: PortainerServerRow, endpoints: PortainerEndpoint[], create: boolean) {
    const existing = new Map((await this.d.hosts.listByServer(server.id)).map((h) => [h.portainer_endpoint_id!, h]));
    const out = { created: 0, updated: 0, removed: 0, errors: [] as string[] };
    const docker = endpoints.filter((e) => e.docker);
    for (const ep of docker) {
      try {
        const host = existing.get(ep.endpoint_id);
        if (host) {
          if (await this.refresh(server, host, ep)) out.updated++;
        } else if (create) {
          await this.createHost(server, ep);
          out.created++;
        }
      } catch (err) {
        out.errors.push(`environment ${ep.endpoint_id} (${ep.name}): ${(err as Error).message}`);
      }
    }
    // Gone from Portainer, or no longer of a Docker kind: the host goes (its containers with it); its open alerts
    // close with a note saying why, and its alerts stay in the history.
    const keep = new Set(docker.map((e) => e.endpoint_id));
    const seen = new Set(endpoints.map((e) => e.endpoint_id));
    for (const [endpointId, host] of existing) {
      if (keep.has(endpointId)) continue;
      const note = seen.has(endpointId) ? `environment no longer of a Docker kind in Portainer ${server.name}` : `environment removed from Portainer ${server.name}`;
      try {
        await this.d.closeAlerts(hostScope(host.id), note);
        await this.d.removeHost(host.id);
        await this.d.closeAlerts(hostScope(host.id), note);
        out.removed++;
      } catch (err) {
        out.errors.push(`host ${host.id} (${host.name}): ${(err as Error).message}`);
      }
    }
    return out;
  }

  /**
   * The seed's "parent object": the server's default group, unless a host of that name already sits in that
   * group (from another source), in which case no group, so the group never shows two hosts of one name.
   */
  private async groupsFor(server: PortainerServerRow, name: string): Promise<string[]> {
    const group = server.default_group;
    if (!group) return [];
    const taken = (await this.d.hosts.list()).some((h) => h.name === name && parseJson<string[]>(h.groups, []).includes(group));
    return taken ? [] : [group];
  }

  private async createHost(server: PortainerServerRow, ep: PortainerEndpoint): Promise<void> {
    const row = await this.d.hosts.create({
      name: ep.name, host: null, port: null, username: null, os_type: null, transport: 'portainer',
      groups: await this.groupsFor(server, ep.name), portainer_server_id: server.id, portainer_endpoint_id: ep.endpoint_id,
    });
    const updated = await this.d.hosts.update(row.id, { docker_enabled: 1, ...hostState(server, ep) });
    this.d.bus.emit({ type: 'host_updated', host: mapHost(updated!, null) });
    await this.d.publishDockerHost(row.id);
  }

  /** Name, status and engine version from Portainer; true when anything changed. */
  private async refresh(server: PortainerServerRow, host: HostRow, ep: PortainerEndpoint): Promise<boolean> {
    const next = { name: ep.name, docker_enabled: 1, ...hostState(server, ep) };
    const same = (Object.keys(next) as (keyof typeof next)[]).every((k) => host[k] === next[k]);
    if (same) return false;
    const updated = await this.d.hosts.update(host.id, next);
    this.d.bus.emit({ type: 'host_updated', host: mapHost(updated!, null) });
    if (host.docker_enabled !== 1) await this.d.publishDockerHost(host.id);
    return true;
  }

  /** Every environment the user sees, with its figures and its host (or why it has none). */
  async endpoints(serverId: number): Promise<PortainerEndpointView[]> {
    const server = await this.d.servers.row(serverId);
    let endpoints: PortainerEndpoint[];
    try {
      endpoints = await this.d.servers.client(server).endpoints();
    } catch (err) {
      throw await this.d.servers.failed(server, err);
    }
    const hosts = new Map((await this.d.hosts.listByServer(serverId)).map((h) => [h.portainer_endpoint_id!, h]));
    const health = await this.d.healthCounts([...hosts.values()].map((h) => h.id));
    return endpoints.map((ep) => view(server, ep, hosts.get(ep.endpoint_id) ?? null, health));
  }
}

function hostState(server: PortainerServerRow, ep: PortainerEndpoint): Pick<HostRow, 'status' | 'status_reason' | 'docker_version'> {
  return ep.status === 'up'
    ? { status: 'online', status_reason: null, docker_version: ep.snapshot.docker_version }
    : { status: 'offline', status_reason: downReason(server), docker_version: ep.snapshot.docker_version };
}

function view(server: PortainerServerRow, ep: PortainerEndpoint, host: HostRow | null, health: Map<number, { healthy: number; unhealthy: number }>): PortainerEndpointView {
  const s = ep.snapshot;
  const counted = host ? health.get(host.id) : undefined;
  const reason = !ep.docker
    ? (ep.reason ?? `environments of type ${ep.type_name} are not collected`)
    : !host
      ? 'not a host yet: the server syncs in update_only mode (a manual sync creates it)'
      : ep.status === 'down'
        ? downReason(server)
        : null;
  return {
    endpoint_id: ep.endpoint_id, name: ep.name, type: ep.type, type_name: ep.type_name,
    host_id: host?.id ?? null, reason, status: ep.status,
    cpu_count: s.cpu_count, memory_bytes: s.memory_bytes,
    containers_running: s.containers_running, containers_stopped: s.containers_stopped,
    containers_healthy: host ? (counted?.healthy ?? 0) : null, containers_unhealthy: host ? (counted?.unhealthy ?? 0) : null,
    volumes: s.volumes, images: s.images, services: s.services, stacks: s.stacks,
    public_url: ep.public_url, docker_version: s.docker_version, snapshot_at: s.at,
  };
}
