import type { Logger } from 'pino';
import { graceVerdict, type RuleResult } from '../../core/alert-rules.js';
import type { EventBus } from '../../core/event-bus.js';
import { type AlertRepository, type AlertRowWithHost, mapAlert } from '../../db/repositories/alert.repository.js';
import type { AlertNotifications } from './notifications.js';
import type { Timers } from './timers.js';

/**
 * The life of an alert from a rule's verdict on a subject, whatever the source: a bad state starts a persisted grace
 * clock; past the grace the alert opens (or, if the same subject and rule closed less than a cooldown ago, that
 * alert reopens with occurrences + 1: flapping is one alert with a count); a good state clears the clock and closes
 * the alert. Every change is broadcast and handed to the notifications, which decide from the stored state what to
 * send.
 */

/** What happened to an alert, as the bus says it. */
export type AlertChange = 'opened' | 'reopened' | 'message' | 'acknowledged' | 'closed';

export class AlertLifecycle {
  constructor(
    private readonly d: {
      alerts: AlertRepository;
      bus: EventBus;
      notifications: AlertNotifications;
      timers: Timers;
      logger: Logger;
      cooldownSeconds: number;
    },
  ) {}

  /**
   * Applies one verdict. `recheck` re-evaluates the target from fresh state; it runs when the grace ends, so an
   * alert opens on time even if no new event arrives.
   */
  async apply(r: RuleResult, recheck: () => Promise<void>): Promise<void> {
    const graceKey = `grace:${r.target}`;
    if (!r.active) {
      this.d.timers.cancel(graceKey);
      await this.d.alerts.clearCondition(r.target);
      const open = await this.d.alerts.openFor(r.subject.key, r.rule);
      if (open) await this.close(open);
      return;
    }
    const open = await this.d.alerts.openFor(r.subject.key, r.rule);
    if (open) {
      await this.d.alerts.clearCondition(r.target);
      if (r.message !== open.message && r.message.startsWith(open.message)) {
        // the verdict adds to what the alert says (e.g. "auto-restart gave up"): show it
        await this.d.alerts.setMessage(open.id, r.message);
        const updated = await this.d.alerts.get(open.id);
        if (updated) this.emit('message', updated);
      }
      return;
    }
    const firstSeen = await this.d.alerts.touchCondition(r.target, r.subject, r.rule);
    const grace = graceVerdict(Date.parse(firstSeen), r.graceSeconds, Date.now());
    if (!grace.due) {
      this.d.timers.schedule(graceKey, grace.atMs + 20, recheck);
      return;
    }
    await this.open(r);
    await this.d.alerts.clearCondition(r.target);
  }

  /** A condition that no longer applies without the thing being fine (e.g. a task holds it): forget its clock. */
  async forget(target: string): Promise<void> {
    this.d.timers.cancel(`grace:${target}`);
    await this.d.alerts.clearCondition(target);
  }

  private async open(r: RuleResult): Promise<void> {
    let row: AlertRowWithHost | null = null;
    const recent = await this.d.alerts.lastClosedFor(r.subject.key, r.rule);
    if (recent?.closed_at && Date.now() - Date.parse(recent.closed_at) < this.d.cooldownSeconds * 1000) {
      row = await this.d.alerts.reopen(recent.id, r.message, r.severity);
    }
    const change: AlertChange = row ? 'reopened' : 'opened';
    if (!row) {
      const inserted = await this.d.alerts.insertOpen({ subject: r.subject, target: r.target, rule: r.rule, severity: r.severity, message: r.message });
      if (!inserted.created) return; // another pass opened it a moment ago
      row = inserted.row;
    }
    this.d.logger.warn({ alert: row.id, target: row.target, occurrences: row.occurrences, message: row.message }, 'alert opened');
    this.emit(change, row);
    await this.d.notifications.reconcile(row.id);
  }

  async close(open: AlertRowWithHost): Promise<void> {
    const closed = await this.d.alerts.close(open.id);
    if (!closed) return;
    this.d.logger.info({ alert: closed.id, target: closed.target }, 'alert closed');
    this.emit('closed', closed);
    await this.d.notifications.reconcile(closed.id);
  }

  /** alert_opened / alert_updated / alert_closed for every alert (the WebSocket layer adds the seed's messages). */
  emit(change: AlertChange, row: AlertRowWithHost): void {
    const alert = mapAlert(row);
    if (change === 'opened') this.d.bus.emit({ type: 'alert_opened', alert });
    else if (change === 'closed') this.d.bus.emit({ type: 'alert_closed', alert });
    else this.d.bus.emit({ type: 'alert_updated', alert, change });
  }
}
