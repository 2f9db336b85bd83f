import type { DockerRepository } from '../../db/repositories/docker.repository.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import type { Stream } from '../../providers/docker/engine.js';
import type { DockerEventLine } from '../../providers/docker/parse-live.js';
import type { Engines } from '../../providers/registry.js';

interface Logger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  debug(o: object, m?: string): void;
}

const BACKOFF_MS = [1_000, 5_000, 10_000, 30_000];
// Container actions that change what we show; exec_* (health probes) and attach/resize noise are ignored.
const INTERESTING = /^(create|start|restart|stop|die|kill|pause|unpause|destroy|rename|update|oom|health_status)/;
const REFRESH_DEBOUNCE_MS = 150;

export interface EventsDeps {
  hosts: HostRepository;
  docker: DockerRepository;
  engines: Engines;
  log: Logger;
  /** Refresh these containers now (targeted inspect), and feed the result to the bus and alert engine. */
  refresh(hostId: number, ids: string[]): Promise<unknown>;
  /** Full collection, after a (re)connect: what happened while the stream was down. */
  resync(hostId: number): Promise<unknown>;
}

/**
 * One long-lived events stream per enabled host (the engine's events(): `docker events` over the pooled connection). A container event triggers a
 * targeted refresh of that container (debounced a few ms to batch bursts), so a stopped container is seen in about a
 * second instead of at the next poll. The stream reconnects with backoff; polling remains the safety net.
 */
export class DockerEventsStreams {
  private readonly streams = new Map<number, { handle: Stream | null; timer: NodeJS.Timeout | null; attempt: number; stopped: boolean }>();
  private readonly pending = new Map<number, { ids: Set<string>; timer: NodeJS.Timeout }>();

  constructor(private readonly d: EventsDeps) {}

  has(hostId: number): boolean {
    return this.streams.has(hostId);
  }

  /** For the health page: open, (re)connecting, or none for this host. */
  state(hostId: number): 'connected' | 'connecting' | 'off' {
    const s = this.streams.get(hostId);
    return !s ? 'off' : s.handle ? 'connected' : 'connecting';
  }

  start(hostId: number): void {
    if (this.streams.has(hostId)) return;
    const state = { handle: null as Stream | null, timer: null as NodeJS.Timeout | null, attempt: 0, stopped: false };
    this.streams.set(hostId, state);
    void this.connect(hostId, state);
  }

  stop(hostId: number): void {
    const s = this.streams.get(hostId);
    if (!s) return;
    s.stopped = true;
    if (s.timer) clearTimeout(s.timer);
    s.handle?.close();
    this.streams.delete(hostId);
    const p = this.pending.get(hostId);
    if (p) clearTimeout(p.timer);
    this.pending.delete(hostId);
  }

  stopAll(): void {
    for (const id of [...this.streams.keys()]) this.stop(id);
  }

  private async connect(hostId: number, s: { handle: Stream | null; timer: NodeJS.Timeout | null; attempt: number; stopped: boolean }) {
    const host = await this.d.hosts.get(hostId);
    if (!host || !host.docker_enabled || s.stopped) return this.stop(hostId);
    let opened = false;
    try {
      const handle = await this.d.engines.forHost(host).events({
        onEvent: (e) => {
          if (s.stopped) return;
          if (!opened) {
            opened = true;
            s.attempt = 0;
          }
          void this.onEvent(hostId, e);
        },
        onClose: (err) => {
          s.handle = null;
          if (s.stopped) return;
          this.d.log.info({ host: host.name, err: err?.message }, 'docker events stream ended: reconnecting');
          this.schedule(hostId, s);
        },
      });
      // Stopped (host disabled or removed, server stopping) while the stream was opening: stop() had no handle to
      // close, so this one would have lived on, refreshing a host nobody watches.
      if (s.stopped) return handle.close();
      s.handle = handle;
      // The stream is up: catch up on anything missed while it was down.
      void this.d.resync(hostId).catch(() => {});
    } catch (err) {
      this.d.log.debug({ host: host.name, err: (err as Error).message }, 'docker events stream failed to open');
      this.schedule(hostId, s);
    }
  }

  private schedule(hostId: number, s: { timer: NodeJS.Timeout | null; attempt: number; stopped: boolean; handle: Stream | null }) {
    if (s.stopped) return;
    const delay = BACKOFF_MS[Math.min(s.attempt, BACKOFF_MS.length - 1)]!;
    s.attempt++;
    s.timer = setTimeout(() => {
      s.timer = null;
      void this.connect(hostId, s);
    }, delay);
  }

  private async onEvent(hostId: number, e: DockerEventLine): Promise<void> {
    if (e.type !== 'container' || !e.id || !INTERESTING.test(e.action)) return;
    await this.d.docker
      .addEvent({
        host_id: hostId,
        time: e.time,
        kind: 'docker',
        type: e.type,
        action: e.action,
        target_id: e.id,
        target_name: e.name,
        message: e.attributes.exitCode !== undefined ? `exit code ${e.attributes.exitCode}` : null,
        task_id: null,
      })
      .catch(() => {});
    let p = this.pending.get(hostId);
    if (!p) {
      p = {
        ids: new Set(),
        timer: setTimeout(() => {
          const batch = this.pending.get(hostId);
          this.pending.delete(hostId);
          if (batch) void this.d.refresh(hostId, [...batch.ids]).catch((err) => this.d.log.debug({ hostId, err: err.message }, 'event refresh failed'));
        }, REFRESH_DEBOUNCE_MS),
      };
      this.pending.set(hostId, p);
    }
    p.ids.add(e.id);
  }
}
