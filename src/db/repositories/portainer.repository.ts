import type { Kysely } from 'kysely';
import { nowIso } from '../../core/time.js';
import type { Database, PortainerServerRow, PortainerServerUpdate } from '../schema.js';

export interface NewPortainerServer {
  name: string;
  url: string;
  auth: 'password' | 'api_key';
  credentials: string;
  tls_fingerprint: string | null;
  default_group: string | null;
  sync_mode: 'create_and_update' | 'update_only';
  sync_interval_s: number;
  enabled: boolean;
}

export class PortainerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<PortainerServerRow[]> {
    return this.db.selectFrom('portainer_servers').selectAll().orderBy('name').execute();
  }

  get(id: number): Promise<PortainerServerRow | undefined> {
    return this.db.selectFrom('portainer_servers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<PortainerServerRow | undefined> {
    return this.db.selectFrom('portainer_servers').selectAll().where('name', '=', name).executeTakeFirst();
  }

  create(s: NewPortainerServer): Promise<PortainerServerRow> {
    const now = nowIso();
    return this.db
      .insertInto('portainer_servers')
      .values({ ...s, enabled: s.enabled ? 1 : 0, status: 'unknown', created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, patch: Omit<PortainerServerUpdate, 'id' | 'created_at'>): Promise<PortainerServerRow | undefined> {
    return this.db
      .updateTable('portainer_servers')
      .set({ ...patch, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * The server and its hosts in one transaction (their containers and the rest go through the hosts' ON DELETE
   * CASCADE; the service detached their alerts first, to keep them as history): never a server gone with its hosts
   * left, nor the reverse. The removed hosts' ids.
   */
  async remove(id: number): Promise<number[] | null> {
    return this.db.transaction().execute(async (trx) => {
      const hosts = await trx.selectFrom('hosts').select('id').where('portainer_server_id', '=', id).execute();
      await trx.deleteFrom('hosts').where('portainer_server_id', '=', id).execute();
      const r = await trx.deleteFrom('portainer_servers').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return null;
      return hosts.map((h) => h.id);
    });
  }

  /** The hosts a server's environments made. */
  async hostIds(serverId: number): Promise<number[]> {
    return (await this.db.selectFrom('hosts').select('id').where('portainer_server_id', '=', serverId).execute()).map((h) => h.id);
  }

  /** How many hosts each server's environments made. */
  async hostCounts(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('hosts')
      .select(['portainer_server_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('portainer_server_id', 'is not', null)
      .groupBy('portainer_server_id')
      .execute();
    return new Map(rows.map((r) => [r.portainer_server_id!, Number(r.n)]));
  }

  /** Healthy and unhealthy containers of each host, from the collected container list. */
  async healthCounts(hostIds: number[]): Promise<Map<number, { healthy: number; unhealthy: number }>> {
    const out = new Map<number, { healthy: number; unhealthy: number }>();
    if (hostIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('docker_containers')
      .select(['host_id', 'health', (eb) => eb.fn.countAll<number>().as('n')])
      .where('host_id', 'in', hostIds)
      .where('health', 'in', ['healthy', 'unhealthy'])
      .groupBy(['host_id', 'health'])
      .execute();
    for (const row of rows) {
      const c = out.get(row.host_id) ?? { healthy: 0, unhealthy: 0 };
      c[row.health as 'healthy' | 'unhealthy'] = Number(row.n);
      out.set(row.host_id, c);
    }
    return out;
  }
}
