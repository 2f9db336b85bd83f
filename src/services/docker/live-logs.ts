import crypto from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { LogLine } from '../../core/types.js';
import { logs } from '../../providers/docker/commands.js';
import { parseLogLine } from '../../providers/docker/parse-live.js';
import type { TransportFactory } from '../../providers/docker/transports.js';
import type { HostRow } from '../../db/schema.js';
import type { WsClient } from '../../server/ws/hub.js';
import type { StreamHandle } from '../../ssh/types.js';
import type { DockerService } from './docker.service.js';

interface Feed {
  key: string;
  host: HostRow;
  containerId: string;
  handle: StreamHandle | null;
  /** A `docker logs -f` is being started (no second one meanwhile). */
  opening: boolean;
  subscribers: Map<string, WsClient>; // subscription id -> client
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
 * Live logs over the WebSocket: `{type:'logs_subscribe', host_id, container_id}` starts (or joins) ONE
 * `docker logs -f --tail 0` per container on the host; new lines go to every subscriber as
 * `{type:'logs', subscription, lines}`. The remote process is stopped when the last subscriber leaves.
 */
export class LiveLogs {
  private readonly feeds = new Map<string, Feed>();
  private readonly byClient = new WeakMap<WsClient, Map<string, string>>(); // subscription -> feed key

  constructor(
    private readonly service: DockerService,
    private readonly transports: TransportFactory,
  ) {}

  get activeFeeds(): number {
    return this.feeds.size;
  }

  async subscribe(client: WsClient, msg: Record<string, unknown>): Promise<void> {
    const hostId = Number(msg.host_id);
    if (!Number.isInteger(hostId) || hostId < 1) throw invalid('host_id: a host id');
    if (typeof msg.container_id !== 'string') throw invalid('container_id: a container id or name');
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, msg.container_id);
    const key = `${hostId}:${c.container_id}`;
    const subscription = crypto.randomUUID();
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = { key, host, containerId: c.container_id, handle: null, opening: false, subscribers: new Map(), buffer: [], timer: null, retry: null, attempt: 0, recent: [], since: new Date().toISOString() };
      this.feeds.set(key, feed);
      try {
        await this.follow(feed, { tail: 0 });
      } catch (err) {
        this.feeds.delete(key);
        throw err;
      }
    }
    feed.subscribers.set(subscription, client);
    // Its stream may have ended before anyone was subscribed (a stopped container): watch for it to come back.
    if (!feed.handle) this.refollowLater(feed);
    client.send({ type: 'logs', subscription, lines: [] });
    client.onClose(() => this.drop(key, subscription));
    let mine = this.byClient.get(client);
    if (!mine) this.byClient.set(client, (mine = new Map()));
    mine.set(subscription, key);
  }

  unsubscribe(client: WsClient, msg: Record<string, unknown>): void {
    const subs = this.byClient.get(client);
    const sub = String(msg.subscription ?? '');
    const key = subs?.get(sub);
    if (key) {
      subs!.delete(sub);
      this.drop(key, sub);
    }
  }

  private drop(key: string, subscription: string): void {
    const feed = this.feeds.get(key);
    if (!feed || !feed.subscribers.delete(subscription)) return;
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
    const opts = 'since' in from ? { follow: true, since: from.since, tail: MAX_REFOLLOW_TAIL, timestamps: true } : { follow: true, tail: 0, timestamps: true };
    const push = (line: string, stream: LogLine['stream']) => {
      const l = parseLogLine(line, stream, true);
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
    let handle: StreamHandle | null = null;
    f.opening = true;
    try {
      handle = await this.transports.forHost(f.host).stream(logs(f.containerId, opts), {
        onStdoutLine: (l) => push(l, 'stdout'),
        onStderrLine: (l) => push(l, 'stderr'),
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
    for (const [subscription, client] of feed.subscribers) client.send({ type: 'logs', subscription, lines });
  }

  stopAll(): void {
    for (const feed of [...this.feeds.values()]) this.end(feed);
  }
}
