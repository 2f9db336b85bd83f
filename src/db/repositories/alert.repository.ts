import type { Kysely, Selectable } from 'kysely';
import type { HostFacts, Subject } from '../../core/alert-rules.js';
import type { PortainerServerFacts } from '../../core/portainer-alerts.js';
import type { Alert, AlertSeverity, AlertSource, AlertState, AlertSubjectKind } from '../../core/types.js';
import { nowIso } from '../../core/time.js';
import type { AlertRow, Database } from '../schema.js';

/** The restart-loop samples table (migration 004); typed here, beside its only user. */
export interface ContainerRestartSamplesTable {
  id: import('kysely').Generated<number>;
  host_id: number;
  container_name: string;
  container_id: string;
  restart_count: number;
  at: string;
}
type AlertDb = Database & { container_restart_samples: ContainerRestartSamplesTable };
export type RestartSampleRow = Selectable<ContainerRestartSamplesTable>;

export type AlertRowWithHost = AlertRow & { host_name: string | null };

export function mapAlert(row: AlertRowWithHost): Alert {
  return {
    id: row.id,
    source: row.source as AlertSource,
    host_id: row.host_id,
    host_name: row.host_name,
    target: row.target,
    container_name: row.container_name,
    rule: row.rule,
    severity: row.severity as AlertSeverity,
    state: row.state as AlertState,
    message: row.message,
    occurrences: row.occurrences,
    opened_at: row.opened_at,
    closed_at: row.closed_at,
    last_notified_at: row.last_notified_at,
    acknowledged_by: row.acknowledged_by,
    acknowledged_at: row.acknowledged_at,
    ack_comment: row.ack_comment,
    subject: { source: row.source as AlertSource, kind: row.subject_kind as AlertSubjectKind, key: row.subject_key, name: row.subject_name, scope: row.scope },
  };
}

/**
 * The stored columns of a subject. `container_name` is the legacy column the API has always had: a container
 * subject's name, null for anything else.
 */
export function subjectColumns(s: Subject) {
  return {
    source: s.source,
    subject_kind: s.kind,
    subject_key: s.key,
    subject_name: s.name,
    scope: s.scope,
    host_id: s.hostId,
    container_name: s.kind === 'container' ? s.name : null,
  };
}

export interface AlertFilter {
  host_id?: number;
  /** 'open' includes acknowledged */
  state?: 'open' | 'acknowledged' | 'closed' | 'all';
  /** only Docker alerts: source docker, plus the host rule "docker daemon unreachable" */
  dockerOnly?: boolean;
  limit?: number;
}

export interface NewAlert {
  subject: Subject;
  target: string;
  rule: string;
  severity: string;
  message: string;
}

/** What a silence covers: one subject, or (subject_key null) everything under a scope. */
export interface NewSilence {
  scope: string;
  subject_key: string | null;
  host_id: number | null;
  container_name: string | null;
  reason: string | null;
  until: string;
  created_by: string;
}

/** True for the "one open alert per subject and rule" index refusing a second row (SQLite and PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505' || /UNIQUE constraint failed/i.test(e?.message ?? '');
}

/**
 * Everything the alert engine stores: alerts, grace clocks (alert_conditions), silences, auto-restart attempts and
 * restart-loop samples. The only code that writes SQL for them.
 */
export class AlertRepository {
  private readonly db: Kysely<AlertDb>;

  constructor(db: Kysely<Database>) {
    this.db = db as unknown as Kysely<AlertDb>;
  }

  private selectAlerts() {
    return this.db.selectFrom('alerts').leftJoin('hosts', 'hosts.id', 'alerts.host_id').selectAll('alerts').select('hosts.name as host_name');
  }

  async list(f: AlertFilter): Promise<AlertRowWithHost[]> {
    let q = this.selectAlerts();
    if (f.host_id !== undefined) q = q.where('alerts.host_id', '=', f.host_id);
    const state = f.state ?? 'open';
    if (state === 'open') q = q.where('alerts.state', '<>', 'closed');
    else if (state !== 'all') q = q.where('alerts.state', '=', state);
    if (f.dockerOnly) q = q.where((eb) => eb.or([eb('alerts.source', '=', 'docker'), eb('alerts.rule', '=', 'docker_unreachable')]));
    return q.orderBy('alerts.opened_at', 'desc').orderBy('alerts.id', 'desc').limit(f.limit ?? 500).execute();
  }

  get(id: number): Promise<AlertRowWithHost | undefined> {
    return this.selectAlerts().where('alerts.id', '=', id).executeTakeFirst();
  }

  /** The open (or acknowledged) alert of a rule on a subject. */
  openFor(subjectKey: string, rule: string): Promise<AlertRowWithHost | undefined> {
    return this.selectAlerts().where('alerts.subject_key', '=', subjectKey).where('alerts.rule', '=', rule).where('alerts.state', '<>', 'closed').executeTakeFirst();
  }

  /** Every open (or acknowledged) alert of a subject, whatever the rule. */
  openOfSubject(subjectKey: string): Promise<AlertRowWithHost[]> {
    return this.selectAlerts().where('alerts.subject_key', '=', subjectKey).where('alerts.state', '<>', 'closed').execute();
  }

  lastClosedFor(subjectKey: string, rule: string): Promise<AlertRowWithHost | undefined> {
    return this.selectAlerts()
      .where('alerts.subject_key', '=', subjectKey)
      .where('alerts.rule', '=', rule)
      .where('alerts.state', '=', 'closed')
      .orderBy('alerts.closed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Open (or acknowledged) alerts of every subject under a scope (a host and its containers, a Portainer server). */
  openUnderScope(scope: string): Promise<AlertRowWithHost[]> {
    return this.selectAlerts().where('alerts.scope', '=', scope).where('alerts.state', '<>', 'closed').execute();
  }

  /**
   * Keeps a scope's alerts as history when the host they hang off goes: its row's ON DELETE CASCADE would take
   * them, so they let go of it (host_id null); their subject and scope still say what they were about.
   */
  async detachScope(scope: string): Promise<void> {
    await this.db.updateTable('alerts').set({ host_id: null }).where('scope', '=', scope).where('host_id', 'is not', null).execute();
  }

  /** Open alerts (and acknowledged ones) of every source, for the safety-net pass. */
  listUnresolved(): Promise<AlertRowWithHost[]> {
    return this.selectAlerts().where('alerts.state', '<>', 'closed').execute();
  }

  /** Closed alerts whose "opened" notification went out but whose "resolved" did not yet (held by a silence). */
  listResolvedPending(): Promise<AlertRowWithHost[]> {
    return this.selectAlerts().where('alerts.state', '=', 'closed').where('alerts.notified_state', '=', 'opened').execute();
  }

  /**
   * Inserts an open alert. When another writer won the race for this subject and rule (unique partial index),
   * returns the alert that is open instead, with `created: false`.
   */
  async insertOpen(a: NewAlert): Promise<{ row: AlertRowWithHost; created: boolean }> {
    try {
      const { id } = await this.db
        .insertInto('alerts')
        .values({
          ...subjectColumns(a.subject),
          target: a.target,
          rule: a.rule,
          severity: a.severity,
          message: a.message,
          state: 'open',
          occurrences: 1,
          opened_at: nowIso(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { row: (await this.get(id))!, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.openFor(a.subject.key, a.rule);
      if (!existing) throw err;
      return { row: existing, created: false };
    }
  }

  /** Reopens a recently closed alert (flapping): one alert with a count rather than a new row per bounce. */
  async reopen(id: number, message: string, severity: string): Promise<AlertRowWithHost | null> {
    try {
      const r = await this.db
        .updateTable('alerts')
        .set((eb) => ({
          state: 'open',
          closed_at: null,
          message,
          severity,
          occurrences: eb('occurrences', '+', 1),
          acknowledged_by: null,
          acknowledged_at: null,
          ack_comment: null,
        }))
        .where('id', '=', id)
        .where('state', '=', 'closed')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) ? ((await this.get(id)) ?? null) : null;
    } catch (err) {
      if (isUniqueViolation(err)) return null; // another alert opened for the subject and rule meanwhile
      throw err;
    }
  }

  async close(id: number): Promise<AlertRowWithHost | null> {
    const r = await this.db.updateTable('alerts').set({ state: 'closed', closed_at: nowIso() }).where('id', '=', id).where('state', '<>', 'closed').executeTakeFirst();
    return Number(r.numUpdatedRows) ? ((await this.get(id)) ?? null) : null;
  }

  async acknowledge(id: number, by: string, comment: string | null): Promise<AlertRowWithHost | null> {
    const r = await this.db
      .updateTable('alerts')
      .set({ state: 'acknowledged', acknowledged_by: by, acknowledged_at: nowIso(), ack_comment: comment })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) ? ((await this.get(id)) ?? null) : null;
  }

  async setMessage(id: number, message: string): Promise<void> {
    await this.db.updateTable('alerts').set({ message }).where('id', '=', id).execute();
  }

  /**
   * Records that a notification went out, only if the stored state is still the one decided on: two passes that
   * decide at once cannot both send (the loser updates nothing).
   */
  async markNotified(id: number, from: string | null, to: 'opened' | 'resolved', at: string | null, trx?: Kysely<AlertDb>): Promise<boolean> {
    let q = (trx ?? this.db).updateTable('alerts').set(at ? { notified_state: to, last_notified_at: at } : { notified_state: to }).where('id', '=', id);
    q = from === null ? q.where('notified_state', 'is', null) : q.where('notified_state', '=', from);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async openCountsByHost(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '<>', 'closed')
      .groupBy('host_id')
      .execute();
    return new Map(rows.filter((r) => r.host_id !== null).map((r) => [r.host_id!, Number(r.n)]));
  }

  /** Whether a subject has anything open or pending (an alert or a grace clock): if not, an unwatched one needs no work. */
  async hasAnyForSubject(subjectKey: string): Promise<boolean> {
    const open = await this.db.selectFrom('alerts').select('id').where('subject_key', '=', subjectKey).where('state', '<>', 'closed').limit(1).executeTakeFirst();
    if (open) return true;
    const clock = await this.db.selectFrom('alert_conditions').select('target').where('subject_key', '=', subjectKey).limit(1).executeTakeFirst();
    return !!clock;
  }

  // --- grace clocks -------------------------------------------------------------------------------------------

  /** Starts the clock of a rule's bad state on a subject (kept if already running); returns when it was first seen. */
  async touchCondition(target: string, subject: Subject, rule: string): Promise<string> {
    const now = nowIso();
    const existing = await this.db.selectFrom('alert_conditions').select('first_seen_at').where('target', '=', target).executeTakeFirst();
    if (existing) {
      await this.db.updateTable('alert_conditions').set({ last_seen_at: now }).where('target', '=', target).execute();
      return existing.first_seen_at;
    }
    const { container_name: _, ...cols } = subjectColumns(subject);
    await this.db
      .insertInto('alert_conditions')
      .values({ ...cols, target, rule, first_seen_at: now, last_seen_at: now })
      .onConflict((oc) => oc.column('target').doNothing())
      .execute();
    const row = await this.db.selectFrom('alert_conditions').select('first_seen_at').where('target', '=', target).executeTakeFirstOrThrow();
    return row.first_seen_at;
  }

  async clearCondition(target: string): Promise<void> {
    await this.db.deleteFrom('alert_conditions').where('target', '=', target).execute();
  }

  async hasCondition(target: string): Promise<boolean> {
    return !!(await this.db.selectFrom('alert_conditions').select('target').where('target', '=', target).executeTakeFirst());
  }

  /** Running clocks, optionally of one source's subjects of one kind, or under one scope. */
  listConditions(f: { source?: string; kind?: string; scope?: string } = {}) {
    let q = this.db.selectFrom('alert_conditions').select(['target', 'rule', 'first_seen_at', 'host_id', 'source', 'subject_kind', 'subject_key', 'subject_name', 'scope']);
    if (f.source !== undefined) q = q.where('source', '=', f.source);
    if (f.kind !== undefined) q = q.where('subject_kind', '=', f.kind);
    if (f.scope !== undefined) q = q.where('scope', '=', f.scope);
    return q.execute();
  }

  // --- silences -----------------------------------------------------------------------------------------------

  /** The latest end of a silence covering this subject (itself, or the scope it belongs to), if one holds now. */
  async silencedUntil(subjectKey: string, scope: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('silences')
      .select((eb) => eb.fn.max('until').as('until'))
      .where('until', '>', nowIso())
      .where((eb) => eb.or([eb('subject_key', '=', subjectKey), eb.and([eb('subject_key', 'is', null), eb('scope', '=', scope)])]))
      .executeTakeFirst();
    return (row?.until as string | null | undefined) ?? null;
  }

  listSilences(activeOnly: boolean) {
    let q = this.db.selectFrom('silences').leftJoin('hosts', 'hosts.id', 'silences.host_id').selectAll('silences').select('hosts.name as host_name');
    if (activeOnly) q = q.where('silences.until', '>', nowIso());
    return q.orderBy('silences.until', 'desc').execute();
  }

  getSilence(id: number) {
    return this.db.selectFrom('silences').leftJoin('hosts', 'hosts.id', 'silences.host_id').selectAll('silences').select('hosts.name as host_name').where('silences.id', '=', id).executeTakeFirst();
  }

  async createSilence(s: NewSilence): Promise<number> {
    const { id } = await this.db.insertInto('silences').values({ ...s, created_at: nowIso() }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** Ends a silence now (kept for history). */
  async endSilence(id: number): Promise<boolean> {
    const r = await this.db.updateTable('silences').set({ until: nowIso() }).where('id', '=', id).where('until', '>', nowIso()).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // --- auto-restart attempts ----------------------------------------------------------------------------------

  autoRestartsSince(hostId: number, name: string, sinceIso: string): Promise<{ id: number; at: string }[]> {
    return this.db
      .selectFrom('auto_restarts')
      .select(['id', 'at'])
      .where('host_id', '=', hostId)
      .where('container_name', '=', name)
      .where('at', '>=', sinceIso)
      .orderBy('at')
      .execute();
  }

  async recordAutoRestart(hostId: number, name: string): Promise<number> {
    const { id } = await this.db.insertInto('auto_restarts').values({ host_id: hostId, container_name: name, at: nowIso() }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  // --- restart-loop samples -----------------------------------------------------------------------------------

  restartSamples(hostId: number, name: string): Promise<RestartSampleRow[]> {
    return this.db.selectFrom('container_restart_samples').selectAll().where('host_id', '=', hostId).where('container_name', '=', name).orderBy('at').orderBy('id').execute();
  }

  async addRestartSample(hostId: number, name: string, containerId: string, count: number): Promise<void> {
    await this.db.insertInto('container_restart_samples').values({ host_id: hostId, container_name: name, container_id: containerId, restart_count: count, at: nowIso() }).execute();
  }

  async clearRestartSamples(hostId: number, name: string): Promise<void> {
    await this.db.deleteFrom('container_restart_samples').where('host_id', '=', hostId).where('container_name', '=', name).execute();
  }

  /** Samples older than the loop window are only baselines: keep the newest old one per container, drop the rest. */
  async pruneRestartSamples(beforeIso: string): Promise<void> {
    await this.db
      .deleteFrom('container_restart_samples')
      .where('at', '<', beforeIso)
      .where('id', 'not in', (eb) =>
        eb.selectFrom('container_restart_samples').select((e) => e.fn.max('id').as('id')).where('at', '<', beforeIso).groupBy(['host_id', 'container_name']),
      )
      .execute();
  }

  // --- hosts and Portainer servers (read only) --------------------------------------------------------------------------------------

  /** Portainer servers as their alerts judge them (core/portainer-alerts.ts). */
  async portainerServerFacts(id?: number): Promise<PortainerServerFacts[]> {
    let q = this.db.selectFrom('portainer_servers').select(['id', 'name', 'enabled', 'status', 'status_reason']);
    if (id !== undefined) q = q.where('id', '=', id);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, enabled: r.enabled === 1 }));
  }

  async hostFacts(id?: number): Promise<HostFacts[]> {
    let q = this.db.selectFrom('hosts').select(['id', 'name', 'status', 'status_reason', 'docker_enabled', 'docker_status', 'docker_status_reason']);
    if (id !== undefined) q = q.where('id', '=', id);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, docker_enabled: r.docker_enabled === 1 }));
  }
}
