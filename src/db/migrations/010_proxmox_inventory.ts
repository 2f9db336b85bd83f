import { type Kysely, sql } from 'kysely';
import { notNull } from './helpers.js';

const clusterRef = (c: any) => c.notNull().references('proxmox_clusters.id').onDelete('cascade');

/**
 * What the Proxmox sync saw: nodes, guests (QEMU and LXC) and storage per node, keyed by cluster and PVE's own ids
 * (node name, vmid, storage id + node), so a sync updates rows in place and removes those PVE no longer lists.
 * Byte counts are bigint (a node's memory passes 2^31 on PostgreSQL); lists (IPs, tags, content types, load
 * averages) are JSON text. Rows go with their cluster.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('proxmox_nodes')
    .addColumn('cluster_id', 'integer', clusterRef)
    .addColumn('node', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('uptime_s', 'bigint')
    .addColumn('cpu_usage', 'double precision')
    .addColumn('cpu_count', 'integer')
    .addColumn('cpu_model', 'text')
    .addColumn('mem_used', 'bigint')
    .addColumn('mem_total', 'bigint')
    .addColumn('disk_used', 'bigint')
    .addColumn('disk_total', 'bigint')
    .addColumn('loadavg', 'text')
    .addColumn('kernel_version', 'text')
    .addColumn('pve_version', 'text')
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('proxmox_nodes_pk', ['cluster_id', 'node'])
    .execute();

  await db.schema
    .createTable('proxmox_guests')
    .addColumn('cluster_id', 'integer', clusterRef)
    .addColumn('vmid', 'integer', notNull)
    .addColumn('type', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('node', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('cpus', 'integer')
    .addColumn('cpu_usage', 'double precision')
    .addColumn('mem_used', 'bigint')
    .addColumn('mem_total', 'bigint')
    .addColumn('disk_used', 'bigint')
    .addColumn('disk_total', 'bigint')
    .addColumn('uptime_s', 'bigint')
    .addColumn('ipv4', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ipv6', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('agent', 'text', notNull)
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('lock', 'text')
    .addColumn('template', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ha_state', 'text')
    .addColumn('snapshots', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('proxmox_guests_pk', ['cluster_id', 'vmid'])
    .addCheckConstraint('proxmox_guests_type', sql`type in ('qemu', 'lxc')`)
    .addCheckConstraint('proxmox_guests_agent', sql`agent in ('running', 'not_running', 'not_configured')`)
    .execute();

  await db.schema
    .createTable('proxmox_storage')
    .addColumn('cluster_id', 'integer', clusterRef)
    .addColumn('storage', 'text', notNull)
    .addColumn('node', 'text', notNull)
    .addColumn('type', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('content', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('used', 'bigint')
    .addColumn('total', 'bigint')
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('proxmox_storage_pk', ['cluster_id', 'storage', 'node'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['proxmox_storage', 'proxmox_guests', 'proxmox_nodes']) await db.schema.dropTable(t).execute();
}
