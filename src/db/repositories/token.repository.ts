import type { Kysely } from 'kysely';
import type { ApiToken, Role } from '../../core/types.js';
import { nowIso } from '../../core/time.js';
import type { ApiTokenRow, Database } from '../schema.js';

export function mapToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role as Role,
    user_id: row.user_id,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    expires_at: row.expires_at,
  };
}

export class TokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  listForUser(userId: number): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  listAll(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  }

  get(id: number): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByHash(hash: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  create(t: { user_id: number; name: string; prefix: string; token_hash: string; role: Role; expires_at: string | null }) {
    return this.db
      .insertInto('api_tokens')
      .values({ ...t, created_at: nowIso(), last_used_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async touch(id: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', id).execute();
  }

  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
