import type { Kysely } from 'kysely';
import { nowIso, parseJson } from '../../core/time.js';
import type { Database } from '../schema.js';

/** Key/value settings (JSON values) and encrypted secrets (ciphertext only: SecretBox encrypts, this stores). */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get<T>(key: string, fallback: T): Promise<T> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? parseJson<T>(row.value, fallback) : fallback;
  }

  async set(key: string, value: unknown): Promise<void> {
    const v = JSON.stringify(value);
    const now = nowIso();
    await this.db
      .insertInto('settings')
      .values({ key, value: v, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: now }))
      .execute();
  }

  async getSecret(name: string): Promise<string | null> {
    const row = await this.db.selectFrom('secrets').select('ciphertext').where('name', '=', name).executeTakeFirst();
    return row?.ciphertext ?? null;
  }

  async setSecret(name: string, ciphertext: string): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('secrets')
      .values({ name, ciphertext, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ ciphertext, updated_at: now }))
      .execute();
  }
}
