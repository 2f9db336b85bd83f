import type { WsMessage } from '../../core/types.js';

/**
 * Per-client rate limit of outgoing messages: at most one message per second for each kind of thing (message type
 * and the object it is about: one host, one container, one task). A burst is coalesced: the latest state wins, sent
 * when the second is over. Log lines are appended instead of replaced, so none is lost.
 */
export function coalesceKey(m: WsMessage): string {
  switch (m.type) {
    case 'host_updated':
      return `${m.type}:${m.host.id}`;
    case 'docker_host_updated':
      return `${m.type}:${m.host.id}`;
    case 'task_updated':
      return `${m.type}:${m.task.id}`;
    case 'portainer_server_updated':
      return `${m.type}:${m.server.id}`;
    case 'docker_container_updated':
      return `${m.type}:${m.host_id}:${m.container.container_id}`;
    case 'docker_container_removed':
      return `${m.type}:${m.host_id}:${m.container_id}`;
    case 'docker_alert_opened':
    case 'docker_alert_closed':
    case 'docker_alert_acknowledged':
      return `${m.type}:${m.alert.id}`;
    // one key for the three: each carries the whole alert, so the latest state wins and an older one never lands
    // after it (an update held by the window, then a close sent at once, would otherwise reopen it on screen)
    case 'alert_opened':
    case 'alert_updated':
    case 'alert_closed':
      return `alert:${m.alert.id}`;
    case 'logs':
      return `${m.type}:${m.subscription}`;
    default:
      return m.type;
  }
}

const MAX_LOG_LINES = 5000;

function merge(prev: WsMessage | undefined, next: WsMessage): WsMessage {
  if (prev?.type === 'logs' && next.type === 'logs') {
    return { ...next, lines: [...prev.lines, ...next.lines].slice(-MAX_LOG_LINES) };
  }
  return next;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Coalescer {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, WsMessage>();
  private readonly timers = new Map<string, unknown>();

  constructor(
    private readonly send: (m: WsMessage) => void,
    private readonly windowMs = 1000,
    private readonly clock: Clock = realClock,
  ) {}

  push(m: WsMessage): void {
    const key = coalesceKey(m);
    const last = this.lastSent.get(key);
    const now = this.clock.now();
    if (last === undefined || now - last >= this.windowMs) {
      if (!this.timers.has(key)) {
        this.lastSent.set(key, now);
        this.send(m);
        return;
      }
    }
    this.pending.set(key, merge(this.pending.get(key), m));
    if (!this.timers.has(key)) {
      const wait = Math.max(0, (last ?? now) + this.windowMs - now);
      this.timers.set(
        key,
        this.clock.setTimeout(() => this.flush(key), wait),
      );
    }
  }

  private flush(key: string): void {
    this.timers.delete(key);
    const m = this.pending.get(key);
    if (!m) return;
    this.pending.delete(key);
    this.lastSent.set(key, this.clock.now());
    this.send(m);
    // Forget idle keys so a long-lived client does not grow without bound.
    if (this.lastSent.size > 10_000) this.lastSent.clear();
  }

  close(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}
