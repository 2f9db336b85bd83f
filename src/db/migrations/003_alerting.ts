import { type Kysely, sql } from 'kysely';
import { notNull, withId } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('alerts'))
    .addColumn('source', 'text', notNull)
    .addColumn('host_id', 'integer', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('target', 'text', notNull)
    .addColumn('container_name', 'text')
    .addColumn('rule', 'text', notNull)
    .addColumn('severity', 'text', notNull)
    .addColumn('state', 'text', notNull)
    .addColumn('message', 'text', notNull)
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('opened_at', 'text', notNull)
    .addColumn('closed_at', 'text')
    .addColumn('last_notified_at', 'text')
    .addColumn('notified_state', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('ack_comment', 'text')
    .execute();
  // One open (or acknowledged) alert per target, whatever races happen above: the database enforces it.
  await db.schema
    .createIndex('alerts_one_open_per_target')
    .on('alerts')
    .column('target')
    .unique()
    .where(sql.ref('state'), '<>', 'closed')
    .execute();
  await db.schema.createIndex('alerts_state_host').on('alerts').columns(['state', 'host_id']).execute();

  await db.schema
    .createTable('alert_conditions')
    .addColumn('target', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'integer', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('rule', 'text', notNull)
    .addColumn('first_seen_at', 'text', notNull)
    .addColumn('last_seen_at', 'text', notNull)
    .execute();

  await withId(db, db.schema.createTable('silences'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('container_name', 'text')
    .addColumn('reason', 'text')
    .addColumn('until', 'text', notNull)
    .addColumn('created_by', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .execute();

  await withId(db, db.schema.createTable('auto_restarts'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('container_name', 'text', notNull)
    .addColumn('at', 'text', notNull)
    .addColumn('task_id', 'integer')
    .execute();
  await db.schema.createIndex('auto_restarts_target').on('auto_restarts').columns(['host_id', 'container_name', 'at']).execute();

  await withId(db, db.schema.createTable('notification_channels'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', notNull)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('secrets', 'text')
    .addColumn('notify_resolved', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('min_severity', 'text', (c) => c.notNull().defaultTo('warning'))
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await withId(db, db.schema.createTable('notification_outbox'))
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('notification_channels.id').onDelete('cascade'))
    .addColumn('alert_id', 'integer', (c) => c.references('alerts.id').onDelete('set null'))
    .addColumn('payload', 'text', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', notNull)
    .execute();
  await db.schema.createIndex('notification_outbox_due').on('notification_outbox').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['notification_outbox', 'notification_channels', 'auto_restarts', 'silences', 'alert_conditions', 'alerts']) {
    await db.schema.dropTable(t).execute();
  }
}
