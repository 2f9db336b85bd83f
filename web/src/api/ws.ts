/**
 * WebSocket client for /ws: reconnects by itself with backoff, exposes its status (the UI shows
 * "offline"), dispatches messages to handlers registered per message type, and keeps live-log
 * subscriptions across reconnects.
 * The transport is injected (`createSocket`) so tests can drive it with a fake socket object.
 */
import { signal } from '@preact/signals';
import type { LogLine, WsMessage } from '../../../src/core/types';

/** The part of the browser WebSocket this client uses. */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WsStatus = 'idle' | 'connecting' | 'online' | 'offline';
type Handler<T extends WsMessage['type']> = (msg: Extract<WsMessage, { type: T }>) => void;

interface LogSub {
  id: string; // our id, sent with the subscribe message
  serverId: string | null; // the id the server tags `logs` messages with, when it chooses its own
  hostId: number;
  containerId: string;
  onLines: (lines: LogLine[]) => void;
}

export interface WsClientOptions {
  url: () => string; // e.g. ws://host/ws — never with the token: proxies keep URLs in their access logs
  /** The bearer token, sent as the first message at every (re)connect, so a new login's token is used. */
  token?: () => string | null;
  createSocket?: (url: string) => SocketLike;
  backoffMs?: number[];
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

const OPEN = 1;

export class WsClient {
  readonly status = signal<WsStatus>('idle');
  private socket: SocketLike | null = null;
  private handlers = new Map<string, Set<(msg: WsMessage) => void>>();
  private subs = new Map<string, LogSub>();
  private attempt = 0;
  private retryTimer: unknown = null;
  private stopped = true;
  private seq = 0;
  private readonly backoff: number[];

  constructor(private readonly opts: WsClientOptions) {
    this.backoff = opts.backoffMs ?? [1000, 2000, 5000, 10_000, 30_000];
  }

  start(): void {
    this.stopped = false;
    if (!this.socket) this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'bye');
    }
    this.status.value = 'idle';
  }

  /** Reconnect now (after a new login: the socket authenticates with the new token). */
  restart(): void {
    this.stop();
    this.start();
  }

  on<T extends WsMessage['type']>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (msg: WsMessage) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  /** Live logs of one container; returns the unsubscribe function. */
  subscribeLogs(hostId: number, containerId: string, onLines: (lines: LogLine[]) => void): () => void {
    const sub: LogSub = { id: `logs-${++this.seq}`, serverId: null, hostId, containerId, onLines };
    this.subs.set(sub.id, sub);
    this.sendSubscribe(sub);
    return () => {
      this.subs.delete(sub.id);
      this.send({ type: 'logs_unsubscribe', subscription: sub.serverId ?? sub.id });
    };
  }

  /** Feed one raw message as if it came from the socket (used by the socket handler). */
  dispatch(raw: unknown): void {
    let msg: WsMessage;
    try {
      msg = (typeof raw === 'string' ? JSON.parse(raw) : raw) as WsMessage;
    } catch {
      return; // not JSON: nothing a handler could use
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (msg.type === 'hello') this.authenticated();
    if (msg.type === 'logs') this.routeLogs(msg);
    const set = this.handlers.get(msg.type);
    if (set) for (const h of [...set]) h(msg);
  }

  private routeLogs(msg: Extract<WsMessage, { type: 'logs' }>): void {
    let sub = this.subs.get(msg.subscription);
    if (sub) sub.serverId = sub.id; // the server uses our ids: no guessing needed
    if (!sub) sub = [...this.subs.values()].find((s) => s.serverId === msg.subscription);
    if (!sub) {
      // The server named the subscription itself: bind it to the oldest one still unnamed.
      sub = [...this.subs.values()].find((s) => s.serverId === null);
      if (sub) sub.serverId = msg.subscription;
    }
    if (!sub) {
      // A feed nobody here wants any more (closed before the server named it): stop it on the server.
      this.send({ type: 'logs_unsubscribe', subscription: msg.subscription });
      return;
    }
    if (Array.isArray(msg.lines) && msg.lines.length > 0) sub.onLines(msg.lines);
  }

  private send(obj: unknown): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(obj));
  }

  private sendSubscribe(sub: LogSub): void {
    sub.serverId = null;
    this.send({ type: 'logs_subscribe', host_id: sub.hostId, container_id: sub.containerId, subscription: sub.id });
  }

  private connect(): void {
    this.clearRetry();
    this.status.value = this.attempt === 0 ? 'connecting' : 'offline';
    let s: SocketLike;
    try {
      const create = this.opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
      s = create(this.opts.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = s;
    s.onopen = () => {
      const token = this.opts.token?.();
      // Authenticated by the first message (the server answers hello): subscriptions wait for it, since the server
      // reads nothing else before.
      if (token) s.send(JSON.stringify({ type: 'auth', token }));
      else this.authenticated();
    };
    s.onmessage = (ev) => this.dispatch(ev.data);
    s.onerror = () => {
      /* a close event follows; reconnect happens there */
    };
    s.onclose = () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.stopped) return;
      this.status.value = 'offline';
      this.scheduleRetry();
    };
  }

  private authenticated(): void {
    if (this.status.value === 'online') return;
    this.attempt = 0;
    this.status.value = 'online';
    for (const sub of this.subs.values()) this.sendSubscribe(sub);
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.backoff[Math.min(this.attempt, this.backoff.length - 1)];
    this.attempt++;
    const set = this.opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.retryTimer = set(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      (this.opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>)))(this.retryTimer);
      this.retryTimer = null;
    }
  }
}
