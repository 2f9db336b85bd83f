// A strict Portainer CE simulator for integration tests (README.md beside this file; behaviours from
// /work/shared/reference/portainer-api.md). It listens on 127.0.0.1 (random port, HTTP or HTTPS with a self-signed
// certificate) and proxies Docker environments to REAL dockerds (the lab's sockets).
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SimCore, type PortainerSimOptions, type RequestRecord } from './core.js';
import type { SimEndpoint, SimEndpointSpec } from './endpoints.js';
import { handle } from './routes.js';
import { makeCertificate } from './tls.js';

export type { PortainerSimOptions, RequestRecord, SimUserSpec } from './core.js';
export type { EndpointType, SimEndpointSpec } from './endpoints.js';
export type { SimStack } from './proxy.js';

export interface PortainerSim {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  url: string;
  /** The simulated version, normalised ("2.21.4"). */
  version: string;
  /** HTTPS only: the current certificate's SHA-256 fingerprint ("AB:CD:…") and PEM. */
  fingerprint256?: string;
  certificatePem?: string;
  instanceId: string;
  /** Raw API keys created at start or by createApiKey(), by user name (the last one per user). */
  apiKeys: Map<string, string>;
  /** Successful logins, and every POST /api/auth (refused and banned ones too). */
  readonly logins: number;
  readonly loginAttempts: number;
  /** Every request with the credentials it carried, in arrival order (status filled when answered). */
  requests: RequestRecord[];
  /** Calls forwarded to a real dockerd. */
  upstream: Array<{ endpointId: number; method: string; target: string }>;
  resetCounters(): void;
  /** What a Portainer restart does: every JWT and CSRF session dies, the rate limiter forgets, connections drop. */
  restart(): Promise<void>;
  /** The engine stops answering; Status becomes 2 unless `keepStatus` (Status lags until the next snapshot). */
  setEndpointDown(id: number, opts?: { keepStatus?: boolean }): void;
  /** The engine answers again; a snapshot is taken (Status 1). */
  setEndpointUp(id: number): Promise<void>;
  /** Take a snapshot now, as the 5-minute loop would; false when it failed (Status 2, old snapshot kept). */
  snapshot(id: number): Promise<boolean>;
  addEndpoint(spec: SimEndpointSpec): Promise<number>;
  removeEndpoint(id: number): void;
  endpoint(id: number): SimEndpoint;
  createApiKey(username: string, description?: string): string;
  addUser(username: string, password: string, role: 'admin' | 'standard'): number;
  deleteUser(username: string): void;
  /** Password change: every JWT of that user issued before now is refused (TokenIssueAt). */
  changePassword(username: string, password: string): void;
  setLatestVersion(v: string): void;
  /** HTTPS only: a new self-signed certificate; open connections are closed so clients meet it. */
  rotateCertificate(): Promise<string>;
  /** Shift the simulator's clock (JWT expiry, ban end, Edge heartbeats). */
  advanceClock(ms: number): void;
  /** Addresses banned by the login rate limiter, with when the ban ends (simulator clock, ms). */
  bans(): Array<{ ip: string; untilMs: number }>;
  resetRateLimit(): void;
  stop(): Promise<void>;
}

/**
 * Closes every open connection, then gives the clients a moment to see the FIN, so that their next request dials
 * afresh instead of racing a pooled socket that is being closed.
 */
async function dropConnections(server: Server | HttpsServer): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => setTimeout(r, 50));
}

export async function startPortainerSim(opts: PortainerSimOptions = {}): Promise<PortainerSim> {
  const core = new SimCore(opts);
  let cert = opts.https ? await makeCertificate() : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://portainer.sim');
    const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
    const rec: RequestRecord = {
      method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0, remote: req.socket.remoteAddress ?? '',
      authorization: h('authorization'), apiKey: h('x-api-key'), cookie: h('cookie'), csrfToken: h('x-csrf-token'),
    };
    core.requests.push(rec);
    res.on('finish', () => (rec.status = res.statusCode));
    handle(core, req, res, rec).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'Portainer simulator failure', details: String((e as Error)?.message ?? e) }));
      } else res.destroy();
    });
  };
  const server: Server | HttpsServer = cert ? createHttps({ cert: cert.cert, key: cert.key }, onRequest) : createHttp(onRequest);
  // Streams (logs?follow, events) must not be cut by Node's request timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  await Promise.all([...core.endpoints.values()].map((ep) => core.snapshot(ep)));

  const sim: PortainerSim = {
    url: `${cert ? 'https' : 'http'}://127.0.0.1:${port}`,
    version: core.f.version,
    fingerprint256: cert?.fingerprint256,
    certificatePem: cert?.cert,
    instanceId: core.instanceId,
    apiKeys: core.apiKeys,
    get logins() {
      return core.logins;
    },
    get loginAttempts() {
      return core.loginAttempts;
    },
    requests: core.requests,
    upstream: core.upstream,
    resetCounters() {
      core.logins = 0;
      core.loginAttempts = 0;
      core.requests.length = 0;
      core.upstream.length = 0;
    },
    async restart() {
      core.auth.restart();
      core.limiter.reset();
      await dropConnections(server);
    },
    setEndpointDown(id, o = {}) {
      const ep = core.endpoint(id);
      ep.reachable = false;
      if (!o.keepStatus) ep.status = 2;
    },
    async setEndpointUp(id) {
      const ep = core.endpoint(id);
      ep.reachable = true;
      await core.snapshot(ep);
      if (!ep.socketPath || ep.neverSnapshot) ep.status = 1;
    },
    snapshot: (id) => core.snapshot(core.endpoint(id)),
    async addEndpoint(spec) {
      const ep = core.addEndpoint(spec);
      await core.snapshot(ep);
      return ep.id;
    },
    removeEndpoint(id) {
      core.endpoint(id);
      core.endpoints.delete(id);
    },
    endpoint: (id) => core.endpoint(id),
    createApiKey: (username, description) => core.createApiKey(username, description),
    addUser: (username, password, role) => core.auth.addUser(username, password, role).id,
    deleteUser(username) {
      core.auth.users.delete(core.user(username).id);
    },
    changePassword(username, password) {
      const u = core.user(username);
      u.password = password;
      u.tokenIssueAt = core.nowS();
    },
    setLatestVersion(v) {
      core.latestVersion = v;
    },
    async rotateCertificate() {
      if (!cert) throw new Error('portainer sim: rotateCertificate() needs https: true');
      cert = await makeCertificate();
      (server as HttpsServer).setSecureContext({ cert: cert.cert, key: cert.key });
      sim.fingerprint256 = cert.fingerprint256;
      sim.certificatePem = cert.cert;
      await dropConnections(server);
      return cert.fingerprint256;
    },
    advanceClock(ms) {
      core.clockOffsetMs += ms;
    },
    bans: () => core.limiter.bans(core.now()),
    resetRateLimit: () => core.limiter.reset(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return sim;
}
