import type { Kysely } from 'kysely';
import { nowIso } from '../../core/time.js';
import type { Database, ProxmoxClusterRow, ProxmoxClusterUpdate } from '../schema.js';

export interface NewProxmoxCluster {
  name: string;
  host: string;
  port: number;
  auth: 'password' | 'token';
  credentials: string;
  tls_fingerprint: string | null;
  ca_pem: string | null;
  sync_interval_s: number;
  enabled: boolean;
}

/** Proxmox clusters (migration 009). */
export class ProxmoxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<ProxmoxClusterRow[]> {
    return this.db.selectFrom('proxmox_clusters').selectAll().orderBy('name').execute();
  }

  get(id: number): Promise<ProxmoxClusterRow | undefined> {
    return this.db.selectFrom('proxmox_clusters').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<ProxmoxClusterRow | undefined> {
    return this.db.selectFrom('proxmox_clusters').selectAll().where('name', '=', name).executeTakeFirst();
  }

  create(c: NewProxmoxCluster): Promise<ProxmoxClusterRow> {
    const now = nowIso();
    return this.db
      .insertInto('proxmox_clusters')
      .values({ ...c, enabled: c.enabled ? 1 : 0, status: 'unknown', created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, patch: Omit<ProxmoxClusterUpdate, 'id' | 'created_at'>): Promise<ProxmoxClusterRow | undefined> {
    return this.db
      .updateTable('proxmox_clusters')
      .set({ ...patch, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** True when a row went. */
  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('proxmox_clusters').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
