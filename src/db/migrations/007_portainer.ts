import { type Kysely, sql } from 'kysely';
import { notNull, withId } from './helpers.js';

/**
 * Portainer servers: where Docker hosts of transport `portainer` come from. Credentials are one SecretBox value
 * (a JSON of the password or the API key), never stored in clear. The hosts table keeps `portainer_server_id`
 * without a foreign key (006): the sync service removes a server's hosts itself, in the same transaction as the
 * server, so their containers and alerts go with them through the hosts' own cascades.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('portainer_servers'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('url', 'text', notNull)
    .addColumn('auth', 'text', notNull)
    .addColumn('credentials', 'text', notNull)
    .addColumn('tls_fingerprint', 'text')
    .addColumn('default_group', 'text')
    .addColumn('sync_mode', 'text', (c) => c.notNull().defaultTo('create_and_update'))
    .addColumn('sync_interval_s', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_reason', 'text')
    .addColumn('version', 'text')
    .addColumn('instance_id', 'text')
    .addColumn('last_sync_at', 'text')
    .addColumn('last_sync_ms', 'integer')
    .addColumn('endpoints_total', 'integer')
    .addColumn('endpoints_up', 'integer')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addCheckConstraint('portainer_servers_auth', sql`auth in ('password', 'api_key')`)
    .addCheckConstraint('portainer_servers_sync_mode', sql`sync_mode in ('create_and_update', 'update_only')`)
    .addCheckConstraint('portainer_servers_interval', sql`sync_interval_s >= 10`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('portainer_servers').execute();
}

