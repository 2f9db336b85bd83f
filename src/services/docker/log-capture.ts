import { AppError } from '../../core/errors.js';
import type { DockerContainer, LogLine } from '../../core/types.js';
import { type DockerRepository, effectiveLogCapture, type LogCapture, mapContainer } from '../../db/repositories/docker.repository.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import type { FoundLine, LogRepository, LogSearch, NewLogLine } from '../../db/repositories/log.repository.js';
import type { DockerContainerRow, DockerLogCaptureRow } from '../../db/schema.js';
import type { Engines } from '../../providers/registry.js';
import type { DockerService } from './docker.service.js';

/** At most this many lines are read per container and pass: a container louder than that between two passes loses the oldest. */
const FETCH_CAP = 5000;

/**
 * A Docker timestamp as sortable text: RFC 3339 UTC with the fraction padded to nanoseconds (docker prints it so,
 * but a bound given by a user may have milliseconds or an offset). Null for something that is not a time.
 */
export function sortableTs(ts: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
  const t = Date.parse(ts);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}T/.test(ts)) return null;
  return new Date(t).toISOString().replace(/Z$/, '000000Z');
}

const nowTs = () => new Date().toISOString().replace(/Z$/, '000000Z');

export interface LogCaptureDeps {
  service: DockerService;
  docker: DockerRepository;
  logs: LogRepository;
  hosts: HostRepository;
  engines: Engines;
  log: { warn(o: object, m?: string): void };
  timeoutMs: number;
  maxLinesPerContainer: number;
  retentionDays: number;
}

/**
 * Log capture: after each collection of a host, the new lines of every container whose capture is on are read
 * (the engine's `logs` from the last stored line, so it works on every kind of Docker host) and stored, filtered by
 * stream. Capture starts when it is turned on: nothing older is stored. One pass per host at a time.
 */
export class LogCaptureService {
  private readonly chains = new Map<number, Promise<unknown>>();

  constructor(private readonly d: LogCaptureDeps) {}

  /** Runs `fn` after whatever capture work of this host is in flight (a per-host mutex). */
  private exclusive<T>(hostId: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(hostId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.chains.set(hostId, next);
    void next.finally(() => {
      if (this.chains.get(hostId) === next) this.chains.delete(hostId);
    }).catch(() => undefined);
    return next;
  }

  /** PATCH .../settings: stores the choice for the container's name; turning it on starts capture now. */
  async setCapture(hostId: number, ref: string, value: LogCapture): Promise<DockerContainer> {
    const host = await this.d.service.host(hostId);
    const c = await this.d.service.resolve(hostId, ref);
    await this.exclusive(hostId, async () => {
      const state = (await this.d.logs.captureStates(hostId)).get(c.name);
      await this.d.logs.setSetting(hostId, c.name, value);
      if (value === 'off') await this.d.logs.setStarted(hostId, c.name, null);
      else if (!state?.started_at) await this.d.logs.setStarted(hostId, c.name, nowTs());
    });
    const row = await this.d.docker.getContainer(hostId, c.container_id);
    const container = mapContainer(row ?? c, await this.d.docker.captureSettings(hostId));
    // Open container lists show the new value at once (docker_container_updated, as after a collection).
    this.d.service.publish(host, { added: [], changed: [container], removed: [] });
    return container;
  }

  /** One capture pass of a host (after its collection); failures are logged, never thrown into the collection. */
  run(hostId: number): Promise<void> {
    return this.exclusive(hostId, () => this.pass(hostId)).catch((err) => this.d.log.warn({ err, host_id: hostId }, 'log capture failed'));
  }

  private async pass(hostId: number): Promise<void> {
    const host = await this.d.hosts.get(hostId);
    if (!host || !host.docker_enabled || host.docker_status !== 'online') return;
    const [containers, states] = await Promise.all([this.d.docker.listContainers(hostId), this.d.logs.captureStates(hostId)]);
    for (const c of containers) {
      const state = states.get(c.name);
      const mode = effectiveLogCapture(state?.setting, JSON.parse(c.labels || '{}') as Record<string, string>);
      if (mode === 'off') {
        if (state?.started_at) await this.d.logs.setStarted(hostId, c.name, null);
        continue;
      }
      // On by its label, seen for the first time: capture starts now.
      if (!state?.started_at) {
        await this.d.logs.setStarted(hostId, c.name, nowTs());
        continue;
      }
      try {
        await this.captureOne(host, c, state, mode);
      } catch (err) {
        this.d.log.warn({ err, host_id: hostId, container: c.name }, 'log capture of a container failed');
      }
    }
  }

  private async captureOne(host: Parameters<Engines['forHost']>[0], c: DockerContainerRow, state: DockerLogCaptureRow, mode: LogCapture): Promise<void> {
    const since = state.last_ts ?? state.started_at!;
    const lines = await this.d.engines.forHost(host).logs(c.container_id, { tail: FETCH_CAP, since, timestamps: true }, { timeoutMs: this.d.timeoutMs });
    const { fresh, cursor } = newLines(lines, state);
    if (!cursor) return;
    const keep = fresh.filter((l) => mode === 'both' || l.stream === mode).map((l) => ({ ...l, container_id: c.container_id }));
    await this.d.logs.append(host.id, c.name, keep, cursor);
    if (keep.length) await this.d.logs.trim(host.id, c.name, this.d.maxLinesPerContainer);
  }

  /** GET /api/logs: bounds normalised to the stored form; 422 for one that is not a time. */
  search(s: LogSearch): Promise<FoundLine[]> {
    const bound = (v: string | undefined, field: string) => {
      if (v === undefined) return undefined;
      const t = sortableTs(v);
      if (!t) throw new AppError(422, 'invalid_input', `${field} must be an RFC 3339 time`);
      return t;
    };
    const since = bound(s.since, 'since');
    const until = bound(s.until, 'until');
    if (since && until && since > until) throw new AppError(422, 'invalid_input', 'since must not be after until');
    return this.d.logs.search({ ...s, since, until });
  }

  /** Hourly: lines older than the retention, and beyond the cap of each container. */
  prune(): Promise<number> {
    const before = new Date(Date.now() - this.d.retentionDays * 86400_000).toISOString().replace(/Z$/, '000000Z');
    return this.d.logs.prune(before, this.d.maxLinesPerContainer);
  }
}

/**
 * The lines strictly after the cursor. Docker's --since is inclusive, and several lines can share a timestamp: the
 * cursor is the last stored timestamp and how many lines with it were seen, and that many are skipped again. The
 * count covers both streams (lines are filtered by stream after this), so a change of filter cannot shift it.
 */
export function newLines(lines: LogLine[], state: Pick<DockerLogCaptureRow, 'last_ts' | 'last_ts_count' | 'started_at'>): {
  fresh: Omit<NewLogLine, 'container_id'>[];
  cursor: { last_ts: string; last_ts_count: number } | null;
} {
  const fresh: Omit<NewLogLine, 'container_id'>[] = [];
  let lastTs = state.last_ts;
  let count = state.last_ts_count;
  let skip = state.last_ts ? state.last_ts_count : 0;
  for (const l of lines) {
    const ts = l.ts ? sortableTs(l.ts) : null;
    if (!ts) continue;
    if (state.last_ts ? ts < state.last_ts : ts < state.started_at!) continue;
    if (ts === state.last_ts && skip > 0) {
      skip--;
      continue;
    }
    fresh.push({ ts, stream: l.stream, text: l.text });
    if (ts === lastTs) count++;
    else if (!lastTs || ts > lastTs) {
      lastTs = ts;
      count = 1;
    }
  }
  return { fresh, cursor: fresh.length && lastTs ? { last_ts: lastTs, last_ts_count: count } : null };
}
