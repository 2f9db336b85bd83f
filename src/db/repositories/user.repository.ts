import { type Kysely, sql } from 'kysely';
import type { Role, User } from '../../core/types.js';
import { nowIso } from '../../core/time.js';
import type { Database, UserRow } from '../schema.js';

export function mapUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role as Role,
    created_at: row.created_at,
    last_login_at: row.last_login_at,
  };
}

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('id').execute();
  }

  get(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countAdmins(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  create(u: { username: string; password_hash: string; role: Role }): Promise<UserRow> {
    const now = nowIso();
    return this.db
      .insertInto('users')
      .values({ ...u, created_at: now, updated_at: now, last_login_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** `endSessions`: every JWT issued to the user so far stops working (its `sv` no longer matches). */
  update(id: number, patch: { password_hash?: string; role?: Role }, endSessions = false): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set({ ...patch, updated_at: nowIso(), ...(endSessions ? { session_epoch: sql<number>`session_epoch + 1` } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Ends one session (a logout) until its JWT would have expired; expired entries are dropped on the way. */
  async revokeSession(jti: string, userId: number, expiresAt: string): Promise<void> {
    await this.db.deleteFrom('revoked_sessions').where('expires_at', '<', nowIso()).execute();
    await this.db.insertInto('revoked_sessions').values({ jti, user_id: userId, expires_at: expiresAt }).onConflict((oc) => oc.column('jti').doNothing()).execute();
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.db.selectFrom('revoked_sessions').select('jti').where('jti', '=', jti).executeTakeFirst()) !== undefined;
  }

  async touchLogin(id: number): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', id).execute();
  }

  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
