/**
 * The HTTP layer of the Portainer client: node:http/https (fetch cannot see the peer certificate), a keep-alive agent
 * per server, a deadline on every request, and certificate pinning done before a single byte of the request is
 * written (the agent hands the socket to the request only after the fingerprint check), so a credential never reaches
 * an impostor.
 */
import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { PortainerError } from './types.js';

export interface TlsPolicy {
  /** The pinned fingerprint, or null. */
  pinned(): string | null;
  /** Unpinned and not trusted by the system CAs: accepted only while test() runs (trust on first use). */
  allowUnpinned(): boolean;
  /** The fingerprint of the last certificate met (for test() to report). */
  seen(fp: string): void;
}

class PinningAgent extends HttpsAgent {
  constructor(private readonly policy: TlsPolicy) {
    // No TLS session cache: a resumed session may carry no peer certificate to check.
    super({ keepAlive: true, maxSockets: 16, maxCachedSessions: 0 });
  }

  override createConnection(options: ConnectionOptions, cb: (err: Error | null, s?: Duplex) => void): undefined {
    const socket: TLSSocket = tlsConnect({ ...options, rejectUnauthorized: false, session: undefined });
    const fail = (err: Error) => {
      socket.destroy();
      cb(err);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.removeListener('error', fail);
      const fp = socket.getPeerCertificate()?.fingerprint256 ?? '';
      this.policy.seen(fp);
      const pinned = this.policy.pinned();
      if (pinned !== null) {
        if (fp.toUpperCase() !== pinned.toUpperCase())
          return fail(new PortainerError('tls_mismatch', `the server's certificate changed: fingerprint ${fp}, pinned ${pinned}`));
      } else if (!socket.authorized && !this.policy.allowUnpinned()) {
        return fail(new PortainerError('tls_mismatch', `the server's certificate is not trusted (${String(socket.authorizationError)}) and no fingerprint is pinned: test the server to pin ${fp}`));
      }
      cb(null, socket);
    });
    return undefined;
  }
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** Network failures -> PortainerError kinds. */
export function networkError(err: unknown, url: string): PortainerError {
  if (err instanceof PortainerError) return err;
  const e = err as NodeJS.ErrnoException;
  return new PortainerError('unreachable', `${url}: ${e.code ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' ').trim(), { cause: err });
}

export class HttpLayer {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly base: URL;
  constructor(url: string, policy: TlsPolicy) {
    this.base = new URL(url);
    this.agent = this.base.protocol === 'https:' ? new PinningAgent(policy) : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  /** Starts a request; resolves with the response head once it arrives (within the deadline). */
  open(spec: RequestSpec): Promise<{ res: IncomingMessage; abort: () => void; clearDeadline: () => void; timedOut: () => boolean }> {
    const target = new URL(spec.path, this.base);
    const doRequest = this.base.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(target, { method: spec.method, agent: this.agent, headers: { ...spec.headers, ...(spec.body !== undefined ? { 'content-length': String(Buffer.byteLength(spec.body)) } : {}) } });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new PortainerError('timeout', `${spec.method} ${target.pathname}: no answer within ${spec.timeoutMs} ms`));
      }, spec.timeoutMs);
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(timedOut && !(err instanceof PortainerError) ? new PortainerError('timeout', `${spec.method} ${target.pathname}: no answer within ${spec.timeoutMs} ms`) : networkError(err, this.base.origin));
      });
      req.once('response', (res) => resolve({ res, abort: () => req.destroy(), clearDeadline: () => clearTimeout(timer), timedOut: () => timedOut }));
      req.end(spec.body);
    });
  }

  /** A whole request: head and body within the deadline. */
  async send(spec: RequestSpec, maxBytes = 64 * 1024 * 1024): Promise<RawResponse> {
    const { res, abort, clearDeadline, timedOut } = await this.open(spec);
    const late = () => new PortainerError('timeout', `${spec.method} ${spec.path}: the answer did not end within ${spec.timeoutMs} ms`);
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      await new Promise<void>((resolve, reject) => {
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            abort();
            reject(new PortainerError('bad_response', `${spec.path}: answer larger than ${maxBytes} bytes`));
          } else chunks.push(c);
        });
        res.once('end', resolve);
        res.once('error', (err) => reject(timedOut() ? late() : err instanceof PortainerError ? err : networkError(err, this.base.origin)));
        res.once('close', () => (res.complete ? resolve() : reject(timedOut() ? late() : new PortainerError('unreachable', `${spec.path}: the answer was cut`))));
      });
      return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
    } finally {
      clearDeadline();
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
