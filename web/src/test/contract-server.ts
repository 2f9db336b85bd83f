/**
 * A real HTTP server on 127.0.0.1 that answers the dashboard API contract (src/contract/)
 * from in-memory state, so component tests exercise the UI's real HTTP client end to end. It is not the
 * product's server (that one is tested by the integration and E2E suites); it follows the same shapes,
 * error format ({error, message}) and auth rules (Bearer token, 401, roles). Every answer is checked against the
 * schema its real route declares (contract-schemas.ts): one that does not fit is answered as a 500 instead and kept
 * in `violations`, which the harness's teardown turns into a failure of the test that caused it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, CollectResult, DockerContainer, DockerHostSummary, Host, LogLine, Role, Task } from '../../../src/core/types';
import type { CapturedLine, HealthDetails, PortainerEndpoint, PortainerServer } from '../api/api';
import { Value } from '@sinclair/typebox/value';
import { HostPatchBody } from '../../../src/contract/hosts';
import { contractViolation } from './contract-schemas';

interface Account { id: number; username: string; password: string; role: Role }

export class ContractServer {
  accounts: Account[] = [
    { id: 1, username: 'admin', password: 'admin-pass', role: 'admin' },
    { id: 2, username: 'op', password: 'op-pass', role: 'operator' },
    { id: 3, username: 'viewer', password: 'viewer-pass', role: 'viewer' },
  ];
  hosts: Host[] = [];
  dockerHosts: DockerHostSummary[] = [];
  containers = new Map<number, DockerContainer[]>();
  logs = new Map<string, LogLine[]>();
  alerts: Alert[] = [];
  tasks: Task[] = [];
  portainerServers: PortainerServer[] = [];
  portainerEndpoints = new Map<number, PortainerEndpoint[]>();
  capturedLines: CapturedLine[] = [];
  /** What GET /api/health/details answers (the health page). */
  healthDetails: HealthDetails = { portainer_servers: [], docker_hosts: [], generated_at: '2026-01-10T10:00:00.000Z' };
  /** Tokens the server no longer accepts (an expired session). */
  revoked = new Set<string>();
  /** Paths that answer an error instead (status and `{error, message}`), to see how the UI shows it. */
  failures = new Map<string, { status: number; error: string; message: string }>();
  /** What "collect now" answers for a host (by default: a clean collection of its containers). */
  collectResults = new Map<number, Partial<CollectResult>>();
  /** Answers that did not fit the real route's schema (see contract-schemas.ts). */
  violations: string[] = [];
  requests: { method: string; url: string; body: unknown; auth: string | undefined }[] = [];
  private server: http.Server | null = null;
  private tokenSeq = 0;
  private tokens = new Map<string, Account>();
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** A valid token for a user, as if they had logged in. */
  tokenFor(username: string): string {
    const acc = this.accounts.find((a) => a.username === username)!;
    const token = `tok-${++this.tokenSeq}-${acc.username}`;
    this.tokens.set(token, acc);
    return token;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    this.requests.push({ method, url: url.pathname + url.search, body, auth: req.headers.authorization });
    const send = (status: number, data: unknown) => {
      // Checked as the client will read it (JSON), not as the object the handler holds.
      const wire = JSON.parse(JSON.stringify(data)) as unknown;
      const violation = contractViolation(method, url.pathname, status, wire);
      if (violation) this.violations.push(violation);
      res.writeHead(violation ? 500 : status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(violation ? { error: 'contract_violation', message: violation } : data));
    };
    if (method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-allow-methods': 'GET, POST, PATCH, DELETE' });
      return void res.end();
    }
    const p = url.pathname;
    if (method === 'POST' && p === '/api/auth/login') {
      const acc = this.accounts.find((a) => a.username === body?.username && a.password === body?.password);
      if (!acc) return send(401, { error: 'invalid_credentials', message: 'Invalid username or password' });
      return send(200, { access_token: this.tokenFor(acc.username), token_type: 'bearer', expires_in: 3600 });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const acc = this.tokens.get(token);
    if (!acc || this.revoked.has(token)) return send(401, { error: 'unauthorized', message: 'Missing, invalid or expired token' });
    const need = (role: Role) => {
      const rank = { viewer: 0, operator: 1, admin: 2 };
      if (rank[acc.role] < rank[role]) {
        send(403, { error: 'forbidden', message: `This needs the ${role} role` });
        return false;
      }
      return true;
    };

    const failure = this.failures.get(p);
    if (failure) return send(failure.status, { error: failure.error, message: failure.message });
    let m: RegExpMatchArray | null;
    if (p === '/api/auth/me') return send(200, { id: acc.id, username: acc.username, role: acc.role });
    if (p === '/api/auth/logout' && method === 'POST') {
      this.revoked.add(token);
      res.writeHead(204, { 'access-control-allow-origin': '*' });
      return void res.end();
    }
    if (p === '/api/hosts' && method === 'GET') return send(200, { hosts: this.hosts });
    if ((m = p.match(/^\/api\/hosts\/(\d+)$/)) && method === 'PATCH') {
      if (!need('admin')) return;
      const i = this.hosts.findIndex((h) => h.id === Number(m![1]));
      if (i < 0) return send(404, { error: 'not_found', message: 'No such host' });
      // The real route's body schema: the UI must send what the server accepts.
      if (!Value.Check(HostPatchBody, body)) return send(422, { error: 'validation_failed', message: [...Value.Errors(HostPatchBody, body)].map((e) => `${e.path} ${e.message}`).join('; ') });
      this.hosts[i] = { ...this.hosts[i]!, ...(body as object), updated_at: new Date().toISOString() };
      return send(200, this.hosts[i]);
    }
    if (p === '/api/docker/hosts') return send(200, { hosts: this.dockerHosts });
    if (p === '/api/alerts' || p === '/api/docker/alerts') {
      const st = url.searchParams.get('state') ?? 'open';
      const list = this.alerts.filter((a) => st === 'all' || (st === 'open' ? a.state !== 'closed' : a.state === st));
      return send(200, { alerts: list });
    }
    if (p === '/api/tasks') return send(200, { tasks: this.tasks });
    if ((m = p.match(/^\/api\/docker\/hosts\/(\d+)\/collect$/)) && method === 'POST') {
      if (!need('operator')) return;
      return send(200, this.collectResult(Number(m[1])));
    }
    if ((m = p.match(/^\/api\/docker\/hosts\/(\d+)\/containers$/))) return send(200, { containers: this.containers.get(Number(m[1])) ?? [] });
    if ((m = p.match(/^\/api\/docker\/hosts\/(\d+)\/(images|volumes|networks|events|stats)$/))) return send(200, { [m[2]]: [] });
    if ((m = p.match(/^\/api\/docker\/containers\/(\d+)\/([^/]+)\/logs$/))) {
      const lines = this.logs.get(decodeURIComponent(m[2])) ?? [];
      return send(200, { lines: lines.slice(-Number(url.searchParams.get('tail') ?? 200)) });
    }
    if ((m = p.match(/^\/api\/docker\/containers\/(\d+)\/([^/]+)\/(start|stop|restart|pause|unpause|kill|remove|redeploy)$/)) && method === 'POST') {
      const action = m[3];
      if (!need(action === 'remove' ? 'admin' : 'operator')) return;
      const list = this.containers.get(Number(m[1])) ?? [];
      const c = list.find((x) => x.container_id === decodeURIComponent(m![2]) || x.name === decodeURIComponent(m![2]));
      if (!c) return send(404, { error: 'not_found', message: 'No such container' });
      if (action === 'redeploy' && !c.compose_project) return send(409, { error: 'not_compose', message: `${c.name} is not part of a compose project: nothing to redeploy` });
      const next: Record<string, string> = { start: 'running', stop: 'exited', restart: 'running', pause: 'paused', unpause: 'running', kill: 'exited', redeploy: 'running' };
      const updated = action === 'remove' ? null : { ...c, state: next[action] };
      this.containers.set(Number(m[1]), updated ? list.map((x) => (x === c ? updated : x)) : list.filter((x) => x !== c));
      return send(200, { success: true, task_id: 99, container: updated });
    }
    if ((m = p.match(/^\/api\/docker\/alerts\/(\d+)\/ack$/)) && method === 'POST') {
      if (!need('operator')) return;
      const a = this.alerts.find((x) => x.id === Number(m![1]));
      if (!a) return send(404, { error: 'not_found', message: 'No such alert' });
      Object.assign(a, { state: 'acknowledged', acknowledged_by: acc.username, acknowledged_at: new Date().toISOString(), ack_comment: body?.comment ?? null });
      return send(200, a);
    }
    if (p.startsWith('/api/portainer/')) return this.portainer(method, p, body, need, send, res);
    if (p === '/api/logs') return send(200, { lines: this.searchLogs(url.searchParams) });
    if ((m = p.match(/^\/api\/docker\/containers\/(\d+)\/([^/]+)\/settings$/)) && method === 'PATCH') {
      if (!need('operator')) return;
      const hostId = Number(m[1]);
      const c = (this.containers.get(hostId) ?? []).find((x) => x.container_id === decodeURIComponent(m![2]));
      if (!c) return send(404, { error: 'not_found', message: 'No such container' });
      c.log_capture = body?.log_capture;
      return send(200, { host_id: hostId, container_name: c.name, log_capture: c.log_capture });
    }
    if (p === '/api/health/details') return send(200, this.healthDetails);
    if (p === '/api/silences') return send(200, { silences: [] });
    if (p === '/api/settings/ssh') return send(200, { user: 'automation', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest homelab@test' });
    return send(404, { error: 'not_found', message: `no route ${method} ${p}` });
  }

  private collectResult(hostId: number): CollectResult {
    const list = this.containers.get(hostId) ?? [];
    return {
      host_id: hostId, docker_status: 'online', docker_version: '28.5.1', containers: list.length,
      running: list.filter((c) => c.state === 'running').length, images: 0, volumes: 0, networks: 0, inspected: 0,
      round_trips: 1, duration_ms: 120, errors: [], ...this.collectResults.get(hostId),
    };
  }

  private searchLogs(q: URLSearchParams): CapturedLine[] {
    const words = (q.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    return this.capturedLines.filter((l) => words.every((w) => l.text.toLowerCase().includes(w))
      && (!q.get('host_id') || l.host_id === Number(q.get('host_id')))
      && (!q.get('container') || l.container_name === q.get('container'))
      && (!q.get('stream') || l.stream === q.get('stream'))
      && (!q.get('since') || l.ts >= q.get('since')!)
      && (!q.get('until') || l.ts <= q.get('until')!));
  }

  private portainer(method: string, p: string, body: any, need: (r: Role) => boolean, send: (s: number, d: unknown) => void, res: http.ServerResponse): void {
    if (p === '/api/portainer/servers' && method === 'GET') return send(200, { servers: this.portainerServers });
    if (p === '/api/portainer/servers' && method === 'POST') {
      if (!need('admin')) return;
      const { password: _p, api_key, ...rest } = body ?? {};
      const id = Math.max(0, ...this.portainerServers.map((x) => x.id)) + 1;
      const srv: PortainerServer = { id, name: rest.name, url: rest.url, auth: api_key ? 'api_key' : 'password', username: rest.username ?? null,
        tls_fingerprint: rest.tls_fingerprint ?? null, default_group: rest.default_group ?? null, sync_mode: rest.sync_mode ?? 'create_and_update',
        sync_interval_s: rest.sync_interval_s ?? 60, enabled: rest.enabled ?? true, status: 'unknown', status_reason: null, version: null,
        instance_id: null, last_sync_at: null, last_sync_ms: null, endpoints_total: null, endpoints_up: null, host_count: 0,
        created_at: '2026-01-10T10:00:00.000Z', updated_at: '2026-01-10T10:00:00.000Z' };
      this.portainerServers.push(srv);
      return send(201, srv);
    }
    const m = p.match(/^\/api\/portainer\/servers\/(\d+)(?:\/(test|sync|endpoints))?$/);
    const srv = m && this.portainerServers.find((x) => x.id === Number(m[1]));
    if (!m || !srv) return send(404, { error: 'not_found', message: 'No such Portainer server' });
    const sub = m[2];
    if (!sub && method === 'PATCH') {
      if (!need('admin')) return;
      const { password: _p, api_key, ...rest } = body ?? {};
      Object.assign(srv, rest, api_key ? { auth: 'api_key', username: null } : {});
      return send(200, srv);
    }
    if (!sub && method === 'DELETE') {
      if (!need('admin')) return;
      this.portainerServers = this.portainerServers.filter((x) => x !== srv);
      res.writeHead(204, { 'access-control-allow-origin': '*' });
      return void res.end();
    }
    if (sub === 'test' && method === 'POST') {
      if (!need('admin')) return;
      return send(200, { ok: true, version: srv.version ?? '2.27.3', instance_id: srv.instance_id ?? 'inst', endpoints: srv.endpoints_total ?? 0, tls_fingerprint: srv.tls_fingerprint });
    }
    if (sub === 'sync' && method === 'POST') {
      if (!need('operator')) return;
      return send(200, { created: 1, updated: 2, removed: 0, endpoints: 3, duration_ms: 412, errors: [] });
    }
    if (sub === 'endpoints') return send(200, { endpoints: this.portainerEndpoints.get(srv.id) ?? [] });
    return send(404, { error: 'not_found', message: `no route ${method} ${p}` });
  }
}
