import { type Kysely, sql } from 'kysely';
import { nowIso } from '../../core/time.js';
import { isPostgres } from '../migrations/helpers.js';
import type { Database, DockerLogCaptureRow } from '../schema.js';

export interface NewLogLine {
  container_id: string;
  ts: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogSearch {
  q?: string;
  host_id?: number;
  container?: string;
  stream?: 'stdout' | 'stderr';
  since?: string;
  until?: string;
  limit: number;
}

export interface FoundLine {
  host_id: number;
  host_name: string;
  container_name: string;
  ts: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Words of a search, each quoted as an FTS5 string, so user syntax (AND, NEAR, *, :, quotes) is only text. */
export function ftsPhrase(q: string): string {
  return q
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `"${w.replace(/"/g, '""')}"`)
    .join(' ');
}

/** Captured container logs and the capture state per (host, container name). */
export class LogRepository {
  private readonly pg: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.pg = isPostgres(db);
  }

  /** Every capture row of a host (one query: the container list and the capture pass both read it). */
  async captureStates(hostId: number): Promise<Map<string, DockerLogCaptureRow>> {
    const rows = await this.db.selectFrom('docker_log_capture').selectAll().where('host_id', '=', hostId).execute();
    return new Map(rows.map((r) => [r.container_name, r]));
  }

  /** Stores the operator's choice (upsert). */
  async setSetting(hostId: number, name: string, setting: string): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('docker_log_capture')
      .values({ host_id: hostId, container_name: name, setting, updated_at: now })
      .onConflict((oc) => oc.columns(['host_id', 'container_name']).doUpdateSet({ setting, updated_at: now }))
      .execute();
  }

  /** Capture turned on now (no backfill: nothing before `startedAt` is stored), or off (cursor forgotten). */
  async setStarted(hostId: number, name: string, startedAt: string | null): Promise<void> {
    const now = nowIso();
    const v = { started_at: startedAt, last_ts: null, last_ts_count: 0, updated_at: now };
    await this.db
      .insertInto('docker_log_capture')
      .values({ host_id: hostId, container_name: name, setting: null, ...v })
      .onConflict((oc) => oc.columns(['host_id', 'container_name']).doUpdateSet(v))
      .execute();
  }

  /** New lines (possibly none: all of the other stream) and the moved cursor, in one transaction: a failure stores neither. */
  async append(hostId: number, name: string, lines: NewLogLine[], cursor: { last_ts: string; last_ts_count: number }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < lines.length; i += 200) {
        const chunk = lines.slice(i, i + 200).map((l) => ({ ...l, host_id: hostId, container_name: name }));
        await trx.insertInto('docker_log_lines').values(chunk).execute();
      }
      await trx
        .updateTable('docker_log_capture')
        .set({ ...cursor, updated_at: nowIso() })
        .where('host_id', '=', hostId)
        .where('container_name', '=', name)
        .execute();
    });
  }

  /** One query across all hosts, newest first; `q` goes through the full-text index as a bound parameter. */
  async search(s: LogSearch): Promise<FoundLine[]> {
    let q = this.db
      .selectFrom('docker_log_lines as l')
      .innerJoin('hosts as h', 'h.id', 'l.host_id')
      .select(['l.host_id', 'h.name as host_name', 'l.container_name', 'l.ts', 'l.stream', 'l.text']);
    const words = s.q?.trim() ?? '';
    if (words) {
      q = this.pg
        ? q.where(sql<boolean>`to_tsvector('simple', l.text) @@ plainto_tsquery('simple', ${words})`)
        : q.where(sql<boolean>`l.id in (select rowid from docker_log_lines_fts where docker_log_lines_fts match ${ftsPhrase(words)})`);
    }
    if (s.host_id !== undefined) q = q.where('l.host_id', '=', s.host_id);
    if (s.container !== undefined) q = q.where('l.container_name', '=', s.container);
    if (s.stream !== undefined) q = q.where('l.stream', '=', s.stream);
    if (s.since !== undefined) q = q.where('l.ts', '>=', s.since);
    if (s.until !== undefined) q = q.where('l.ts', '<=', s.until);
    const rows = await q.orderBy('l.ts', 'desc').orderBy('l.id', 'desc').limit(s.limit).execute();
    return rows as FoundLine[];
  }

  /** Retention: lines older than `beforeTs`, and beyond the newest `maxPerContainer` of each container. */
  async prune(beforeTs: string, maxPerContainer: number): Promise<number> {
    const old = await this.db.deleteFrom('docker_log_lines').where('ts', '<', beforeTs).executeTakeFirst();
    let n = Number(old.numDeletedRows);
    const over = await this.db
      .selectFrom('docker_log_lines')
      .select(['host_id', 'container_name'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy(['host_id', 'container_name'])
      .having((eb) => eb.fn.countAll(), '>', maxPerContainer)
      .execute();
    for (const o of over) n += await this.trim(o.host_id, o.container_name, maxPerContainer);
    return n;
  }

  /** Keeps the newest `keep` lines of one container. */
  async trim(hostId: number, name: string, keep: number): Promise<number> {
    const edge = await this.db
      .selectFrom('docker_log_lines')
      .select('id')
      .where('host_id', '=', hostId)
      .where('container_name', '=', name)
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .offset(keep - 1)
      .limit(1)
      .executeTakeFirst();
    if (!edge) return 0;
    const edgeRow = await this.db.selectFrom('docker_log_lines').select(['ts', 'id']).where('id', '=', edge.id).executeTakeFirstOrThrow();
    const r = await this.db
      .deleteFrom('docker_log_lines')
      .where('host_id', '=', hostId)
      .where('container_name', '=', name)
      .where((eb) => eb.or([eb('ts', '<', edgeRow.ts), eb.and([eb('ts', '=', edgeRow.ts), eb('id', '<', edgeRow.id)])]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async count(hostId: number, name: string): Promise<number> {
    const r = await this.db
      .selectFrom('docker_log_lines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('host_id', '=', hostId)
      .where('container_name', '=', name)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
