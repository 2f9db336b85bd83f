import { type Kysely, sql } from 'kysely';
import { notNull, withId } from './helpers.js';

/**
 * Proxmox VE clusters, reached through the address of any node. Credentials are one SecretBox value (a JSON of the
 * user id and password, or of the API token id and secret), never stored in clear. The status columns are what the
 * test and, later, the sync record (version, quorum, nodes up/total, the last sync's time and duration).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('proxmox_clusters'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('host', 'text', notNull)
    .addColumn('port', 'integer', (c) => c.notNull().defaultTo(8006))
    .addColumn('auth', 'text', notNull)
    .addColumn('credentials', 'text', notNull)
    .addColumn('tls_fingerprint', 'text')
    .addColumn('ca_pem', 'text')
    .addColumn('sync_interval_s', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_reason', 'text')
    .addColumn('version', 'text')
    .addColumn('cluster_name', 'text')
    .addColumn('quorate', 'integer')
    .addColumn('nodes_total', 'integer')
    .addColumn('nodes_online', 'integer')
    .addColumn('last_sync_at', 'text')
    .addColumn('last_sync_ms', 'integer')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addCheckConstraint('proxmox_clusters_auth', sql`auth in ('password', 'token')`)
    .addCheckConstraint('proxmox_clusters_port', sql`port between 1 and 65535`)
    .addCheckConstraint('proxmox_clusters_interval', sql`sync_interval_s >= 10`)
    .addCheckConstraint('proxmox_clusters_status', sql`status in ('online', 'error', 'unreachable', 'unknown')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('proxmox_clusters').execute();
}
