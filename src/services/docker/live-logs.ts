import { conflict } from '../../core/errors.js';
import type { LogLine } from '../../core/types.js';
import type { HostRow } from '../../db/schema.js';
import type { Stream } from '../../providers/docker/engine.js';
import type { Engines } from '../../providers/registry.js';
import type { DockerService } from './docker.service.js';

/** Where a subscriber's lines go (the WebSocket layer makes one per subscription). */
export type LogSink = (lines: LogLine[]) => void;

/** A subscription: cancel() is idempotent. */
export interface LogSubscription {
  cancel(): void;
}

interface Feed {
  key: string;
  host: HostRow;
  containerId: string;
  handle: Stream | null;
  /** A `docker logs -f` is being started (no second one meanwhile). */
  opening: boolean;
  subscribers: Set<LogSink>;
  buffer: LogLine[];
  timer: NodeJS.Timeout | null;
  /** Re-follow after the remote process ended while someone still watches (container stopped or restarted). */
  retry: NodeJS.Timeout | null;
  attempt: number;
  /** Timestamps of the last lines sent: a re-follow from `since` must not repeat them. */
  recent: string[];
  /** Where a re-follow starts: the last line's timestamp, or when the feed (or its last stream) began. */
  since: string;
}

const FLUSH_MS = 250;
const MAX_BUFFER = 2000;
const REFOLLOW_MS = [1_000, 2_000, 5_000, 10_000];
const RECENT = 200;
// A re-follow replays what the container wrote since the last line seen (a restart's first lines), within reason.
const MAX_REFOLLOW_TAIL = 1000;

/**
 * Live logs: a subscription starts (or joins) ONE follow of a container's output per container (the engine's
 * followLogs, e.g. `docker logs -f --tail 0`); new lines go to every subscriber's sink, batched every 250 ms. The
 * follow is stopped when the last subscriber leaves. (server/ws/logs.ts turns this into WebSocket messages.)
 */
export class LiveLogs {
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly service: DockerService,
    private readonly engines: Engines,
  ) {}

  get activeFeeds(): number {
    return this.feeds.size;
  }

  /** 404/409/422 for an unknown host or container or a bad ref; rejects when the follow cannot start. */
  async subscribe(hostId: number, ref: string, sink: LogSink): Promise<LogSubscription> {
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, ref);
    if (!this.engines.capabilities(host).live_logs) throw conflict('not_supported', `live logs are not available on ${host.name}`);
    const key = `${hostId}:${c.container_id}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = { key, host, containerId: c.container_id, handle: null, opening: false, subscribers: new Set(), buffer: [], timer: null, retry: null, attempt: 0, recent: [], since: new Date().toISOString() };
      this.feeds.set(key, feed);
      try {
        await this.follow(feed, { tail: 0 });
      } catch (err) {
        this.feeds.delete(key);
        throw err;
      }
    }
    feed.subscribers.add(sink);
    // Its stream may have ended before anyone was subscribed (a stopped container): watch for it to come back.
    if (!feed.handle) this.refollowLater(feed);
    return { cancel: () => this.drop(key, sink) };
  }

  private drop(key: string, sink: LogSink): void {
    const feed = this.feeds.get(key);
    if (!feed || !feed.subscribers.delete(sink)) return;
    if (feed.subscribers.size === 0) this.end(feed);
  }

  /** Last subscriber gone (or server stopping): no more re-follow, the remote process is stopped. */
  private end(feed: Feed): void {
    if (this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
    if (feed.timer) clearTimeout(feed.timer);
    if (feed.retry) clearTimeout(feed.retry);
    feed.timer = feed.retry = null;
    feed.handle?.close();
    feed.handle = null;
  }

  /**
   * Runs `docker logs -f` for the feed. The remote process ends by itself when the container stops (a restart, a
   * crash): while subscribers remain, it is started again from the last line seen, so the viewer keeps getting the
   * lines of the restarted container (without this the feed went silent for good, and so did every later subscriber).
   */
  private async follow(f: Feed, from: { tail: 0 } | { since: string }): Promise<void> {
    const q = 'since' in from ? { since: from.since, tail: MAX_REFOLLOW_TAIL } : { tail: 0 };
    const push = (l: LogLine) => {
      if (l.ts) {
        if (f.recent.includes(l.ts)) return; // already sent before a re-follow
        f.recent.push(l.ts);
        if (f.recent.length > RECENT) f.recent.shift();
        f.since = l.ts;
      }
      f.attempt = 0;
      f.buffer.push(l);
      if (f.buffer.length > MAX_BUFFER) f.buffer.splice(0, f.buffer.length - MAX_BUFFER);
      f.timer ??= setTimeout(() => this.flush(f), FLUSH_MS);
    };
    let ended = false;
    let handle: Stream | null = null;
    f.opening = true;
    try {
      handle = await this.engines.forHost(f.host).followLogs(f.containerId, q, {
        onLine: push,
        onClose: () => {
          ended = true;
          if (handle && f.handle === handle) f.handle = null;
          this.flush(f);
          if (!f.opening) this.refollowLater(f);
        },
      });
    } finally {
      f.opening = false;
    }
    // Everyone may have left while the stream was opening.
    if (this.feeds.get(f.key) !== f) return handle.close();
    if (ended) this.refollowLater(f); // it ended before we held it (the container stopped meanwhile)
    else f.handle = handle;
  }

  private refollowLater(f: Feed): void {
    if (this.feeds.get(f.key) !== f || f.subscribers.size === 0 || f.retry || f.opening || f.handle) return;
    const delay = REFOLLOW_MS[Math.min(f.attempt, REFOLLOW_MS.length - 1)]!;
    f.attempt++;
    f.retry = setTimeout(() => {
      f.retry = null;
      if (this.feeds.get(f.key) !== f) return;
      this.follow(f, { since: f.since }).catch(() => this.refollowLater(f));
    }, delay);
  }

  private flush(feed: Feed): void {
    if (feed.timer) clearTimeout(feed.timer);
    feed.timer = null;
    if (!feed.buffer.length) return;
    const lines = feed.buffer.splice(0);
    for (const sink of feed.subscribers) sink(lines);
  }

  stopAll(): void {
    for (const feed of [...this.feeds.values()]) this.end(feed);
  }
}
