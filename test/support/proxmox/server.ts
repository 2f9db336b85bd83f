import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { major, paramError, PveError, versionAtLeast, type AuthInfo, type Params, type Routes, type Sim } from './core.js';
import { matchPath, validate, type MethodSchema } from './schema.js';

/**
 * The request pipeline, in pve-http-server / pve-manager HTTPServer.pm order (reference §0, §1):
 * method and body checks → auth handler (ticket or token, CSRF on writes) → handler lookup (501) → duplicate URI
 * parameters → allowtoken (403) → permission check (403) → proxy to the node (500 unknown, 595 offline) →
 * parameter validation (400) → the handler. Every 401 is answered after the configured delay (PVE: 3 s).
 */

export interface RequestRecord {
  method: string;
  path: string;
  /** the matched schema path, e.g. `/nodes/{node}/qemu/{vmid}/status/start` (unset when refused before routing) */
  template?: string;
  /** the credentials presented (even if refused) */
  auth: AuthInfo['kind'];
  csrfSent: boolean;
  status: number;
}

const NO_AUTH = new Set(['GET /access/domains', 'GET /access/ticket', 'POST /access/ticket']);

export function createHandler(sim: Sim, routes: Routes, records: RequestRecord[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const path = url.pathname.replace(/^\/api2\/json/, '') || '/';
    const record: RequestRecord = {
      method,
      path,
      auth: 'none',
      csrfSent: req.headers.csrfpreventiontoken !== undefined,
      status: 200,
    };
    records.push(record);
    let total: number | undefined;
    try {
      if (!url.pathname.startsWith('/api2/json/')) throw new PveError(501, `Method '${method} ${url.pathname}' not implemented`);
      if (method === 'HEAD') throw new PveError(501, `method 'HEAD' not available`);
      if ((method === 'GET' || method === 'DELETE') && body.length > 0) {
        throw new PveError(501, `Unexpected content for method '${method}'`);
      }
      const params = { ...parseBody(req, body), ...Object.fromEntries(url.searchParams) } as Params;
      // what the client presented, recorded even when it is refused
      record.auth = /(?:^|\s)PVEAPIToken[= ]/.test(req.headers.authorization ?? '') ? 'token' : ticketOf(req) ? 'ticket' : 'none';
      const auth = authenticate(sim, req, method, path);
      record.auth = auth.kind;
      const data = await dispatch(sim, routes, { method, path, params, auth, record, setTotal: (n) => (total = n) });
      send(res, 200, 'OK', JSON.stringify(total === undefined ? { data: data ?? null } : { data: data ?? null, total }), req);
    } catch (err) {
      const e = err instanceof PveError ? err : new PveError(500, (err as Error).message);
      record.status = e.status;
      if (e.status === 401) await new Promise((r) => setTimeout(r, sim.config.unauthorizedDelayMs));
      send(res, e.status, reason(e.message), errorBody(sim, e), req);
    }
  };
}

interface Call {
  method: string;
  path: string;
  params: Params;
  auth: AuthInfo;
  record: RequestRecord;
  setTotal(n: number): void;
}

async function dispatch(sim: Sim, routes: Routes, call: Call): Promise<unknown> {
  const { method, path, auth } = call;
  const match = matchPath(path);
  const schema = match?.methods[method];
  const handler = match && routes[`${method} ${match.template}`];
  if (!match || !schema || !handler) throw new PveError(501, `Method '${method} ${path}' not implemented`);
  call.record.template = match.template;
  for (const k of Object.keys(call.params).sort()) {
    if (match.uriParams[k] !== undefined && String(call.params[k]) !== match.uriParams[k]) {
      throw paramError({ [k]: 'duplicate parameter (already defined in URI) with conflicting values!' });
    }
  }
  const params: Params = { ...call.params, ...match.uriParams };
  if (auth.kind === 'token' && !schema.allowtoken) {
    throw new PveError(403, `Permission check failed (URI '${path}' not available with API token, need proper ticket.\n)`);
  }
  checkPermissions(sim, schema, match.template, params, auth);
  if (schema.proxyto) proxyCheck(sim, String(params[schema.proxyto]));
  const errors = validate(schema, params);
  if (Object.keys(errors).length > 0) throw paramError(errors);
  return handler({ sim, params, auth, method, path, setTotal: call.setTotal });
}

function authenticate(sim: Sim, req: IncomingMessage, method: string, path: string): AuthInfo {
  const authz = req.headers.authorization ?? '';
  const tokenValue = /(?:^|\s)PVEAPIToken[= ]([^;]+)/.exec(authz)?.[1]?.trim();
  if (NO_AUTH.has(`${method} ${path}`)) return { userid: null, kind: tokenValue ? 'token' : 'none' };
  const newTexts = versionAtLeast(sim.config.version, '9.1.5');
  if (tokenValue) {
    try {
      const tokenid = sim.access.verifyToken(tokenValue);
      return { userid: tokenid.split('!')[0], tokenid, kind: 'token' };
    } catch (err) {
      throw new PveError(401, newTexts ? 'Authentication failed!' : (err as Error).message, undefined, true);
    }
  }
  const ticket = ticketOf(req);
  if (!ticket) throw new PveError(401, 'No ticket', undefined, true);
  const userid = sim.access.verifyTicket(ticket);
  if (!userid) {
    throw new PveError(401, newTexts ? 'Authentication failed!' : 'permission denied - invalid PVE ticket', undefined, true);
  }
  const csrf = req.headers.csrfpreventiontoken;
  if (method !== 'GET' && !sim.access.verifyCsrf(userid, Array.isArray(csrf) ? csrf[0] : csrf)) {
    throw new PveError(401, 'Permission denied - invalid csrf token', undefined, true);
  }
  return { userid, kind: 'ticket' };
}

function ticketOf(req: IncomingMessage): string | undefined {
  const cookie = /(?:^|;\s*)PVEAuthCookie=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  const header = /^PVEAuthCookie=(.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const raw = cookie ?? header;
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `check: ['perm', path, privs, 'any', 1]` from the schema; PVE ≤ 8 guards the guest agent with VM.Monitor */
function checkPermissions(sim: Sim, schema: MethodSchema, template: string, params: Params, auth: AuthInfo): void {
  const check = schema.permissions.check;
  if (!check || check[0] !== 'perm' || !auth.userid) return;
  const path = check[1].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]));
  let privs = [...new Set(check[2])];
  if (major(sim.config) < 9 && template.includes('/agent')) privs = ['VM.Monitor'];
  const any = check[3] === 'any';
  requirePrivs(sim, auth, path, privs, any);
}

export function requirePrivs(sim: Sim, auth: AuthInfo, path: string, privs: string[], any = false): void {
  const has = (p: string): boolean => sim.access.has(auth.userid ?? '', auth.tokenid, path, p);
  if (any) {
    if (!privs.some(has)) throw new PveError(403, `Permission check failed (${path}, ${privs.join('|')})`);
    return;
  }
  const missing = privs.find((p) => !has(p));
  if (missing) throw new PveError(403, `Permission check failed (${path}, ${missing})`);
}

/** Calls proxied to a node: an unknown name fails the lookup, an offline node answers 595 with an empty body. */
export function proxyCheck(sim: Sim, node: string): void {
  const n = sim.state.nodes.find((x) => x.name === node);
  if (!n && node !== 'localhost') {
    throw new PveError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  }
  if (n && !n.online) throw new PveError(595, 'No route to host', undefined, true);
}

function errorBody(sim: Sim, e: PveError): string {
  if (e.emptyBody) return '';
  const message = e.message.endsWith('\n') ? e.message : `${e.message}\n`;
  const body: Record<string, unknown> = sim.config.errorMessages
    ? { data: null, ...(e.errors ? { errors: e.errors } : {}), message }
    : { ...(e.errors ? { errors: e.errors } : {}), data: null };
  return JSON.stringify(body);
}

/** The reason phrase is the message's first line (HTTP forbids the rest). */
const reason = (message: string): string => message.split('\n')[0].replace(/[^\t\x20-\x7e]/g, '?');

function send(res: ServerResponse, status: number, phrase: string, body: string, req: IncomingMessage): void {
  const headers: Record<string, string> = {};
  let payload: Buffer = Buffer.from(body);
  if (body !== '') headers['Content-Type'] = 'application/json;charset=UTF-8';
  if (payload.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    payload = gzipSync(payload);
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = String(payload.length);
  // PVE turns keep-alive off for status codes >= 400
  if (status >= 400) headers.Connection = 'close';
  res.writeHead(status, phrase, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(req: IncomingMessage, body: Buffer): Params {
  if (body.length === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new PveError(400, 'malformed JSON string');
    }
    const out: Params = {};
    for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
      out[k] = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  }
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}
