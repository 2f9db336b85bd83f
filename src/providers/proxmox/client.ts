/**
 * The client of one Proxmox VE cluster (reference §0, §1, §8; §13.2 says why a thin client of our own). Auth: an API
 * token as `Authorization: PVEAPIToken=USER@REALM!ID=SECRET` (no CSRF, nothing to renew), else a ticket from
 * `POST /access/ticket` sent as the `PVEAuthCookie` cookie, with `CSRFPreventionToken` on every write. A ticket
 * lives 2 h: it is renewed after 90 min by logging in with the ticket as the password, and a 401 on a call (PVE
 * restarted with a new key, the clock moved) drops it, logs in again once and retries once — the status is compared,
 * never the text, which changed in 9.1.5. Logins are single-flight, and a refused login is not retried for a while:
 * PVE answers every 401 only after 3 s, so a wrong password must not cost every call 3 s more.
 */
import { HttpLayer, type RawResponse, type TlsPolicy } from './http.js';
import { checkGuestType, checkNode, checkVmid, encodeParams, parseUpid, pveError, taskSucceeded, UPID_RE } from './mapping.js';
import {
  type GuestPowerAction,
  type GuestType,
  type Params,
  type ProxmoxApi,
  type ProxmoxClientOptions,
  ProxmoxError,
  type ProxmoxProbe,
  type PveClusterStatusEntry,
  type PveGuestListEntry,
  type PveGuestStatus,
  type PveNodeListEntry,
  type PveNodeStatus,
  type PveNodeStorage,
  type PveResource,
  type PveTaskResult,
  type PveTaskStatus,
  type PveVersion,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Every 401 arrives after PVE's 3 s delay (§0.5): a shorter deadline would report a refused login as a timeout. */
export const MIN_TIMEOUT_MS = 5_000;
/** Renew well before PVE's 2 h (the reference suggests 60–90 min). */
export const TICKET_RENEW_AFTER_MS = 90 * 60_000;
/** Past this age the ticket cannot be renewed with itself: a login with the password. */
const TICKET_DEAD_AFTER_MS = 115 * 60_000;
/** After a refused login, calls fail with that refusal for this long instead of logging in again. */
export const LOGIN_BACKOFF_MS = 15_000;
const POWER_ACTIONS: readonly GuestPowerAction[] = ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];

interface Ticket {
  ticket: string;
  csrf: string;
  at: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class ProxmoxClient implements ProxmoxApi {
  private readonly http: HttpLayer;
  private pinned: string | null;
  private lastSeen: string | null = null;
  private ticket: Ticket | null = null;
  private login: Promise<Ticket> | null = null;
  private loginRefusal: { until: number; err: ProxmoxError } | null = null;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ProxmoxClientOptions) {
    this.pinned = opts.tlsFingerprint ? opts.tlsFingerprint.toUpperCase() : null;
    this.timeoutMs = Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, MIN_TIMEOUT_MS);
    this.now = opts.now ?? Date.now;
    this.http = this.layer(false);
  }

  private layer(allowUnpinned: boolean): HttpLayer {
    const policy: TlsPolicy = { pinned: () => this.pinned, ca: this.opts.caPem, allowUnpinned, seen: (fp) => (this.lastSeen = fp) };
    return new HttpLayer(this.opts.host, this.opts.port, policy, this.timeoutMs);
  }

  get fingerprint(): string | null {
    return this.pinned;
  }

  /**
   * The version, over a connection of its own: the only one allowed to meet an unpinned self-signed certificate.
   * The first success pins what it met (unless a CA vouches for the certificate: then a renewed one stays valid).
   */
  async test(): Promise<ProxmoxProbe> {
    const probe = this.layer(true);
    try {
      this.lastSeen = null;
      const version = await this.request<PveVersion>('GET', '/version', {}, probe);
      const fingerprint = this.lastSeen ?? this.pinned ?? '';
      if (this.pinned === null && this.opts.caPem === null && fingerprint) this.pinned = fingerprint;
      return { version, fingerprint };
    } finally {
      probe.close();
    }
  }

  version(): Promise<PveVersion> {
    return this.get('/version');
  }

  clusterStatus(): Promise<PveClusterStatusEntry[]> {
    return this.get('/cluster/status');
  }

  resources(type?: 'vm' | 'storage' | 'node'): Promise<PveResource[]> {
    return this.get('/cluster/resources', { type });
  }

  nodes(): Promise<PveNodeListEntry[]> {
    return this.get('/nodes');
  }

  async nodeStatus(node: string): Promise<PveNodeStatus> {
    return this.get(`/nodes/${checkNode(node)}/status`);
  }

  async guests(node: string, type: GuestType, o: { full?: boolean } = {}): Promise<PveGuestListEntry[]> {
    return this.get(`/nodes/${checkNode(node)}/${checkGuestType(type)}`, type === 'qemu' ? { full: o.full } : {});
  }

  async guestStatus(node: string, type: GuestType, vmid: number): Promise<PveGuestStatus> {
    return this.get(`/nodes/${checkNode(node)}/${checkGuestType(type)}/${checkVmid(vmid)}/status/current`);
  }

  async storage(node: string, o: { content?: string; enabled?: boolean } = {}): Promise<PveNodeStorage[]> {
    return this.get(`/nodes/${checkNode(node)}/storage`, o);
  }

  async guestPower(node: string, type: GuestType, vmid: number, action: GuestPowerAction, params: Params = {}): Promise<string> {
    if (!POWER_ACTIONS.includes(action)) throw new ProxmoxError('bad_request', `action: ${JSON.stringify(action)} is not a power action`);
    const upid = await this.post<unknown>(`/nodes/${checkNode(node)}/${checkGuestType(type)}/${checkVmid(vmid)}/status/${action}`, params);
    if (typeof upid !== 'string' || !UPID_RE.test(upid)) throw new ProxmoxError('failed', `${action} of ${vmid}: PVE answered no task id (${JSON.stringify(upid)})`);
    return upid;
  }

  async taskStatus(upid: string): Promise<PveTaskStatus> {
    const { node } = parseUpid(upid);
    return this.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`);
  }

  /** Polls until PVE says `stopped` (§8.2). Its exit status decides: a failed task is a result, not a throw. */
  async waitTask(upid: string, o: { intervalMs?: number; timeoutMs?: number } = {}): Promise<PveTaskResult> {
    const { node, type } = parseUpid(upid);
    const deadline = Date.now() + (o.timeoutMs ?? 15 * 60_000);
    for (;;) {
      const st = await this.taskStatus(upid);
      if (st.status === 'stopped') {
        const exitstatus = st.exitstatus ?? 'unexpected status';
        return { upid, node, type, exitstatus, ok: taskSucceeded(exitstatus) };
      }
      if (Date.now() >= deadline) throw new ProxmoxError('timeout', `task ${type} on ${node} still running after ${o.timeoutMs ?? 900_000} ms (${upid})`);
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 1000));
    }
  }

  async taskLog(upid: string): Promise<string[]> {
    const { node } = parseUpid(upid);
    const lines = await this.get<{ n: number; t: string }[]>(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`, { limit: 0 });
    const text = lines.map((l) => l.t);
    return text.length === 1 && text[0] === 'no content' ? [] : text;
  }

  /** GET under /api2/json: parameters in the query string (PVE refuses a body on GET, §0.1). The typed calls above
   * are async so that a parameter refused before sending rejects like any other failure. */
  get<T>(path: string, params: Params = {}): Promise<T> {
    return this.request<T>('GET', path, params);
  }

  /** POST under /api2/json: a form body, booleans as 1/0; never sent twice unless PVE refused it with a 401. */
  post<T>(path: string, params: Params = {}): Promise<T> {
    return this.request<T>('POST', path, params);
  }

  /** DELETE under /api2/json: parameters in the query string, like GET (PVE refuses a body on DELETE). */
  delete<T>(path: string, params: Params = {}): Promise<T> {
    return this.request<T>('DELETE', path, params);
  }

  close(): void {
    this.http.close();
  }

  // --- authenticated requests -------------------------------------------------------------------------------------

  /**
   * One authenticated request and its `data`. A 401 with a ticket drops that ticket, logs in again and retries once
   * (a 401 comes from the auth handler, before any handler ran: a retried write was not done); a final 401 is `auth`.
   */
  private async request<T>(method: Method, path: string, params: Params, layer = this.http): Promise<T> {
    const encoded = encodeParams(params);
    const once = async () => {
      const { headers, ticket } = await this.credentials(method, layer);
      const spec = method === 'GET' || method === 'DELETE'
        ? { method, path: encoded ? `${path}?${encoded}` : path, headers, timeoutMs: this.timeoutMs }
        : { method, path, headers, form: encoded, timeoutMs: this.timeoutMs };
      return { ticket, r: await layer.send(spec) };
    };
    let { ticket, r } = await once();
    if (r.status === 401 && ticket !== null) {
      this.dropTicket(ticket);
      ({ r } = await once());
    }
    if (r.status !== 200) throw pveError(r.status, r.reason, r.body, `${method} ${path}`);
    return dataOf<T>(r, path);
  }

  private async credentials(method: Method, layer: HttpLayer): Promise<{ headers: Record<string, string>; ticket: Ticket | null }> {
    const auth = this.opts.auth;
    if (auth.kind === 'token') return { headers: { authorization: `PVEAPIToken=${auth.tokenId}=${auth.secret}` }, ticket: null };
    const ticket = await this.currentTicket(layer);
    const headers: Record<string, string> = { cookie: `PVEAuthCookie=${encodeURIComponent(ticket.ticket)}` };
    if (method !== 'GET') headers.csrfpreventiontoken = ticket.csrf;
    return { headers, ticket };
  }

  private dropTicket(stale: Ticket): void {
    if (this.ticket === stale) this.ticket = null;
  }

  /** The ticket to use now: the one held while young, else a renewal (or a login) shared by every caller. */
  private currentTicket(layer: HttpLayer): Promise<Ticket> {
    const held = this.ticket;
    const age = held ? this.now() - held.at : Infinity;
    if (held && age < TICKET_RENEW_AFTER_MS) return Promise.resolve(held);
    this.login ??= this.doLogin(layer, held && age < TICKET_DEAD_AFTER_MS ? held : null).finally(() => (this.login = null));
    return this.login;
  }

  private async doLogin(layer: HttpLayer, renewFrom: Ticket | null): Promise<Ticket> {
    const auth = this.opts.auth;
    if (auth.kind !== 'password') throw new ProxmoxError('auth', 'no password to log in with');
    if (renewFrom) {
      // Renewal: the current ticket as the password (§1.1). If PVE refuses it, the password still may not be.
      const renewed = await this.ticketCall(layer, auth.userid, renewFrom.ticket).catch(() => null);
      if (renewed) return (this.ticket = renewed);
    }
    if (this.loginRefusal && this.now() < this.loginRefusal.until) throw this.loginRefusal.err;
    try {
      const fresh = await this.ticketCall(layer, auth.userid, auth.password);
      this.loginRefusal = null;
      return (this.ticket = fresh);
    } catch (err) {
      if (err instanceof ProxmoxError && err.kind === 'auth') this.loginRefusal = { until: this.now() + LOGIN_BACKOFF_MS, err };
      throw err;
    }
  }

  /** POST /access/ticket with the full user id and no `realm` (PVE would append it again: `homelab@pve@pve`). */
  private async ticketCall(layer: HttpLayer, userid: string, password: string): Promise<Ticket> {
    const r: RawResponse = await layer.send({
      method: 'POST', path: '/access/ticket', headers: {}, form: encodeParams({ username: userid, password }), timeoutMs: this.timeoutMs,
    });
    if (r.status === 401) throw new ProxmoxError('auth', `login of ${userid} refused: ${r.reason || 'authentication failure'}`, { status: 401 });
    if (r.status !== 200) throw pveError(r.status, r.reason, r.body, 'login');
    const data = dataOf<{ ticket?: unknown; CSRFPreventionToken?: unknown; NeedTFA?: unknown }>(r, '/access/ticket');
    if (data.NeedTFA) throw new ProxmoxError('auth', `${userid} has two-factor authentication: use an API token instead`);
    if (typeof data.ticket !== 'string' || typeof data.CSRFPreventionToken !== 'string') {
      throw new ProxmoxError('failed', 'the login answer has no ticket or CSRF token');
    }
    return { ticket: data.ticket, csrf: data.CSRFPreventionToken, at: this.now() };
  }
}

/** The `{data: …}` envelope (§0.2). */
function dataOf<T>(r: RawResponse, path: string): T {
  try {
    return (JSON.parse(r.body.toString()) as { data: T }).data;
  } catch (err) {
    throw new ProxmoxError('failed', `${path}: an answer that is not JSON (HTTP ${r.status})`, { cause: err, status: r.status });
  }
}
