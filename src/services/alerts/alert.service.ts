import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import type { Alert } from '../../core/types.js';
import { type AlertFilter, type AlertRepository, mapAlert } from '../../db/repositories/alert.repository.js';
import type { AlertLifecycle } from './lifecycle.js';
import type { AlertNotifications } from './notifications.js';
import type { Timers } from './timers.js';
import type { Silence } from './types.js';

/** Docker's container-name grammar: a silence names a container the way Docker does. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

type SilenceRow = NonNullable<Awaited<ReturnType<AlertRepository['getSilence']>>>;

function mapSilence(row: SilenceRow): Silence {
  return {
    id: row.id,
    host_id: row.host_id,
    host_name: row.host_name,
    container_name: row.container_name,
    reason: row.reason,
    until: row.until,
    created_by: row.created_by,
    created_at: row.created_at,
    active: Date.parse(row.until) > Date.now(),
  };
}

/** What the API does with alerts and silences: list, acknowledge, silence a host or a container for a while. */
export class AlertService {
  constructor(
    private readonly d: {
      alerts: AlertRepository;
      lifecycle: AlertLifecycle;
      notifications: AlertNotifications;
      timers: Timers;
      hostExists(id: number): Promise<boolean>;
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
    this.d.lifecycle.emit('docker_alert_acknowledged', acked);
    return mapAlert(acked);
  }

  async listSilences(all: boolean): Promise<Silence[]> {
    return (await this.d.alerts.listSilences(!all)).map(mapSilence);
  }

  async createSilence(input: { host_id: number; container_name?: string | null; duration_minutes: number; reason?: string | null }, by: string): Promise<Silence> {
    if (!(await this.d.hostExists(input.host_id))) throw notFound('host', input.host_id);
    const name = input.container_name ?? null;
    if (name !== null && !CONTAINER_NAME.test(name)) throw invalid(`"${name}" is not a valid container name`);
    const until = new Date(Date.now() + input.duration_minutes * 60_000).toISOString();
    const id = await this.d.alerts.createSilence({ host_id: input.host_id, container_name: name, reason: input.reason ?? null, until, created_by: by });
    return mapSilence((await this.d.alerts.getSilence(id))!);
  }

  /** Ends a silence now; notifications it held go out at once (if their alert still warrants them). */
  async endSilence(id: number): Promise<void> {
    const row = await this.d.alerts.getSilence(id);
    if (!row) throw notFound('silence', id);
    if (!(await this.d.alerts.endSilence(id))) throw new AppError(409, 'silence_over', `silence ${id} has already ended`);
    await this.releaseHeld(row.host_id);
  }

  /** Re-decides the notifications of a host's alerts (after a silence ended). */
  async releaseHeld(hostId: number | null): Promise<void> {
    const rows = [...(await this.d.alerts.listUnresolved()), ...(await this.d.alerts.listResolvedPending())];
    for (const a of rows) if (hostId === null || a.host_id === hostId) await this.d.notifications.reconcile(a.id);
  }
}
