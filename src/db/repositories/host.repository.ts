import type { Kysely } from 'kysely';
import type { DockerStatus, Host, HostMetrics, HostStatus, HostTransport } from '../../core/types.js';
import { nowIso, parseJson } from '../../core/time.js';
import type { Database, HostMetricsRow, HostRow, HostUpdate } from '../schema.js';

export function mapMetrics(row: HostMetricsRow): HostMetrics {
  return {
    collected_at: row.collected_at,
    uptime_s: row.uptime_s,
    load1: row.load1,
    load5: row.load5,
    load15: row.load15,
    cpu_count: row.cpu_count,
    mem_total_bytes: row.mem_total_bytes,
    mem_used_bytes: row.mem_used_bytes,
    disk_total_bytes: row.disk_total_bytes,
    disk_used_bytes: row.disk_used_bytes,
  };
}

export function mapHost(row: HostRow, metrics: HostMetricsRow | undefined | null): Host {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    username: row.username,
    os_type: row.os_type,
    transport: row.transport as HostTransport,
    status: row.status as HostStatus,
    status_reason: row.status_reason,
    last_seen_at: row.last_seen_at,
    ssh_host_key: row.ssh_host_key,
    groups: parseJson<string[]>(row.groups, []),
    docker_enabled: row.docker_enabled === 1,
    docker_version: row.docker_version,
    docker_status: row.docker_status as DockerStatus,
    docker_status_reason: row.docker_status_reason,
    docker_last_collect_at: row.docker_last_collect_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    metrics: metrics ? mapMetrics(metrics) : null,
    portainer_server_id: row.portainer_server_id,
    portainer_endpoint_id: row.portainer_endpoint_id,
  };
}

export interface NewHost {
  name: string;
  /** The SSH fields: required (by the database too) for ssh hosts, null for hosts not reached over SSH. */
  host: string | null;
  port: number | null;
  username: string | null;
  os_type: string | null;
  transport: HostTransport;
  groups: string[];
  /** Where the host comes from; both omitted (null) for a host added by hand or imported from Ansible. */
  portainer_server_id?: number | null;
  portainer_endpoint_id?: number | null;
}

export type MetricsSample = Omit<HostMetricsRow, 'id' | 'host_id'>;

export class HostRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<HostRow[]> {
    return this.db.selectFrom('hosts').selectAll().orderBy('name').execute();
  }

  get(id: number): Promise<HostRow | undefined> {
    return this.db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The host of that name within one source: a Portainer server's id, or null (the default) for the hosts added by
   * hand or imported. Names are unique per source only, so the same name may exist in another source.
   */
  getByName(name: string, portainerServerId: number | null = null): Promise<HostRow | undefined> {
    return this.db
      .selectFrom('hosts')
      .selectAll()
      .where('name', '=', name)
      .where('portainer_server_id', portainerServerId === null ? 'is' : '=', portainerServerId)
      .executeTakeFirst();
  }

  /** The host discovered as environment (endpoint) `endpointId` of Portainer server `serverId`. */
  getByEndpoint(serverId: number, endpointId: number): Promise<HostRow | undefined> {
    return this.db
      .selectFrom('hosts')
      .selectAll()
      .where('portainer_server_id', '=', serverId)
      .where('portainer_endpoint_id', '=', endpointId)
      .executeTakeFirst();
  }

  /** Every host discovered on Portainer server `serverId`, by name. */
  listByServer(serverId: number): Promise<HostRow[]> {
    return this.db.selectFrom('hosts').selectAll().where('portainer_server_id', '=', serverId).orderBy('name').execute();
  }

  /** The host added by hand or imported at that SSH address (a Portainer-discovered host never matches). */
  findByAddress(host: string, port: number): Promise<HostRow | undefined> {
    return this.db
      .selectFrom('hosts')
      .selectAll()
      .where('host', '=', host)
      .where('port', '=', port)
      .where('portainer_server_id', 'is', null)
      .executeTakeFirst();
  }

  create(h: NewHost): Promise<HostRow> {
    const now = nowIso();
    return this.db
      .insertInto('hosts')
      .values({
        ...h,
        portainer_server_id: h.portainer_server_id ?? null,
        portainer_endpoint_id: h.portainer_endpoint_id ?? null,
        groups: JSON.stringify(h.groups),
        status: 'unknown',
        failures: 0,
        docker_enabled: 0,
        docker_status: 'unknown',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, patch: Omit<HostUpdate, 'id' | 'created_at'>): Promise<HostRow | undefined> {
    return this.db
      .updateTable('hosts')
      .set({ ...patch, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('hosts').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addMetrics(hostId: number, sample: MetricsSample): Promise<void> {
    await this.db.insertInto('host_metrics').values({ ...sample, host_id: hostId }).execute();
  }

  latestMetrics(hostId: number): Promise<HostMetricsRow | undefined> {
    return this.db
      .selectFrom('host_metrics')
      .selectAll()
      .where('host_id', '=', hostId)
      .orderBy('collected_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Latest sample of every host in one query (for the host list). */
  async latestMetricsAll(): Promise<Map<number, HostMetricsRow>> {
    const rows = await this.db
      .selectFrom('host_metrics as m')
      .selectAll('m')
      .where('m.id', 'in', (eb) =>
        eb.selectFrom('host_metrics').select((e) => e.fn.max('id').as('id')).groupBy('host_id'),
      )
      .execute();
    return new Map(rows.map((r) => [r.host_id, r]));
  }

  metricsHistory(hostId: number, sinceIso: string): Promise<HostMetricsRow[]> {
    return this.db
      .selectFrom('host_metrics')
      .selectAll()
      .where('host_id', '=', hostId)
      .where('collected_at', '>=', sinceIso)
      .orderBy('collected_at')
      .execute();
  }

  async pruneMetrics(beforeIso: string): Promise<number> {
    const r = await this.db.deleteFrom('host_metrics').where('collected_at', '<', beforeIso).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
