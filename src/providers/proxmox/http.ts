/**
 * The HTTP layer of the Proxmox client: node:https (fetch cannot show the peer certificate), a keep-alive agent per
 * cluster, a deadline on every request, gzip, and the certificate checked before a single byte of the request is
 * written (the agent hands the socket over only after the check), so a password or token never reaches an impostor.
 * Verification is never turned off: a pinned SHA-256 fingerprint, or a given CA, or the system's CAs — and an
 * unpinned self-signed certificate only while test() runs (trust on first use).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { ProxmoxError } from './types.js';

export interface TlsPolicy {
  pinned(): string | null;
  /** A CA to verify with (PEM), or null for the system's. */
  ca: string | null;
  /** Accept an unpinned certificate nobody vouches for (test() only). */
  allowUnpinned: boolean;
  /** The fingerprint of each certificate met (for test() to report). */
  seen(fp: string): void;
}

class PinningAgent extends HttpsAgent {
  constructor(
    private readonly policy: TlsPolicy,
    private readonly handshakeMs: number,
  ) {
    // No TLS session cache: a resumed session may carry no peer certificate to check.
    super({ keepAlive: true, maxSockets: 8, maxCachedSessions: 0 });
  }

  override createConnection(options: ConnectionOptions, cb: (err: Error | null, s?: Duplex) => void): undefined {
    const ca = this.policy.ca ?? undefined;
    const socket: TLSSocket = tlsConnect({ ...options, ...(ca ? { ca } : {}), rejectUnauthorized: false, session: undefined });
    // A peer that accepts and never completes the handshake: the socket goes, the next call dials again.
    const timer = setTimeout(() => fail(new ProxmoxError('timeout', `${String(options.host)}:${String(options.port)}: no TLS handshake within ${this.handshakeMs} ms`)), this.handshakeMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      cb(err);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      const fp = (socket.getPeerCertificate()?.fingerprint256 ?? '').toUpperCase();
      this.policy.seen(fp);
      const verdict = this.check(fp, socket);
      if (verdict) return fail(verdict);
      cb(null, socket);
    });
    return undefined;
  }

  private check(fp: string, socket: TLSSocket): ProxmoxError | null {
    const pinned = this.policy.pinned();
    if (pinned !== null) {
      return fp === pinned.toUpperCase() ? null : new ProxmoxError('tls_mismatch', `the certificate changed: fingerprint ${fp}, pinned ${pinned}`);
    }
    if (socket.authorized) return null;
    if (this.policy.ca) return new ProxmoxError('tls_mismatch', `the certificate is not signed by the given CA (${String(socket.authorizationError)}): fingerprint ${fp}`);
    if (this.policy.allowUnpinned) return null;
    return new ProxmoxError('tls_mismatch', `the certificate is not trusted (${String(socket.authorizationError)}) and no fingerprint is pinned: test the cluster to pin ${fp}`);
  }
}

export interface RawResponse {
  status: number;
  /** HTTP reason phrase: PVE puts the first line of its error message there (§0.3), the only text before 5.2.0. */
  reason: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /api2/json, with its query string. */
  path: string;
  headers: Record<string, string>;
  /** application/x-www-form-urlencoded */
  form?: string;
  timeoutMs: number;
}

/** Network failures -> ProxmoxError kinds. */
export function networkError(err: unknown, origin: string): ProxmoxError {
  if (err instanceof ProxmoxError) return err;
  const e = err as NodeJS.ErrnoException;
  return new ProxmoxError('unreachable', `${origin}: ${e.code ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' ').trim(), { cause: err });
}

const MAX_BYTES = 64 * 1024 * 1024;

export class HttpLayer {
  private readonly agent: PinningAgent;
  readonly origin: string;
  constructor(host: string, port: number, policy: TlsPolicy, handshakeMs: number) {
    this.origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.agent = new PinningAgent(policy, handshakeMs);
  }

  /**
   * One request, head and body within the deadline. A GET that meets a kept-alive socket the server had just closed
   * is sent once more on a new one; a write never is (it may have been done: no double start or backup).
   */
  async send(spec: RequestSpec): Promise<RawResponse> {
    try {
      return await this.sendOnce(spec);
    } catch (err) {
      const stale = err instanceof ProxmoxError && (err.cause as { reused?: boolean } | undefined)?.reused === true;
      if (!stale || spec.method !== 'GET') throw err;
      return this.sendOnce(spec);
    }
  }

  private sendOnce(spec: RequestSpec): Promise<RawResponse> {
    const target = new URL(`/api2/json${spec.path}`, this.origin);
    const late = () => new ProxmoxError('timeout', `${spec.method} ${target.pathname}: no answer within ${spec.timeoutMs} ms`);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip', ...spec.headers };
      if (spec.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers['content-length'] = String(Buffer.byteLength(spec.form));
      }
      const req = httpsRequest(target, { method: spec.method, agent: this.agent, headers });
      let timedOut = false;
      let settled = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(late());
        done(late());
      }, spec.timeoutMs);
      const done = (err: unknown, r?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(r!);
      };
      req.on('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) Object.assign(err, { reused: true });
        done(timedOut && !(err instanceof ProxmoxError) ? late() : networkError(err, this.origin));
      });
      req.once('response', (res) => readBody(res, target.pathname).then((r) => done(null, r), (err) => done(timedOut ? late() : err)));
      req.end(spec.form);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readBody(res: IncomingMessage, path: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BYTES) {
        res.destroy();
        reject(new ProxmoxError('failed', `${path}: answer larger than ${MAX_BYTES} bytes`));
      } else chunks.push(c);
    });
    res.once('error', (err) => reject(networkError(err, path)));
    res.once('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, body });
      } catch (err) {
        reject(new ProxmoxError('failed', `${path}: a compressed answer that does not open`, { cause: err }));
      }
    });
    res.once('close', () => {
      if (!res.complete) reject(new ProxmoxError('unreachable', `${path}: the answer was cut`));
    });
  });
}
