// The Docker proxy of the Portainer simulator (reference §5): `/api/endpoints/{id}/docker/<path>` forwarded to a REAL
// dockerd over its unix socket. Docker's answers pass through unchanged (status, headers, body, streams), except the
// container list and inspect, which Portainer parses, filters and decorates. A local-socket environment copies the
// body without flushing (Go's io.Copy into a buffered ResponseWriter), so a stream reaches the client in ~4 KB lumps;
// an agent environment goes through a reverse proxy that flushes at once.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SimUser } from './auth.js';
import type { SimEndpoint } from './endpoints.js';
import { dockerCall, portainerError } from './http.js';

export interface SimStack {
  id: number;
  name: string;
  /** 1 Swarm, 2 Compose. */
  type: 1 | 2;
  endpointId: number;
  swarmId?: string;
}

export interface ProxyContext {
  req: IncomingMessage;
  res: ServerResponse;
  ep: SimEndpoint;
  user: SimUser;
  /** Docker API path after `/docker`, with its query (the `token` parameter already removed). */
  target: string;
  stacks: SimStack[];
  onUpstream?: (method: string, target: string) => void;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authorization']);
/** Go's connection write buffer: what a non-flushing copy holds back before the client sees a byte. */
const GO_WRITE_BUFFER = 4096;

const denied = (res: ServerResponse) => {
  const body = '{"message":"access denied to resource"}';
  res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

/** The engine cannot be reached: socket environments answer Portainer's 500, agent/tcp ones a bare 502 (§5). */
function unreachable(ctx: ProxyContext, cause: string): void {
  if (ctx.ep.type === 1) {
    portainerError(ctx.res, 500, 'Unable to proxy the request via the Docker socket', cause);
  } else {
    ctx.res.writeHead(502, { 'Content-Length': '0' });
    ctx.res.end();
  }
}

export async function proxyDocker(ctx: ProxyContext): Promise<void> {
  const { ep, res } = ctx;
  if (ep.type === 4) {
    if (!ep.socketPath) return portainerError(res, 500, 'No Edge agent registered with the environment', 'No agent available');
    if (!ep.reachable) return portainerError(res, 500, 'Unable to get the active tunnel', 'No tunnel available for this environment');
  }
  if (ep.type !== 1 && ep.type !== 2 && ep.type !== 4) return portainerError(res, 500, 'Unable to create proxy', 'Unsupported environment type');
  if (!ep.socketPath || !ep.reachable) return unreachable(ctx, `dial unix ${ep.socketPath ?? '/var/run/docker.sock'}: connect: connection refused`);

  const url = new URL(ctx.target, 'http://docker');
  // An optional API version prefix is allowed and ignored for routing (§5).
  const route = url.pathname.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
  const method = ctx.req.method ?? 'GET';
  const admin = ctx.user.role === 1;
  const granted = new Set(ep.grants[ctx.user.username] ?? []);

  if (!admin && /^\/(containers|volumes|images|networks)\/prune$/.test(route)) return denied(res);
  const one = /^\/containers\/([^/]+)(\/.*)?$/.exec(route);
  const ref = one && one[1] !== 'json' && one[1] !== 'create' && one[1] !== 'prune' ? decodeURIComponent(one[1]!) : null;
  if (!admin && ref) {
    const name = await containerName(ep.socketPath, ref).catch(() => undefined);
    if (name === undefined) return unreachable(ctx, `dial unix ${ep.socketPath}: connect: connection refused`);
    // Unknown containers fall through to Docker's own 404.
    if (name !== null && !granted.has(name)) return denied(res);
  }
  if (method === 'GET' && (route === '/containers/json' || (ref && one![2] === '/json'))) {
    return decorated(ctx, route === '/containers/json', admin, granted);
  }
  return stream(ctx);
}

/** The container's name without the leading '/', null when Docker does not know it. */
async function containerName(socketPath: string, ref: string): Promise<string | null> {
  const r = await dockerCall(socketPath, 'GET', `/containers/${encodeURIComponent(ref)}/json`);
  if (r.status === 404) return null;
  return String(JSON.parse(r.body.toString()).Name ?? '').replace(/^\//, '');
}

function resourceControl(ctx: ProxyContext, c: any, granted: Set<string>): Record<string, unknown> | null {
  const project = c.Labels?.['com.docker.compose.project'] ?? c.Config?.Labels?.['com.docker.compose.project'];
  const stack = ctx.stacks.find((s) => s.endpointId === ctx.ep.id && s.type === 2 && s.name === project);
  const base = { SubResourceIds: [], TeamAccesses: [], Public: false, System: false };
  if (stack) return { Id: 1000 + stack.id, ResourceId: `${ctx.ep.id}_${stack.name}`, Type: 6, UserAccesses: [], AdministratorsOnly: true, ...base };
  const name = String(c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '');
  if (granted.has(name)) return { Id: 2000, ResourceId: c.Id, Type: 1, UserAccesses: [{ UserId: ctx.user.id, AccessLevel: 1 }], AdministratorsOnly: false, ...base };
  return null;
}

/** GET /containers/json and /containers/{id}/json: parsed, filtered for non-admins, decorated, re-serialised. */
async function decorated(ctx: ProxyContext, list: boolean, admin: boolean, granted: Set<string>): Promise<void> {
  const { ep, res } = ctx;
  ctx.onUpstream?.('GET', ctx.target);
  let r;
  try {
    r = await dockerCall(ep.socketPath!, 'GET', ctx.target);
  } catch (e) {
    return unreachable(ctx, (e as Error).message);
  }
  const headers = passHeaders(r.headers);
  if (r.status !== 200) {
    res.writeHead(r.status, headers);
    res.end(r.body);
    return;
  }
  const decorate = (c: any) => {
    const rc = resourceControl(ctx, c, granted);
    const extra: Record<string, unknown> = {};
    if (rc) extra.ResourceControl = rc;
    if (ep.type === 2 && list) extra.Agent = { NodeName: ep.agentNode };
    return Object.keys(extra).length ? { ...c, Portainer: extra } : c;
  };
  let out: unknown;
  const parsed = JSON.parse(r.body.toString());
  if (list) {
    const visible = admin ? parsed : (parsed as any[]).filter((c) => granted.has(String(c.Names?.[0] ?? '').replace(/^\//, '')));
    out = (visible as any[]).map(decorate);
  } else {
    out = decorate(parsed);
  }
  const text = JSON.stringify(out);
  delete headers['content-encoding'];
  res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function passHeaders(h: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

/** Everything else: method, path, query, headers and body to the engine, the answer streamed back as it comes. */
function stream(ctx: ProxyContext): Promise<void> {
  const { req, res, ep } = ctx;
  return new Promise((resolve) => {
    const headers = passHeaders(req.headers);
    headers.host = 'unixsocket';
    if (ep.type === 2) {
      // What Portainer signs agent requests with; dockerd ignores them.
      headers['x-portaineragent-publickey'] = 'portainer-sim-public-key';
      headers['x-portaineragent-signature'] = 'portainer-sim-signature';
    }
    ctx.onUpstream?.(req.method ?? 'GET', ctx.target);
    const up = request({ socketPath: ep.socketPath, method: req.method, path: ctx.target, headers }, (ans) => {
      res.writeHead(ans.statusCode ?? 502, passHeaders(ans.headers));
      const flushAtOnce = ep.type !== 1;
      let held: Buffer[] = [];
      let heldLen = 0;
      ans.on('data', (c: Buffer) => {
        if (flushAtOnce) return void res.write(c);
        held.push(c);
        heldLen += c.length;
        if (heldLen >= GO_WRITE_BUFFER) {
          res.write(Buffer.concat(held));
          held = [];
          heldLen = 0;
        }
      });
      ans.on('end', () => {
        if (heldLen) res.write(Buffer.concat(held));
        res.end();
        resolve();
      });
      ans.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    up.on('error', (e) => {
      if (!res.headersSent) unreachable(ctx, (e as Error).message);
      else res.destroy();
      resolve();
    });
    // A client that goes away (logs?follow, events) ends the upstream call too.
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
}
