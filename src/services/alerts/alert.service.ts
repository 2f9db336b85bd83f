import { type Subject, containerSubject, hostScope } from '../../core/alert-rules.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import type { Alert } from '../../core/types.js';
import { type AlertFilter, type AlertRepository, mapAlert } from '../../db/repositories/alert.repository.js';
import type { AlertLifecycle } from './lifecycle.js';
import type { AlertNotifications } from './notifications.js';
import type { Timers } from './timers.js';
import type { Silence } from './types.js';

type SilenceRow = NonNullable<Awaited<ReturnType<AlertRepository['getSilence']>>>;

function mapSilence(row: SilenceRow): Silence {
  return {
    id: row.id,
    host_id: row.host_id,
    host_name: row.host_name,
    container_name: row.container_name,
    subject_key: row.subject_key,
    scope: row.scope,
    reason: row.reason,
    until: row.until,
    created_by: row.created_by,
    created_at: row.created_at,
    active: Date.parse(row.until) > Date.now(),
  };
}

/**
 * What to silence: a host (`host_id`) or a container of it (`host_id` + `container_name`), as the API always took
 * it; or any subject by key (`subject_key`), or everything under a scope (`scope`). Exactly one of the three.
 */
export interface SilenceInput {
  host_id?: number;
  container_name?: string | null;
  subject_key?: string;
  scope?: string;
  duration_minutes: number;
  reason?: string | null;
}

/** What the API does with alerts and silences: list, acknowledge, silence a subject or a scope for a while. */
export class AlertService {
  constructor(
    private readonly d: {
      alerts: AlertRepository;
      lifecycle: AlertLifecycle;
      notifications: AlertNotifications;
      timers: Timers;
      /** the subject a key names (the evaluator of its source decides): null if malformed; throws 404/422 */
      resolve(key: string): Promise<Subject | null>;
    },
  ) {}

  async list(filter: AlertFilter): Promise<Alert[]> {
    return (await this.d.alerts.list(filter)).map(mapAlert);
  }

  async get(id: number): Promise<Alert> {
    const row = await this.d.alerts.get(id);
    if (!row) throw notFound('alert', id);
    return mapAlert(row);
  }

  /** open -> acknowledged (stops further "opened" reminders; the alert still closes by itself when fixed). */
  async acknowledge(id: number, by: string, comment: string | null): Promise<Alert> {
    const row = await this.d.alerts.get(id);
    if (!row) throw notFound('alert', id);
    if (row.state === 'closed') throw conflict('alert_closed', `alert ${id} is already closed`);
    if (row.state === 'acknowledged') return mapAlert(row);
    const acked = await this.d.alerts.acknowledge(id, by, comment);
    if (!acked) throw conflict('alert_closed', `alert ${id} closed meanwhile`);
    this.d.lifecycle.emit('acknowledged', acked);
    return mapAlert(acked);
  }

  async listSilences(all: boolean): Promise<Silence[]> {
    return (await this.d.alerts.listSilences(!all)).map(mapSilence);
  }

  async createSilence(input: SilenceInput, by: string): Promise<Silence> {
    const { subject, wholeScope } = await this.silenced(input);
    const until = new Date(Date.now() + input.duration_minutes * 60_000).toISOString();
    const id = await this.d.alerts.createSilence({
      scope: subject.scope,
      subject_key: wholeScope ? null : subject.key,
      host_id: subject.hostId,
      container_name: !wholeScope && subject.kind === 'container' ? subject.name : null,
      reason: input.reason ?? null,
      until,
      created_by: by,
    });
    return mapSilence((await this.d.alerts.getSilence(id))!);
  }

  /** Which subject a silence request names, and whether it covers everything under it (a scope). */
  private async silenced(input: SilenceInput): Promise<{ subject: Subject; wholeScope: boolean }> {
    const given = [input.host_id !== undefined, input.subject_key !== undefined, input.scope !== undefined].filter(Boolean).length;
    if (given !== 1) throw invalid('give exactly one of host_id (with container_name or not), subject_key or scope');
    const name = input.container_name ?? null;
    if (name !== null && input.host_id === undefined) throw invalid('container_name goes with host_id');
    if (input.host_id !== undefined) {
      const key = name === null ? hostScope(input.host_id) : containerSubject(input.host_id, name).key;
      return { subject: await this.resolve(key), wholeScope: name === null };
    }
    if (input.subject_key !== undefined) return { subject: await this.resolve(input.subject_key), wholeScope: false };
    const subject = await this.resolve(input.scope!);
    // a scope is the key of a subject that is its own scope (a host; later a Portainer server, a Proxmox cluster)
    if (subject.scope !== subject.key) throw invalid(`"${input.scope}" is not a scope (it belongs to ${subject.scope})`, 'invalid_scope');
    return { subject, wholeScope: true };
  }

  private async resolve(key: string): Promise<Subject> {
    const subject = await this.d.resolve(key);
    if (!subject) throw invalid(`"${key}" is not a subject key (e.g. host:3, docker:3:nginx)`, 'invalid_subject');
    return subject;
  }

  /**
   * What goes away takes its alerts' clocks with it and closes its open alerts, saying why in their message (e.g.
   * "environment removed from Portainer lab"), with the usual "resolved" notification; every alert of the scope is
   * kept as history even after the host it hangs off is deleted. Idempotent: the caller runs it again once the
   * host is gone, for an alert that opened in between.
   */
  async closeScope(scope: string, note: string): Promise<void> {
    for (const c of await this.d.alerts.listConditions({ scope })) await this.d.lifecycle.forget(c.target);
    for (const a of await this.d.alerts.openUnderScope(scope)) {
      await this.d.alerts.setMessage(a.id, `${a.message} — closed: ${note}`);
      await this.d.lifecycle.close(a);
    }
    await this.d.alerts.detachScope(scope);
  }

  /** Ends a silence now; notifications it held go out at once (if their alert still warrants them). */
  async endSilence(id: number): Promise<void> {
    const row = await this.d.alerts.getSilence(id);
    if (!row) throw notFound('silence', id);
    if (!(await this.d.alerts.endSilence(id))) throw new AppError(409, 'silence_over', `silence ${id} has already ended`);
    await this.releaseHeld(row);
  }

  /** Re-decides the notifications of the alerts a silence covered (after it ended); null: of every alert. */
  async releaseHeld(silence: { scope: string; subject_key: string | null } | null): Promise<void> {
    const covered = (a: { scope: string; subject_key: string }) =>
      silence === null || (silence.subject_key === null ? a.scope === silence.scope : a.subject_key === silence.subject_key);
    const rows = [...(await this.d.alerts.listUnresolved()), ...(await this.d.alerts.listResolvedPending())];
    for (const a of rows) if (covered(a)) await this.d.notifications.reconcile(a.id);
  }
}
