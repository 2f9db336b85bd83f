// A small WebSocket client for integration tests: records every message with its arrival time, waits for one
// that matches, and reports how the connection ended (refused upgrade status, close code).
import WebSocket from 'ws';

export interface Received {
  at: number;
  msg: any;
}

export class WsTestClient {
  readonly received: Received[] = [];
  /** HTTP status when the upgrade was refused. */
  refusedStatus: number | null = null;
  closeCode: number | null = null;
  private readonly ws: WebSocket;
  private readonly opened: Promise<void>;
  private readonly closed: Promise<number>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => this.received.push({ at: Date.now(), msg: JSON.parse(String(data)) }));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedStatus = res.statusCode ?? 0;
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
        this.ws.terminate();
      });
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Connects to `<base>/ws` (http(s) base URL), with `?token=` when given. */
  static connect(baseUrl: string, token?: string): WsTestClient {
    return new WsTestClient(`${baseUrl.replace(/^http/, 'ws')}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  }

  open(): Promise<void> {
    return this.opened;
  }

  send(m: object): void {
    this.ws.send(JSON.stringify(m));
  }

  /** Resolves with the close code; rejects if the server keeps the connection open longer than `timeoutMs`. */
  waitClosed(timeoutMs = 8000): Promise<number> {
    return withTimeout(this.closed, timeoutMs, 'the server did not close the WebSocket');
  }

  messages(type?: string): any[] {
    return this.received.filter((r) => !type || r.msg.type === type).map((r) => r.msg);
  }

  /** Waits for a message matching `pred` (already received ones count). */
  async waitFor(pred: (m: any) => boolean, timeoutMs = 8000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find((r) => pred(r.msg));
      if (hit) return hit.msg;
      if (Date.now() > until) throw new Error(`no matching WebSocket message within ${timeoutMs} ms; got: ${JSON.stringify(this.messages().slice(-10))}`);
      if (this.closeCode !== null) throw new Error(`WebSocket closed (${this.closeCode}) before a matching message`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
