import type { Kysely } from 'kysely';
import { notNull, withId } from './helpers.js';

const hostRef = (c: any) => c.notNull().references('hosts.id').onDelete('cascade');

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('docker_containers'))
    .addColumn('host_id', 'integer', hostRef)
    .addColumn('container_id', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('image', 'text')
    .addColumn('state', 'text')
    .addColumn('status', 'text')
    .addColumn('health', 'text')
    .addColumn('created_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('oom_killed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('restart_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('command', 'text')
    .addColumn('ports', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('compose_project', 'text')
    .addColumn('compose_service', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('mac_address', 'text')
    .addColumn('gateway', 'text')
    .addColumn('networks', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ps_signature', 'text')
    .addColumn('stale', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_update_at', 'text', notNull)
    .addUniqueConstraint('docker_containers_host_container', ['host_id', 'container_id'])
    .execute();
  await db.schema.createIndex('docker_containers_host_name').on('docker_containers').columns(['host_id', 'name']).execute();

  await withId(db, db.schema.createTable('docker_images'))
    .addColumn('host_id', 'integer', hostRef)
    .addColumn('image_id', 'text', notNull)
    .addColumn('repo_tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'text')
    .addColumn('containers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_update_at', 'text', notNull)
    .addUniqueConstraint('docker_images_host_image', ['host_id', 'image_id'])
    .execute();

  await withId(db, db.schema.createTable('docker_volumes'))
    .addColumn('host_id', 'integer', hostRef)
    .addColumn('name', 'text', notNull)
    .addColumn('driver', 'text')
    .addColumn('mountpoint', 'text')
    .addColumn('scope', 'text')
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('last_update_at', 'text', notNull)
    .addUniqueConstraint('docker_volumes_host_name', ['host_id', 'name'])
    .execute();

  await withId(db, db.schema.createTable('docker_networks'))
    .addColumn('host_id', 'integer', hostRef)
    .addColumn('network_id', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('driver', 'text')
    .addColumn('scope', 'text')
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('subnet', 'text')
    .addColumn('containers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_update_at', 'text', notNull)
    .addUniqueConstraint('docker_networks_host_network', ['host_id', 'network_id'])
    .execute();

  await withId(db, db.schema.createTable('docker_events'))
    .addColumn('host_id', 'integer', hostRef)
    .addColumn('time', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('type', 'text', notNull)
    .addColumn('action', 'text', notNull)
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('message', 'text')
    .addColumn('task_id', 'integer')
    .execute();
  await db.schema.createIndex('docker_events_host_time').on('docker_events').columns(['host_id', 'time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['docker_events', 'docker_networks', 'docker_volumes', 'docker_images', 'docker_containers']) {
    await db.schema.dropTable(t).execute();
  }
}
