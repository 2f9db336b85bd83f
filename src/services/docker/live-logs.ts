import crypto from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { LogLine } from '../../core/types.js';
import { logs } from '../../providers/docker/commands.js';
import { parseLogLine } from '../../providers/docker/parse-live.js';
import type { TransportFactory } from '../../providers/docker/transports.js';
import type { WsClient } from '../../server/ws/hub.js';
import type { StreamHandle } from '../../ssh/types.js';
import type { DockerService } from './docker.service.js';

interface Feed {
  handle: StreamHandle | null;
  subscribers: Map<string, WsClient>; // subscription id -> client
  buffer: LogLine[];
  timer: NodeJS.Timeout | null;
}

const FLUSH_MS = 250;
const MAX_BUFFER = 2000;

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
      feed = { handle: null, subscribers: new Map(), buffer: [], timer: null };
      this.feeds.set(key, feed);
      const f = feed;
      const push = (line: string, stream: LogLine['stream']) => {
        f.buffer.push(parseLogLine(line, stream, true));
        if (f.buffer.length > MAX_BUFFER) f.buffer.splice(0, f.buffer.length - MAX_BUFFER);
        f.timer ??= setTimeout(() => this.flush(f), FLUSH_MS);
      };
      try {
        feed.handle = await this.transports.forHost(host).stream(logs(c.container_id, { follow: true, tail: 0, timestamps: true }), {
          onStdoutLine: (l) => push(l, 'stdout'),
          onStderrLine: (l) => push(l, 'stderr'),
          onClose: () => {
            f.handle = null;
            this.flush(f);
          },
        });
      } catch (err) {
        this.feeds.delete(key);
        throw err;
      }
      // Everyone may have left while the stream was opening.
      if (!this.feeds.has(key)) feed.handle?.close();
    }
    feed.subscribers.set(subscription, client);
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
    if (feed.subscribers.size === 0) {
      if (feed.timer) clearTimeout(feed.timer);
      feed.handle?.close();
      this.feeds.delete(key);
    }
  }

  private flush(feed: Feed): void {
    if (feed.timer) clearTimeout(feed.timer);
    feed.timer = null;
    if (!feed.buffer.length) return;
    const lines = feed.buffer.splice(0);
    for (const [subscription, client] of feed.subscribers) client.send({ type: 'logs', subscription, lines });
  }

  stopAll(): void {
    for (const feed of this.feeds.values()) {
      if (feed.timer) clearTimeout(feed.timer);
      feed.handle?.close();
    }
    this.feeds.clear();
  }
}
