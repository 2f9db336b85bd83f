/**
 * The client of one Portainer server (reference §2-§5). Auth: an API key as `X-API-Key`, else one `POST /api/auth`
 * whose JWT goes as `Authorization: Bearer` — never both headers, and no cookie jar (Portainer's `portainer_api_key`
 * cookie would turn every write into a CSRF 403, §2.5). A 401 on a JWT means Portainer restarted (every JWT dies):
 * one login again and one retry, then the call fails `auth`. Logins are single-flight (concurrent calls share one)
 * and a refused login is not retried for a while: more than 10 logins in a second ban our address for an hour.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { DockerEngine } from '../docker/engine.js';
import { PortainerEngine } from './engine.js';
import { HttpLayer, type RawResponse, type TlsPolicy } from './http.js';
import { endpointsFromApi, portainerError, statusFromApi } from './mapping.js';
import { type PortainerApi, type PortainerClientOptions, type PortainerEndpoint, PortainerError, type PortainerStatus } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** After a refused login, calls fail with that refusal for this long instead of logging in again. */
const LOGIN_BACKOFF_MS = 15_000;

export interface ProxyAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxyStreamHandlers {
  onData(chunk: Buffer): void;
  /** Exactly once: the body ended (err unset), was closed by close(), or was lost (err set). */
  onEnd(err?: Error): void;
}

/** An open stream (2xx: handlers receive the body), or the whole answer of a refusal (handlers are not called). */
export type ProxyStreamResult = { ok: true; status: number; headers: IncomingHttpHeaders; close(): void } | ({ ok: false } & ProxyAnswer);

/** The Docker Engine API of one environment, through `/api/endpoints/{id}/docker` (what PortainerEngine talks to). */
export interface DockerProxy {
  call(method: string, path: string, o?: { timeoutMs?: number; maxBytes?: number }): Promise<ProxyAnswer>;
  stream(path: string, h: ProxyStreamHandlers, o?: { timeoutMs?: number }): Promise<ProxyStreamResult>;
}

export class PortainerClient implements PortainerApi {
  private readonly http: HttpLayer;
  private pinned: string | null;
  private lastSeen: string | null = null;
  private jwt: string | null = null;
  private login: Promise<string> | null = null;
  private loginRefusal: { until: number; err: PortainerError } | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly opts: PortainerClientOptions) {
    this.pinned = opts.tlsFingerprint ? opts.tlsFingerprint.toUpperCase() : null;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.http = new HttpLayer(opts.url, this.policy(false));
  }

  private policy(allowUnpinned: boolean): TlsPolicy {
    return { pinned: () => this.pinned, allowUnpinned: () => allowUnpinned, seen: (fp) => (this.lastSeen = fp) };
  }

  /** The certificate pinned now (the one given, or the one test() pinned). */
  get fingerprint(): string | null {
    return this.pinned;
  }

  async test(): Promise<PortainerStatus & { fingerprint: string | null }> {
    // Its own connection, the only one allowed to meet an unpinned self-signed certificate.
    const probe = new HttpLayer(this.opts.url, this.policy(true));
    try {
      this.lastSeen = null;
      const st = await this.statusVia(probe);
      const fingerprint = this.opts.url.startsWith('https:') ? (this.lastSeen ?? this.pinned) : null;
      if (this.pinned === null && fingerprint) this.pinned = fingerprint.toUpperCase();
      return { ...st, fingerprint };
    } finally {
      probe.close();
    }
  }

  status(): Promise<PortainerStatus> {
    return this.statusVia(this.http);
  }

  /** §3 recipe: `/api/system/status` (2.17+), on 404 `/api/status`. Public routes: no credentials sent. */
  private async statusVia(layer: HttpLayer): Promise<PortainerStatus> {
    for (const path of ['/api/system/status', '/api/status']) {
      const r = await layer.send({ method: 'GET', path, headers: { accept: 'application/json' }, timeoutMs: this.timeoutMs });
      if (r.status === 404 && path !== '/api/status') continue;
      if (r.status !== 200) throw portainerError(r.status, r.body.toString());
      return statusFromApi(parseJson(r));
    }
    throw new PortainerError('bad_response', 'no status route answered');
  }

  async endpoints(): Promise<PortainerEndpoint[]> {
    const r = await this.call('GET', '/api/endpoints', { timeoutMs: Math.max(this.timeoutMs, 30_000) });
    if (r.status !== 200) throw portainerError(r.status, r.body.toString());
    return endpointsFromApi(parseJson(r));
  }

  engine(endpointId: number, hostName: string): DockerEngine {
    return new PortainerEngine(this.docker(endpointId), { hostName, timeoutMs: this.timeoutMs });
  }

  docker(endpointId: number): DockerProxy {
    const base = `/api/endpoints/${endpointId}/docker`;
    return {
      call: (method, path, o = {}) => this.call(method, base + path, o),
      stream: (path, h, o = {}) => this.openStream(base + path, h, o.timeoutMs ?? this.timeoutMs),
    };
  }

  close(): void {
    this.http.close();
  }

  // --- authenticated requests -----------------------------------------------------------------------------------

  /** One authenticated request; a 401 on a JWT logs in again once and retries once; a final 401 throws `auth`. */
  async call(method: string, path: string, o: { timeoutMs?: number; maxBytes?: number } = {}): Promise<RawResponse> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    const once = async () => {
      const { headers, jwt } = await this.credentials();
      return { jwt, r: await this.http.send({ method, path, headers: { accept: 'application/json', ...headers }, timeoutMs }, o.maxBytes) };
    };
    let { jwt, r } = await once();
    if (r.status === 401 && jwt !== null) {
      this.dropJwt(jwt);
      ({ r } = await once());
    }
    if (r.status === 401) throw portainerError(401, r.body.toString());
    return r;
  }

  private async openStream(path: string, h: ProxyStreamHandlers, timeoutMs: number): Promise<ProxyStreamResult> {
    for (let attempt = 0; ; attempt++) {
      const { headers, jwt } = await this.credentials();
      const { res, abort, clearDeadline } = await this.http.open({ method: 'GET', path, headers: { accept: 'application/json', ...headers }, timeoutMs });
      const status = res.statusCode ?? 0;
      if (status >= 300) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        clearDeadline();
        if (status === 401 && jwt !== null && attempt === 0) {
          this.dropJwt(jwt);
          continue;
        }
        if (status === 401) throw portainerError(401, Buffer.concat(chunks).toString());
        return { ok: false, status, headers: res.headers, body: Buffer.concat(chunks) };
      }
      clearDeadline();
      let ended = false;
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        h.onEnd(err);
      };
      res.on('data', (c: Buffer) => h.onData(c));
      res.once('end', () => end());
      res.once('error', (err) => end(err));
      res.once('close', () => end(res.complete ? undefined : new PortainerError('unreachable', `${path}: the stream was cut`)));
      return {
        ok: true,
        status,
        headers: res.headers,
        close: () => {
          end();
          abort();
        },
      };
    }
  }

  private async credentials(): Promise<{ headers: Record<string, string>; jwt: string | null }> {
    if (this.opts.auth.kind === 'api_key') return { headers: { 'x-api-key': this.opts.auth.apiKey }, jwt: null };
    const jwt = await this.token();
    return { headers: { authorization: `Bearer ${jwt}` }, jwt };
  }

  private dropJwt(stale: string): void {
    if (this.jwt === stale) this.jwt = null;
  }

  private token(): Promise<string> {
    if (this.jwt) return Promise.resolve(this.jwt);
    this.login ??= this.doLogin().finally(() => (this.login = null));
    return this.login;
  }

  private async doLogin(): Promise<string> {
    if (this.opts.auth.kind !== 'password') throw new PortainerError('auth', 'no password to log in with');
    if (this.loginRefusal && Date.now() < this.loginRefusal.until) throw this.loginRefusal.err;
    const body = JSON.stringify({ Username: this.opts.auth.username, Password: this.opts.auth.password });
    const r = await this.http.send({ method: 'POST', path: '/api/auth', headers: { 'content-type': 'application/json', accept: 'application/json' }, body, timeoutMs: this.timeoutMs });
    if (r.status !== 200) {
      const err = portainerError(r.status, r.body.toString(), { login: true });
      this.loginRefusal = { until: Date.now() + LOGIN_BACKOFF_MS, err };
      throw err;
    }
    const jwt = (parseJson(r) as { jwt?: unknown }).jwt;
    if (typeof jwt !== 'string' || jwt === '') throw new PortainerError('bad_response', 'the login answer has no jwt');
    // Set-Cookie is deliberately ignored: the cookie must never be sent back (§2.5).
    this.loginRefusal = null;
    this.jwt = jwt;
    return jwt;
  }
}

function parseJson(r: RawResponse): unknown {
  try {
    return JSON.parse(r.body.toString());
  } catch (err) {
    throw new PortainerError('bad_response', `an answer that is not JSON (HTTP ${r.status})`, { cause: err, status: r.status });
  }
}
