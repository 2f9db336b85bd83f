import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { notifyDecision, severityAtLeast } from '../../core/alert-rules.js';
import { KeyedLock } from '../../core/keyed-lock.js';
import { nowIso } from '../../core/time.js';
import { AlertRepository, mapAlert } from '../../db/repositories/alert.repository.js';
import { ChannelRepository } from '../../db/repositories/channel.repository.js';
import type { Database } from '../../db/schema.js';
import { alertMessage } from '../../notify/index.js';
import type { OutboxWorker } from './outbox.js';
import type { Timers } from './timers.js';

/**
 * Decides, from what is stored, whether an alert's "opened" or "resolved" message is due, and enqueues it for every
 * enabled channel that wants it, in one transaction with the record of having done so (alerts.notified_state,
 * last_notified_at). Blocked by a silence or the cooldown, it sets a timer for when the block ends. Because the
 * decision is read from the database, calling reconcile() twice, or after a restart, never sends twice.
 */
export class AlertNotifications {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly d: {
      db: Kysely<Database>;
      alerts: AlertRepository;
      outbox: OutboxWorker;
      timers: Timers;
      logger: Logger;
      cooldownSeconds: number;
      dashboardUrl?: string;
    },
  ) {}

  reconcile(alertId: number): Promise<void> {
    return this.lock.run(String(alertId), () => this.reconcileNow(alertId));
  }

  private async reconcileNow(alertId: number): Promise<void> {
    const a = await this.d.alerts.get(alertId);
    if (!a) return;
    const until = await this.d.alerts.silencedUntil(a.subject_key, a.scope);
    const now = Date.now();
    const decision = notifyDecision(a, { nowMs: now, cooldownSeconds: this.d.cooldownSeconds, silencedUntilMs: until ? Date.parse(until) : null });
    const key = `notify:${alertId}`;
    if (!decision.send) {
      if (decision.retryAtMs !== null) this.d.timers.schedule(key, decision.retryAtMs + 50, () => this.reconcile(alertId));
      return;
    }
    this.d.timers.cancel(key);
    const event = decision.send === 'opened' ? 'alert_opened' : 'alert_resolved';
    const msg = alertMessage(event, mapAlert(a), { dashboardUrl: this.d.dashboardUrl });
    const queued = await this.d.db.transaction().execute(async (trx) => {
      const alerts = new AlertRepository(trx);
      const channels = new ChannelRepository(trx);
      const at = decision.send === 'opened' ? nowIso() : null; // the cooldown counts from the last "opened" message
      if (!(await alerts.markNotified(a.id, a.notified_state, decision.send, at))) return -1;
      const targets = (await channels.list()).filter(
        (c) => c.enabled === 1 && severityAtLeast(a.severity, c.min_severity) && (decision.send === 'opened' || c.notify_resolved === 1),
      );
      await channels.enqueue(targets.map((c) => ({ channel_id: c.id, alert_id: a.id, payload: JSON.stringify(msg) })));
      return targets.length;
    });
    if (queued < 0) return;
    this.d.logger.info({ alert: a.id, target: a.target, event, channels: queued }, 'alert notification queued');
    if (queued > 0) this.d.outbox.kick();
  }
}
