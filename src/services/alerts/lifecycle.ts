import type { Logger } from 'pino';
import { graceVerdict, type RuleResult } from '../../core/alert-rules.js';
import type { EventBus } from '../../core/event-bus.js';
import { type AlertRepository, type AlertRowWithHost, mapAlert } from '../../db/repositories/alert.repository.js';
import type { AlertNotifications } from './notifications.js';
import type { Timers } from './timers.js';

/**
 * The life of an alert from a rule's verdict: a bad state starts a persisted grace clock; past the grace the alert
 * opens (or, if the same target closed less than a cooldown ago, that alert reopens with occurrences + 1: flapping
 * is one alert with a count); a good state clears the clock and closes the alert. Every change is broadcast and
 * handed to the notifications, which decide from the stored state what to send.
 */
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
      const open = await this.d.alerts.openByTarget(r.target);
      if (open) await this.close(open);
      return;
    }
    const open = await this.d.alerts.openByTarget(r.target);
    if (open) {
      await this.d.alerts.clearCondition(r.target);
      if (r.message !== open.message && r.message.startsWith(open.message)) {
        // the verdict adds to what the alert says (e.g. "auto-restart gave up"): show it
        await this.d.alerts.setMessage(open.id, r.message);
        const updated = await this.d.alerts.get(open.id);
        if (updated) this.emit('docker_alert_opened', updated);
      }
      return;
    }
    const firstSeen = await this.d.alerts.touchCondition(r.target, r.hostId, r.rule);
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
    const recent = await this.d.alerts.lastClosedByTarget(r.target);
    if (recent?.closed_at && Date.now() - Date.parse(recent.closed_at) < this.d.cooldownSeconds * 1000) {
      row = await this.d.alerts.reopen(recent.id, r.message, r.severity);
    }
    if (!row) {
      const inserted = await this.d.alerts.insertOpen({
        source: r.source,
        host_id: r.hostId,
        target: r.target,
        container_name: r.containerName,
        rule: r.rule,
        severity: r.severity,
        message: r.message,
      });
      if (!inserted.created) return; // another pass opened it a moment ago
      row = inserted.row;
    }
    this.d.logger.warn({ alert: row.id, target: row.target, occurrences: row.occurrences, message: row.message }, 'alert opened');
    this.emit('docker_alert_opened', row);
    await this.d.notifications.reconcile(row.id);
  }

  async close(open: AlertRowWithHost): Promise<void> {
    const closed = await this.d.alerts.close(open.id);
    if (!closed) return;
    this.d.logger.info({ alert: closed.id, target: closed.target }, 'alert closed');
    this.emit('docker_alert_closed', closed);
    await this.d.notifications.reconcile(closed.id);
  }

  emit(type: 'docker_alert_opened' | 'docker_alert_closed' | 'docker_alert_acknowledged', row: AlertRowWithHost): void {
    this.d.bus.emit({ type, alert: mapAlert(row) });
  }
}
