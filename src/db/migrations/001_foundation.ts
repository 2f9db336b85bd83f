import { type Kysely, sql } from 'kysely';
import { notNull, withId } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('users'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', notNull)
    .addColumn('role', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('last_login_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('api_tokens'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', notNull)
    .addColumn('prefix', 'text', notNull)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('hosts'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('host', 'text', notNull)
    .addColumn('port', 'integer', (c) => c.notNull().defaultTo(22))
    .addColumn('username', 'text', notNull)
    .addColumn('os_type', 'text')
    .addColumn('transport', 'text', (c) => c.notNull().defaultTo('ssh'))
    .addColumn('groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_reason', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_at', 'text')
    .addColumn('ssh_host_key', 'text')
    .addColumn('docker_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('docker_version', 'text')
    .addColumn('docker_status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('docker_status_reason', 'text')
    .addColumn('docker_last_collect_at', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();
  await db.schema.createIndex('hosts_address').on('hosts').columns(['host', 'port']).execute();

  await withId(db, db.schema.createTable('host_metrics'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('collected_at', 'text', notNull)
    .addColumn('uptime_s', 'double precision')
    .addColumn('load1', 'double precision')
    .addColumn('load5', 'double precision')
    .addColumn('load15', 'double precision')
    .addColumn('cpu_count', 'integer')
    .addColumn('mem_total_bytes', 'bigint')
    .addColumn('mem_used_bytes', 'bigint')
    .addColumn('disk_total_bytes', 'bigint')
    .addColumn('disk_used_bytes', 'bigint')
    .execute();
  await db.schema.createIndex('host_metrics_host_time').on('host_metrics').columns(['host_id', 'collected_at']).execute();

  await withId(db, db.schema.createTable('tasks'))
    .addColumn('action', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('host_id', 'integer', (c) => c.references('hosts.id').onDelete('set null'))
    .addColumn('target', 'text')
    .addColumn('requested_by', 'text', notNull)
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('duration_ms', 'integer')
    .execute();
  await db.schema.createIndex('tasks_created').on('tasks').column('created_at').execute();
  await db.schema.createIndex('tasks_host_status').on('tasks').columns(['host_id', 'status']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('ciphertext', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();
  void sql;
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['secrets', 'settings', 'tasks', 'host_metrics', 'hosts', 'api_tokens', 'users']) {
    await db.schema.dropTable(t).execute();
  }
}
