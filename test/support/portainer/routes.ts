// The routes of the Portainer simulator, in Portainer's order: the 2.20+ CSRF layer in front of everything (§2.5),
// the login rate limiter (§2.1), the bouncer, then the handlers (§2.4, §3, §4, §5, §6). Unknown routes answer like
// gorilla/mux: 404 text/plain "404 page not found".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTH_COOKIE, cookies, type SimUser } from './auth.js';
import type { RequestRecord, SimCore } from './core.js';
import { endpointJson, listEndpoints, type SimEndpoint } from './endpoints.js';
import { caseless, noContent, portainerError, readBody, sendJson, sendPlain } from './http.js';
import { proxyDocker } from './proxy.js';

type Ctx = { core: SimCore; req: IncomingMessage; res: ServerResponse; url: URL; rec: RequestRecord };

function appendCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('Set-Cookie');
  res.setHeader('Set-Cookie', [...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []), cookie]);
}

/** The CSRF layer (2.20+): false when it answered the request itself. */
function csrfLayer(c: Ctx): boolean {
  const { core, req, res } = c;
  if (!core.f.cookieAndCsrf) return true;
  let token = '';
  if (cookies(req).get(AUTH_COOKIE)) {
    const check = core.auth.csrf(req);
    if (check.setCookie) appendCookie(res, check.setCookie);
    if (check.failure) {
      sendPlain(res, 403, check.failure);
      return false;
    }
    token = check.token;
    res.setHeader('Vary', 'Cookie');
  } else if (req.headers['x-api-key'] && req.headers.authorization) {
    portainerError(res, 403, 'api key and auth header are not allowed at the same time');
    return false;
  }
  // withSendCSRFToken: every 2xx answer carries the (masked) token, empty when the check was skipped.
  const writeHead = res.writeHead.bind(res) as (...a: any[]) => ServerResponse;
  (res as any).writeHead = (status: number, ...rest: any[]) => {
    if (status >= 200 && status < 300 && !res.headersSent) res.setHeader('X-CSRF-Token', token);
    return writeHead(status, ...rest);
  };
  return true;
}

function authed(c: Ctx, adminOnly = false): SimUser | null {
  const r = c.core.auth.authenticate(c.req, c.url, c.core.f.cookieAndCsrf);
  if (!r.ok) {
    portainerError(c.res, r.status, r.message, 'Unauthorized');
    return null;
  }
  c.rec.via = r.via;
  if (adminOnly && r.user.role !== 1) {
    portainerError(c.res, 403, 'Access denied', 'Unauthorized');
    return null;
  }
  return r.user;
}

function limited(c: Ctx): boolean {
  const ip = c.req.socket.remoteAddress ?? '';
  if (c.core.limiter.inc(ip, c.core.now())) {
    portainerError(c.res, 403, 'Access denied', 'Access denied to resource');
    return true;
  }
  return false;
}

async function jsonBody(c: Ctx): Promise<{ get: (k: string) => unknown } | null> {
  const raw = (await readBody(c.req)).toString();
  try {
    return { get: caseless(JSON.parse(raw)) };
  } catch (e) {
    portainerError(c.res, 400, 'Invalid request payload', (e as Error).message);
    return null;
  }
}

async function login(c: Ctx): Promise<void> {
  const { core, res } = c;
  core.loginAttempts++;
  if (limited(c)) return;
  const body = await jsonBody(c);
  if (!body) return;
  const username = String(body.get('username') ?? '');
  const password = String(body.get('password') ?? '');
  if (!username) return portainerError(res, 400, 'Invalid request payload', 'Invalid username');
  if (!password) return portainerError(res, 400, 'Invalid request payload', 'Invalid password');
  const user = core.auth.check(username, password);
  if (!user) return portainerError(res, 422, 'Invalid credentials', 'Unauthorized');
  core.logins++;
  const { jwt, exp } = core.auth.issueJwt(user);
  if (core.f.cookieAndCsrf) appendCookie(res, `${AUTH_COOKIE}=${jwt}; Path=/; Expires=${new Date(exp * 1000).toUTCString()}; HttpOnly; SameSite=Strict`);
  sendJson(res, 200, { jwt });
}

function logout(c: Ctx): void {
  const r = c.core.auth.authenticate(c.req, c.url, c.core.f.cookieAndCsrf);
  const token = cookies(c.req).get(AUTH_COOKIE) ?? c.req.headers.authorization?.replace(/^Bearer /, '');
  const v = r.ok && token ? c.core.auth.verifyJwt(token) : null;
  if (v) c.core.auth.revoke(v.jti);
  appendCookie(c.res, `${AUTH_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Strict`);
  noContent(c.res);
}

function versionJson(c: Ctx, user: SimUser, legacy: boolean): Record<string, unknown> {
  const { core } = c;
  const cur = core.f.version;
  const latest = core.latestVersion;
  const newer = latest !== '' && latest.localeCompare(cur, undefined, { numeric: true }) > 0;
  const build: Record<string, unknown> = { BuildNumber: '1234', ImageTag: cur, NodejsVersion: '18.20.3', YarnVersion: '1.22.22', WebpackVersion: '5.88.2', GoVersion: 'go1.22.5', GitCommit: 'cc75167' };
  if (user.role === 1) build.Env = ['PORTAINER_SIM=1'];
  return {
    UpdateAvailable: newer,
    LatestVersion: latest,
    ServerVersion: cur,
    ...(core.f.serverEdition && !legacy ? { ServerEdition: 'CE' } : {}),
    DatabaseVersion: cur,
    Build: build,
  };
}

/** §4.3 / §5 environment checks, shared by inspect, snapshot and the proxy. */
function endpointOf(c: Ctx, rawId: string, user: SimUser | null): SimEndpoint | null {
  if (!/^-?\d+$/.test(rawId)) {
    portainerError(c.res, 400, 'Invalid environment identifier route variable', `strconv.Atoi: parsing ${JSON.stringify(rawId)}: invalid syntax`);
    return null;
  }
  const ep = c.core.endpoints.get(Number(rawId));
  if (!ep) {
    portainerError(c.res, 404, 'Unable to find an environment with the specified identifier inside the database', `Object not found inside the database (bucket=endpoints, key=${Number(rawId)})`);
    return null;
  }
  if (user && user.role !== 1 && !ep.access.includes(user.username)) {
    portainerError(c.res, 403, 'Permission denied to access environment', 'Access denied to environment');
    return null;
  }
  return ep;
}

function userIds(core: SimCore): Map<string, number> {
  return new Map([...core.auth.users.values()].map((u) => [u.username, u.id]));
}

function endpointsList(c: Ctx, user: SimUser): void {
  const { core } = c;
  core.touchEdge();
  const r = listEndpoints(core.visible(user), c.url.searchParams);
  if (!r.ok) return portainerError(c.res, 400, 'Invalid query parameters', r.details);
  const ids = userIds(core);
  const body = r.items.map((ep) => endpointJson(ep, core.f, core.nowS(), !r.excludeSnapshots, ids));
  sendJson(c.res, 200, body, { 'X-Total-Count': String(r.total), 'X-Total-Available': String(r.available) });
}

function stacksList(c: Ctx, user: SimUser): void {
  const { core } = c;
  const raw = c.url.searchParams.get('filters');
  let filters: { EndpointID?: number; SwarmID?: string } = {};
  if (raw) {
    try {
      filters = JSON.parse(raw);
    } catch (e) {
      return portainerError(c.res, 400, 'Invalid query parameter: filters', (e as Error).message);
    }
  }
  const seen = new Set(core.visible(user).map((e) => e.id));
  const rows = core.stacks.filter((s) => {
    if (!seen.has(s.endpointId)) return false;
    // EndpointID matches Compose stacks only; Swarm stacks need SwarmID (§6).
    if (filters.EndpointID !== undefined && (s.type !== 2 || s.endpointId !== filters.EndpointID)) return false;
    if (filters.SwarmID !== undefined && (s.type !== 1 || s.swarmId !== filters.SwarmID)) return false;
    return true;
  });
  sendJson(c.res, 200, rows.map((s) => ({
    Id: s.id, Name: s.name, Type: s.type, EndpointId: s.endpointId, SwarmId: s.swarmId ?? '', EntryPoint: 'docker-compose.yml', Env: [],
    ResourceControl: { Id: 1000 + s.id, ResourceId: `${s.endpointId}_${s.name}`, SubResourceIds: [], Type: 6, UserAccesses: [], TeamAccesses: [], Public: false, AdministratorsOnly: true, System: false },
    Status: 1, ProjectPath: `/data/compose/${s.id}`, CreationDate: 1728990000, CreatedBy: 'admin', UpdateDate: 0, UpdatedBy: '',
    AdditionalFiles: null, AutoUpdate: null, Option: null, GitConfig: null, FromAppTemplate: false, Namespace: '',
  })));
}

/** POST /api/users/{id}/tokens (§2.4): a JWT (cookie or Bearer) of that same user, never an API key. */
async function createToken(c: Ctx, user: SimUser, rawId: string): Promise<void> {
  const { core, res } = c;
  if (limited(c)) return;
  if (c.rec.via === 'api-key') return portainerError(res, 401, 'Auth not supported', 'Authentication required');
  const body = await jsonBody(c);
  if (!body) return;
  const description = String(body.get('description') ?? '');
  const password = String(body.get('password') ?? '');
  if (!description) return portainerError(res, 400, 'Invalid request payload', 'invalid description: cannot be empty');
  if (!/^\d+$/.test(rawId)) return portainerError(res, 400, 'Invalid user identifier route variable', `strconv.Atoi: parsing ${JSON.stringify(rawId)}: invalid syntax`);
  if (user.id !== Number(rawId)) return portainerError(res, 403, 'Permission denied to create user access token', 'Unauthorized');
  if (!password) return portainerError(res, 400, 'Invalid request payload', 'invalid password: cannot be empty');
  if (password !== user.password) return portainerError(res, 403, "Current password doesn't match", 'Current password does not match the password provided. Please try again');
  sendJson(res, 201, core.auth.createApiKey(user, description));
}

/** The Docker API path and query after `/docker`, without the `token` parameter the bouncer strips. */
function dockerTarget(url: URL, rest: string): string {
  if (!url.searchParams.has('token')) return `${rest}${url.search}`;
  const q = new URLSearchParams(url.searchParams);
  q.delete('token');
  const s = q.toString();
  return s ? `${rest}?${s}` : rest;
}

export async function handle(core: SimCore, req: IncomingMessage, res: ServerResponse, rec: RequestRecord): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://portainer.sim');
  const c: Ctx = { core, req, res, url, rec };
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (!csrfLayer(c)) return;
  const m = req.method ?? 'GET';
  const p = url.pathname;
  const f = core.f;
  let g: RegExpExecArray | null;
  let user: SimUser | null;

  if (p === '/api/auth' && m === 'POST') return login(c);
  if (p === '/api/auth/logout' && m === 'POST') return logout(c);
  if ((p === '/api/status' || (p === '/api/system/status' && f.systemRoutes)) && m === 'GET') {
    return sendJson(res, 200, { Version: f.version, InstanceID: core.instanceId });
  }
  if ((p === '/api/status/version' && f.legacyStatusVersion) || (p === '/api/system/version' && f.systemRoutes)) {
    if ((user = authed(c))) sendJson(res, 200, versionJson(c, user, p === '/api/status/version'));
    return;
  }
  if (p === '/api/system/info' && f.systemRoutes) {
    const agents = [...core.endpoints.values()].filter((e) => e.type === 2).length;
    if (authed(c)) sendJson(res, 200, { platform: 'Docker Standalone', edgeAgents: 0, agents });
    return;
  }
  if ((p === '/api/system/nodes' && f.systemRoutes) || (p === '/api/status/nodes' && f.legacyStatusVersion)) {
    if (authed(c)) sendJson(res, 200, { nodes: 1 });
    return;
  }
  if (p === '/api/endpoints' && m === 'GET') {
    if ((user = authed(c))) endpointsList(c, user);
    return;
  }
  if (p === '/api/endpoints/snapshot' && m === 'POST') {
    if (!authed(c, true)) return;
    // The bulk call re-snapshots but, as in 2.23, sets Status on a copy: Status stays as it was (§4.7).
    for (const ep of core.endpoints.values()) {
      const status = ep.status;
      await core.snapshot(ep);
      ep.status = status;
    }
    return noContent(res);
  }
  if ((g = /^\/api\/endpoints\/([^/]+)\/(agent\/)?docker(\/.*)?$/.exec(p))) {
    if (!(user = authed(c))) return;
    const ep = endpointOf(c, g[1]!, user);
    if (ep) await proxyDocker({ req, res, ep, user, target: dockerTarget(url, g[3] ?? '/'), stacks: core.stacks, onUpstream: (method, target) => core.upstream.push({ endpointId: ep.id, method, target }) });
    return;
  }
  if ((g = /^\/api\/endpoints\/([^/]+)\/snapshot$/.exec(p)) && m === 'POST') {
    if (!authed(c, true)) return;
    const ep = endpointOf(c, g[1]!, null);
    if (!ep) return;
    if (ep.type === 3 || ep.type === 4 || ep.type === 7) return portainerError(res, 400, 'Snapshots not supported for this environment');
    await core.snapshot(ep);
    return noContent(res);
  }
  if ((g = /^\/api\/endpoints\/([^/]+)$/.exec(p)) && m === 'GET') {
    if (!(user = authed(c))) return;
    const ep = endpointOf(c, g[1]!, user);
    core.touchEdge();
    if (ep) sendJson(res, 200, endpointJson(ep, f, core.nowS(), url.searchParams.get('excludeSnapshot') !== 'true', userIds(core)));
    return;
  }
  if (p === '/api/stacks' && m === 'GET') {
    if ((user = authed(c))) stacksList(c, user);
    return;
  }
  if ((g = /^\/api\/users\/([^/]+)\/tokens$/.exec(p)) && m === 'POST') {
    if ((user = authed(c))) await createToken(c, user, g[1]!);
    return;
  }
  if ((g = /^\/api\/users\/(\d+)\/tokens$/.exec(p)) && m === 'GET') {
    if (!(user = authed(c))) return;
    if (user.role !== 1 && user.id !== Number(g[1])) return portainerError(res, 403, 'Permission denied to get user access tokens', 'Unauthorized');
    return sendJson(res, 200, core.auth.apiKeysOf(Number(g[1])));
  }
  sendPlain(res, 404, '404 page not found');
}
