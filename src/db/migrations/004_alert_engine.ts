import type { Kysely } from 'kysely';
import { notNull, withId } from './helpers.js';

/**
 * RestartCount samples of monitored containers, for the restart-loop rule ("RestartCount rose N times within M
 * minutes"): kept in the database so a server restart does not forget a loop in progress. The table type lives
 * beside its only user, src/db/repositories/alert.repository.ts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('container_restart_samples'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('container_name', 'text', notNull)
    .addColumn('container_id', 'text', notNull)
    .addColumn('restart_count', 'integer', notNull)
    .addColumn('at', 'text', notNull)
    .execute();
  await db.schema
    .createIndex('container_restart_samples_target')
    .on('container_restart_samples')
    .columns(['host_id', 'container_name', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('container_restart_samples').execute();
}
