import type { WebSocket } from 'ws';
import type { EventBus } from '../../core/event-bus.js';
import type { WsMessage } from '../../core/types.js';
import type { AuthService, Principal } from '../../services/auth.service.js';
import { Coalescer } from './coalescer.js';
import { toBrowser } from './messages.js';

export interface WsClient {
  readonly id: number;
  readonly principal: Principal;
  send(m: WsMessage): void;
  /** Called when the client goes away (subscriptions clean up here). */
  onClose(fn: () => void): void;
}

/** A handler for one inbound message type (one topic per file, e.g. live logs). */
export type TopicHandler = (client: WsClient, message: Record<string, unknown>) => void | Promise<void>;

interface Logger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  debug(o: object, m?: string): void;
}

/**
 * The WebSocket hub: authenticated clients receive the browser messages of every domain event on the bus (messages.ts;
 * coalesced per client), and inbound messages are
 * dispatched to topic handlers by `type`. A client that has not authenticated within 5 s is closed.
 */
export class WsHub {
  private readonly clients = new Set<{ client: WsClient; socket: WebSocket; coalescer: Coalescer; recheck: () => void }>();
  private readonly topics = new Map<string, TopicHandler>();
  private seq = 0;

  constructor(
    bus: EventBus,
    private readonly auth: AuthService,
    private readonly log: Logger,
    private readonly windowMs = 1000,
    private readonly recheckMs = 60_000,
  ) {
    bus.on('user_sessions_ended', (e) => this.recheckUser(e.user_id));
    bus.onAny((event) => {
      if (this.clients.size === 0) return;
      for (const m of toBrowser(event)) for (const c of this.clients) c.coalescer.push(m);
    });
  }

  handle(type: string, handler: TopicHandler): void {
    if (this.topics.has(type)) throw new Error(`WebSocket topic ${type} registered twice`);
    this.topics.set(type, handler);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a freshly upgraded socket; `principal` is set when the token came in the query string. */
  accept(socket: WebSocket, principal: Principal | null, token: string | null = null): void {
    if (principal && token) {
      this.attach(socket, principal, token);
      return;
    }
    const timer = setTimeout(() => socket.close(4401, 'authentication required'), 5000);
    socket.once('message', async (data) => {
      clearTimeout(timer);
      try {
        const msg = JSON.parse(String(data)) as { type?: string; token?: string };
        if (msg.type !== 'auth' || typeof msg.token !== 'string') throw new Error('first message must be {type:"auth", token}');
        this.attach(socket, await this.auth.authenticate(msg.token), msg.token);
      } catch (err) {
        socket.send(JSON.stringify({ type: 'error', error: 'unauthorized', message: (err as Error).message }));
        socket.close(4401, 'authentication failed');
      }
    });
  }

  /** The sockets of a user whose sessions ended (password, role, logout, removal) are checked now, not in a minute. */
  private recheckUser(userId: number): void {
    for (const c of this.clients) if (c.client.principal.id === userId) c.recheck();
  }

  private attach(socket: WebSocket, principal: Principal, token: string): void {
    const closers: (() => void)[] = [];
    // A token revoked, a user deleted or a session expired while connected: checked again every minute, and at once
    // when the user's sessions end.
    const check = () => {
      this.auth.authenticate(token).catch((err: Error) => {
        client.send({ type: 'error', error: 'unauthorized', message: err.message });
        socket.close(4401, 'authentication expired');
      });
    };
    const recheck = setInterval(check, this.recheckMs);
    closers.push(() => clearInterval(recheck));
    const client: WsClient = {
      id: ++this.seq,
      principal,
      send: (m) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      },
      onClose: (fn) => closers.push(fn),
    };
    const entry = { client, socket, coalescer: new Coalescer(client.send, this.windowMs), recheck: check };
    this.clients.add(entry);
    client.send({ type: 'hello', user: { id: principal.id, username: principal.username, role: principal.role } });

    socket.on('message', async (data) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return client.send({ type: 'error', error: 'bad_message', message: 'messages must be JSON objects' });
      }
      const handler = typeof msg.type === 'string' ? this.topics.get(msg.type) : undefined;
      if (!handler) return client.send({ type: 'error', error: 'unknown_type', message: `unknown message type ${String(msg.type)}` });
      try {
        await handler(client, msg);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        client.send({ type: 'error', error: e.code ?? 'failed', message: e.message ?? String(err) });
      }
    });
    socket.on('close', () => {
      this.clients.delete(entry);
      entry.coalescer.close();
      for (const fn of closers) {
        try {
          fn();
        } catch (err) {
          this.log.warn({ err }, 'ws close handler failed');
        }
      }
    });
  }

  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
  }
}
