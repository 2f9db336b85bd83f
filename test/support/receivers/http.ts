import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The base of every HTTP receiver: a real server on 127.0.0.1 (random port) that records each request and answers
 * through a service-specific handler, plus switches to make it fail (an HTTP status, or a hang that never answers)
 * so tests can watch the sender's error handling and deadlines.
 */

export interface RecordedRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  text: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
  receivedAt: number;
}

export interface Reply {
  status: number;
  /** an object is sent as JSON; a string as text/plain */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Failure = { status: number; body?: unknown } | 'hang';

/** A list that tests can wait on: resolves with the first item matching, whether it is already there or comes later. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const wake of [...this.waiters]) wake();
  }

  clear(): void {
    this.items.length = 0;
  }

  waitFor(predicate: (item: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
    return this.waitForCount(1, predicate, timeoutMs).then((found) => found[0]);
  }

  /** Resolves with the first `count` matching items once that many have arrived (e.g. a re-notification after cooldown). */
  waitForCount(count: number, predicate: (item: T) => boolean = () => true, timeoutMs = 5_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.items.filter(predicate);
        if (found.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found.slice(0, count));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const n = this.items.filter(predicate).length;
        reject(new Error(`${n} of ${count} matching item(s) arrived within ${timeoutMs} ms; received ${this.items.length}: ${summary(this.items)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** How many matching items arrived so far. */
  count(predicate: (item: T) => boolean = () => true): number {
    return this.items.filter(predicate).length;
  }

  /** Resolves after `ms` if no new matching item arrived meanwhile; rejects as soon as one does (e.g. "no re-notification"). */
  noneWithin(ms: number, predicate: (item: T) => boolean = () => true): Promise<void> {
    const before = this.count(predicate);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.count(predicate) === before) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        reject(new Error(`an unexpected item arrived: ${summary(this.items.slice(-1))}`));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve();
      }, ms);
      this.waiters.add(check);
    });
  }
}

function summary(items: unknown[]): string {
  const text = JSON.stringify(items.slice(-3));
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export class HttpReceiver {
  /** every request, including those answered with an error */
  readonly requests = new Recorder<RecordedRequest>();
  private failure: { mode: Failure; remaining: number } | null = null;

  constructor(
    private readonly server: Server,
    /** http://127.0.0.1:<port> */
    readonly url: string,
  ) {}

  /** Answers the next `times` requests (default: all until heal()) with this failure instead of the service's answer. */
  fail(mode: Failure, times = Number.POSITIVE_INFINITY): void {
    this.failure = { mode, remaining: times };
  }

  heal(): void {
    this.failure = null;
  }

  /** @internal the failure to apply to the request being handled, if any */
  takeFailure(): Failure | null {
    if (!this.failure) return null;
    const { mode } = this.failure;
    this.failure.remaining -= 1;
    if (this.failure.remaining <= 0) this.failure = null;
    return mode;
  }

  async close(): Promise<void> {
    // hanging requests keep their sockets open; close() alone would wait for them forever
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startHttpReceiver(handle: (req: RecordedRequest) => Reply | Promise<Reply>): Promise<HttpReceiver> {
  let receiver!: HttpReceiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const text = rawBody.toString('utf8');
      const parsed = new URL(req.url ?? '/', 'http://receiver');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        rawBody,
        text,
        json: parseJson(text),
        receivedAt: Date.now(),
      };
      receiver.requests.push(record);
      const failure = receiver.takeFailure();
      if (failure === 'hang') return; // accept and never answer: the sender's deadline must fire
      if (failure) return write(res, { status: failure.status, body: failure.body ?? { error: 'injected failure' } });
      Promise.resolve(handle(record)).then(
        (reply) => write(res, reply),
        (err: unknown) => write(res, { status: 500, body: { error: String(err) } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver = new HttpReceiver(server, `http://127.0.0.1:${port}`);
  return receiver;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function write(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.body !== undefined && reply.status !== 204) {
    if (typeof reply.body === 'string') {
      payload = reply.body;
      headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(reply.body);
      headers['Content-Type'] ??= 'application/json';
    }
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Header lookup by any of several names (services accept aliases: X-Title, Title, t...). */
export function header(headers: IncomingHttpHeaders, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join(',');
  }
  return undefined;
}

/** What each service receiver exposes: its accepted messages (typed), the raw requests, and the failure switches. */
export class ServiceReceiver<T> {
  /** messages the service accepted (2xx), in order */
  readonly messages = new Recorder<T>();
  constructor(readonly http: HttpReceiver) {}
  get url(): string {
    return this.http.url;
  }
  /** every request, including rejected ones */
  get requests(): RecordedRequest[] {
    return this.http.requests.items;
  }
  waitFor(predicate?: (m: T) => boolean, timeoutMs?: number): Promise<T> {
    return this.messages.waitFor(predicate, timeoutMs);
  }
  /** make it fail: {status: 500} or 'hang', for `times` requests (default: until heal()) */
  fail(mode: Failure, times?: number): void {
    this.http.fail(mode, times);
  }
  heal(): void {
    this.http.heal();
  }
  close(): Promise<void> {
    return this.http.close();
  }
}

/** Starts a receiver whose handler records accepted messages through `accept`. */
export async function startServiceReceiver<T>(
  handle: (req: RecordedRequest, accept: (message: T) => void) => Reply | Promise<Reply>,
): Promise<ServiceReceiver<T>> {
  let receiver!: ServiceReceiver<T>;
  const http = await startHttpReceiver((req) => handle(req, (m) => receiver.messages.push(m)));
  receiver = new ServiceReceiver<T>(http);
  return receiver;
}
