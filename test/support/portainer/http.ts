// Small HTTP pieces of the Portainer simulator: Portainer's error shape (reference §1), request bodies, the features
// of a simulated version (§8) and plain calls to a real dockerd over its unix socket.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Portainer's own error (`pkg/libhttp/error`): JSON, no trailing newline, `details` = the underlying error text with
 * its first letter capitalised, or the capitalised message when there is none; each key omitted when empty.
 */
export function portainerError(res: ServerResponse, status: number, message: string, details?: string): void {
  const d = capitalise(details ?? message);
  const body: Record<string, string> = {};
  if (message) body.message = message;
  if (d) body.details = d;
  sendJson(res, status, body);
}

export function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** JSON without a trailing newline, as Portainer's encoder writes it. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Go's http.Error: text/plain, nosniff, the text plus a newline (what gorilla/csrf answers with). */
export function sendPlain(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function noContent(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(204, headers);
  res.end();
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A JSON object body whose keys are matched case-insensitively, as Go's encoding/json does for struct fields. */
export function caseless(obj: unknown): (key: string) => unknown {
  const map = new Map<string, unknown>();
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) map.set(k.toLowerCase(), v);
  }
  return (key) => map.get(key.toLowerCase());
}

/** The behaviours that depend on the simulated Portainer version (reference §8). */
export interface VersionFeatures {
  version: string;
  /** 2.17+: /api/system/status, /version, /info, /nodes. */
  systemRoutes: boolean;
  /** After 2.17.0: `ServerEdition` in the version answer. */
  serverEdition: boolean;
  /** 2.20+: the auth cookie, the CSRF check, 403 for X-API-Key together with Authorization. */
  cookieAndCsrf: boolean;
  /** 2.20+: `ContainerCount` in snapshots. */
  containerCount: boolean;
  /** 2.20.0-2.33.x: Healthy/UnhealthyContainerCount always 0 (commit 115b01c, fixed by PR #12828 in 2.34). */
  healthCountBug: boolean;
  /** 2.22+: `ContainerEngine` on endpoints, `IsPodman` in snapshots. */
  containerEngine: boolean;
  /** Through 2.33: /api/status/version and /api/status/nodes. */
  legacyStatusVersion: boolean;
}

export function versionFeatures(version: string): VersionFeatures {
  const m = /^2\.(\d+)(?:\.(\d+))?$/.exec(version);
  if (!m) throw new Error(`portainer sim: version ${JSON.stringify(version)} is not a CE 2.x version like "2.21.4"`);
  const minor = Number(m[1]);
  const patch = Number(m[2] ?? 0);
  // Below 2.16 the array query syntax and the raw snapshot differ (§4.2, §8): not simulated.
  if (minor < 16) throw new Error(`portainer sim: versions before 2.16 are not simulated (asked ${version})`);
  return {
    version: m[2] === undefined ? `${version}.0` : version,
    systemRoutes: minor >= 17,
    serverEdition: minor > 17 || (minor === 17 && patch > 0),
    cookieAndCsrf: minor >= 20,
    containerCount: minor >= 20,
    healthCountBug: minor >= 20 && minor < 34,
    containerEngine: minor >= 22,
    legacyStatusVersion: minor < 34,
  };
}

export interface DockerAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One buffered call to a real dockerd over its unix socket (for snapshots and access checks, not the proxy). */
export function dockerCall(socketPath: string, method: string, path: string, timeoutMs = 30_000): Promise<DockerAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs, headers: { Host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker ${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function dockerJson<T = any>(socketPath: string, path: string): Promise<T> {
  const r = await dockerCall(socketPath, 'GET', path);
  if (r.status !== 200) throw new Error(`docker GET ${path}: ${r.status} ${r.body.toString().trim()}`);
  return JSON.parse(r.body.toString()) as T;
}
