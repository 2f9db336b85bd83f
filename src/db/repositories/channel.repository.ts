import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../../core/time.js';
import type { Database, NotificationChannelRow, NotificationOutboxTable } from '../schema.js';

export type OutboxRow = Selectable<NotificationOutboxTable>;

export interface ChannelWrite {
  name: string;
  kind: string;
  enabled: boolean;
  config: Record<string, unknown>;
  /** already encrypted, or null when the channel has no secret */
  secrets: string | null;
  notify_resolved: boolean;
  min_severity: string;
}

/** Notification channels and their delivery queue (the outbox). The only code that writes SQL for them. */
export class ChannelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<NotificationChannelRow[]> {
    return this.db.selectFrom('notification_channels').selectAll().orderBy('id').execute();
  }

  get(id: number): Promise<NotificationChannelRow | undefined> {
    return this.db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<NotificationChannelRow | undefined> {
    return this.db.selectFrom('notification_channels').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async create(c: ChannelWrite): Promise<NotificationChannelRow> {
    const now = nowIso();
    return this.db
      .insertInto('notification_channels')
      .values({ ...c, enabled: c.enabled ? 1 : 0, notify_resolved: c.notify_resolved ? 1 : 0, config: JSON.stringify(c.config), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: number, c: Partial<ChannelWrite>): Promise<NotificationChannelRow | undefined> {
    const patch: Record<string, unknown> = { updated_at: nowIso() };
    if (c.name !== undefined) patch.name = c.name;
    if (c.kind !== undefined) patch.kind = c.kind;
    if (c.enabled !== undefined) patch.enabled = c.enabled ? 1 : 0;
    if (c.notify_resolved !== undefined) patch.notify_resolved = c.notify_resolved ? 1 : 0;
    if (c.min_severity !== undefined) patch.min_severity = c.min_severity;
    if (c.config !== undefined) patch.config = JSON.stringify(c.config);
    if (c.secrets !== undefined) patch.secrets = c.secrets;
    return this.db.updateTable('notification_channels').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async recordSuccess(id: number): Promise<void> {
    await this.db.updateTable('notification_channels').set({ last_success_at: nowIso() }).where('id', '=', id).execute();
  }

  async recordError(id: number, message: string): Promise<void> {
    await this.db.updateTable('notification_channels').set({ last_error: message, last_error_at: nowIso() }).where('id', '=', id).execute();
  }

  // --- outbox -------------------------------------------------------------------------------------------------

  async enqueue(rows: { channel_id: number; alert_id: number | null; payload: string }[]): Promise<void> {
    if (!rows.length) return;
    const now = nowIso();
    await this.db
      .insertInto('notification_outbox')
      .values(rows.map((r) => ({ ...r, attempts: 0, next_attempt_at: now, status: 'pending', created_at: now })))
      .execute();
  }

  /**
   * The head of each channel's queue: the oldest pending row per channel. A channel's messages go out in order
   * (an "opened" never arrives after its "resolved"), and one channel's backlog never delays another's.
   */
  heads(): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('notification_outbox').select((e) => e.fn.min('id').as('id')).where('status', '=', 'pending').groupBy('channel_id'))
      .execute();
  }

  async markSent(id: number): Promise<void> {
    await this.db.updateTable('notification_outbox').set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), last_error: null })).where('id', '=', id).execute();
  }

  async markFailed(id: number, error: string, retryAt: string | null): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set((eb) => ({ status: retryAt ? 'pending' : 'failed', attempts: eb('attempts', '+', 1), last_error: error, ...(retryAt ? { next_attempt_at: retryAt } : {}) }))
      .where('id', '=', id)
      .execute();
  }

  listOutbox(filter: { channel_id?: number; alert_id?: number } = {}): Promise<OutboxRow[]> {
    let q = this.db.selectFrom('notification_outbox').selectAll();
    if (filter.channel_id !== undefined) q = q.where('channel_id', '=', filter.channel_id);
    if (filter.alert_id !== undefined) q = q.where('alert_id', '=', filter.alert_id);
    return q.orderBy('id').execute();
  }

  async pruneOutbox(beforeIso: string): Promise<void> {
    await this.db.deleteFrom('notification_outbox').where('status', '<>', 'pending').where('created_at', '<', beforeIso).execute();
  }
}
