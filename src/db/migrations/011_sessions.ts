import type { Kysely } from 'kysely';

/**
 * Sessions that end before their JWT expires. `users.session_epoch` is carried in every JWT (`sv`): a password change
 * or reset, a role change, bumps it, so every JWT issued before stops working at once. `revoked_sessions` holds the
 * ids (`jti`) of JWTs ended by a logout, until they would have expired anyway.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('session_epoch', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('revoked_sessions')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revoked_sessions_expires').on('revoked_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('revoked_sessions').execute();
  await db.schema.alterTable('users').dropColumn('session_epoch').execute();
}
