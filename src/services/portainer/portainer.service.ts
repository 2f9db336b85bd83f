import { ClientCache } from '../../core/client-cache.js';
import { hostScope } from '../../core/alert-rules.js';
import { AppError, conflict, notFound } from '../../core/errors.js';
import type { DomainEvent } from '../../core/events.js';
import { portainerServerKey, problemReason } from '../../core/portainer-alerts.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { PortainerServer, PortainerTestResult } from '../../core/types.js';
import type { PortainerRepository } from '../../db/repositories/portainer.repository.js';
import type { PortainerServerRow } from '../../db/schema.js';
import { type PortainerApi, type PortainerAuth, type PortainerClientOptions, PortainerError } from '../../providers/portainer/types.js';
import {
  credentialsOf,
  normaliseFingerprint,
  normaliseUrl,
  type PortainerServerInput,
  type PortainerServerPatch,
  validateGroup,
  validateInterval,
  validateName,
} from './validation.js';

export type { PortainerServer, PortainerTestResult };
export type PortainerClientFactory = (opts: PortainerClientOptions) => PortainerApi;

/** What the service needs of the hosts: how many a server has, and to tell the rest of the app some went away. */
export interface PortainerHostsPort {
  countByServer(): Promise<Map<number, number>>;
  removed(hostIds: number[]): void;
  /**
   * Closes the open alerts under a scope with a note and keeps every alert of it as history (they would otherwise
   * go with their host's row). Called before the hosts or the server go, and once more after (an alert that opened
   * in between).
   */
  closeAlerts(scope: string, note: string): Promise<void>;
}

/**
 * What a server's status fields become after a failed call. The reason carries the kind of trouble the alerts tell
 * apart (core/portainer-alerts.ts): a refused login (a ban included) and a refused certificate are not "unreachable".
 */
export function statusOfError(err: PortainerError): { status: 'error' | 'unreachable'; status_reason: string } {
  if (err.kind === 'unreachable' || err.kind === 'timeout') return { status: 'unreachable', status_reason: err.message };
  if (err.kind === 'auth' || err.kind === 'forbidden' || err.kind === 'rate_limited') return { status: 'error', status_reason: problemReason('login_refused', err.message) };
  if (err.kind === 'tls_mismatch') return { status: 'error', status_reason: problemReason('certificate', err.message) };
  return { status: 'error', status_reason: err.message };
}

/**
 * Portainer servers (admin): validated, credentials sealed with the SecretBox and never returned nor logged. One
 * client per server, kept while its URL, credentials and pin stay the same: the client holds the JWT, and one client
 * per server is what keeps logins to one at a time (Portainer bans an address after 10 logins in a second).
 */
export class PortainerService {
  private readonly clients = new ClientCache<PortainerApi>();
  /** The last row seen of each server, for clientFor (asked synchronously by the provider registry). */
  private readonly known = new Map<number, PortainerServerRow>();
  private closed = false;

  constructor(
    private readonly repo: PortainerRepository,
    private readonly box: SecretBox,
    private readonly makeClient: PortainerClientFactory,
    private readonly hosts: PortainerHostsPort,
    private readonly onChange: (serverId: number, row: PortainerServerRow | null) => void = () => {},
    private readonly publish: (e: DomainEvent) => void = () => {},
  ) {}

  /** Tells the app (the alerts, the browsers) what the server looks like now, after its status or settings changed. */
  async announce(id: number): Promise<void> {
    const row = await this.repo.get(id);
    if (row) this.publish({ type: 'portainer_server_updated', server: this.toApi(row, (await this.hosts.countByServer()).get(id) ?? 0) });
  }

  async list(): Promise<PortainerServer[]> {
    const [rows, counts] = await Promise.all([this.repo.list(), this.hosts.countByServer()]);
    return rows.map((r) => this.toApi(r, counts.get(r.id) ?? 0));
  }

  async get(id: number): Promise<PortainerServer> {
    const row = await this.row(id);
    return this.toApi(row, (await this.hosts.countByServer()).get(id) ?? 0);
  }

  async row(id: number): Promise<PortainerServerRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('Portainer server', id);
    return row;
  }

  async create(input: PortainerServerInput): Promise<PortainerServer> {
    const auth = credentialsOf(input, true)!;
    const name = validateName(input.name);
    const url = normaliseUrl(input.url);
    const fields = {
      name,
      url,
      auth: auth.kind,
      credentials: this.seal(auth),
      tls_fingerprint: normaliseFingerprint(input.tls_fingerprint),
      default_group: validateGroup(input.default_group),
      sync_mode: input.sync_mode ?? 'create_and_update',
      sync_interval_s: validateInterval(input.sync_interval_s) ?? 60,
      enabled: input.enabled ?? true,
    } as const;
    if (await this.repo.getByName(name)) throw conflict('portainer_server_exists', `a Portainer server named ${name} already exists`);
    const row = await this.repo.create(fields);
    this.known.set(row.id, row);
    this.onChange(row.id, row);
    const server = this.toApi(row, 0);
    this.publish({ type: 'portainer_server_updated', server });
    return server;
  }

  async update(id: number, patch: PortainerServerPatch): Promise<PortainerServer> {
    const current = await this.row(id);
    const auth = credentialsOf(patch, false);
    const name = patch.name !== undefined ? validateName(patch.name) : undefined;
    const url = patch.url !== undefined ? normaliseUrl(patch.url) : undefined;
    const fields = {
      ...(name !== undefined ? { name } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(auth ? { auth: auth.kind, credentials: this.seal(auth) } : {}),
      ...(patch.tls_fingerprint !== undefined ? { tls_fingerprint: normaliseFingerprint(patch.tls_fingerprint) } : {}),
      // Another address is another certificate: the pin is taken again at the next test, unless one is given.
      ...(url !== undefined && url !== current.url && patch.tls_fingerprint === undefined ? { tls_fingerprint: null } : {}),
      ...(patch.default_group !== undefined ? { default_group: validateGroup(patch.default_group) } : {}),
      ...(patch.sync_mode !== undefined ? { sync_mode: patch.sync_mode } : {}),
      ...(patch.sync_interval_s !== undefined ? { sync_interval_s: validateInterval(patch.sync_interval_s) } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
    };
    if (name !== undefined && name !== current.name) {
      const other = await this.repo.getByName(name);
      if (other && other.id !== id) throw conflict('portainer_server_exists', `a Portainer server named ${name} already exists`);
    }
    const row = (await this.repo.update(id, fields))!;
    this.dropClient(id);
    this.known.set(id, row);
    this.onChange(id, row);
    const server = await this.get(id);
    this.publish({ type: 'portainer_server_updated', server });
    return server;
  }

  /**
   * The server and its hosts (their containers with them), in one transaction. Their open alerts and the server's
   * close first, with a note, and stay in the history.
   */
  async remove(id: number): Promise<void> {
    const row = await this.row(id);
    const note = `Portainer server ${row.name} deleted`;
    const scopes = [portainerServerKey(id), ...(await this.repo.hostIds(id)).map(hostScope)];
    for (const scope of scopes) await this.hosts.closeAlerts(scope, note);
    const hostIds = await this.repo.remove(id);
    if (hostIds === null) throw notFound('Portainer server', id);
    this.dropClient(id);
    this.known.delete(id);
    this.onChange(id, null);
    this.hosts.removed(hostIds);
    this.publish({ type: 'portainer_server_removed', server_id: id });
    for (const scope of [portainerServerKey(id), ...hostIds.map(hostScope)]) await this.hosts.closeAlerts(scope, note);
  }

  /**
   * Reaches the server: version, instance id and how many environments the user sees. The first success over HTTPS
   * pins the certificate (trust on first use); a certificate other than the pinned one is refused (409), never
   * accepted silently. Any other failure: 502 with Portainer's reason. The status fields say the outcome.
   */
  async test(id: number): Promise<PortainerTestResult> {
    const row = await this.row(id);
    try {
      const api = this.client(row);
      const status = await api.test();
      const endpoints = await api.endpoints();
      const pin = row.tls_fingerprint ?? (status.fingerprint ? normaliseFingerprint(status.fingerprint) : null);
      const updated = await this.repo.update(id, {
        status: 'online', status_reason: null, version: status.version, instance_id: status.instance_id, tls_fingerprint: pin,
        endpoints_total: endpoints.length, endpoints_up: endpoints.filter((e) => e.status === 'up').length,
      });
      // The client was made before the pin: the next one dials with it.
      if (pin !== row.tls_fingerprint) this.dropClient(id);
      if (updated) this.known.set(id, updated);
      await this.announce(id);
      return { ok: true, version: status.version, instance_id: status.instance_id, endpoints: endpoints.length, tls_fingerprint: pin };
    } catch (err) {
      throw await this.failed(row, err);
    }
  }

  /** Records a failed call in the status fields and turns it into the API error to answer. */
  async failed(row: PortainerServerRow, err: unknown): Promise<AppError> {
    if (!(err instanceof PortainerError)) return err instanceof AppError ? err : new AppError(500, 'internal', (err as Error).message);
    const s = statusOfError(err);
    await this.repo.update(row.id, s);
    await this.announce(row.id);
    if (err.kind === 'tls_mismatch') {
      return new AppError(
        409,
        'tls_fingerprint_changed',
        `the TLS certificate of Portainer server ${row.name} changed (pinned ${row.tls_fingerprint}): ${err.message}. ` +
          'If the certificate was renewed on purpose, an admin can set the new tls_fingerprint (or clear it) with PATCH; otherwise, investigate',
        { cause: err },
      );
    }
    return new AppError(502, `portainer_${err.kind}`, `Portainer server ${row.name}: ${err.message}`, { cause: err });
  }

  /** Learns every server's row (at start), so that their hosts' engines work before the first sync. */
  async load(): Promise<void> {
    for (const r of await this.repo.list()) this.known.set(r.id, r);
  }

  /**
   * The client of a server, for its hosts' Docker engines (the provider registry asks synchronously): made from the
   * server's last known row; undefined for a server this process does not know, or whose credentials no longer
   * open (the engine then answers "unsupported" with the reason).
   */
  clientFor(id: number): PortainerApi | undefined {
    const row = this.known.get(id);
    if (!row || this.closed) return undefined;
    try {
      return this.client(row);
    } catch {
      return undefined;
    }
  }

  /** The server's client, made once per URL, credentials and pin. */
  client(row: PortainerServerRow): PortainerApi {
    this.known.set(row.id, row);
    const key = `${row.url}\n${row.credentials}\n${row.tls_fingerprint ?? ''}`;
    return this.clients.get(row.id, key, () => this.makeClient({ url: row.url, auth: this.open(row), tlsFingerprint: row.tls_fingerprint }));
  }

  dropClient(id: number): void {
    this.clients.drop(id);
  }

  /** At shutdown: every client closes, and no new one is made for a collection still finishing. */
  closeAll(): void {
    this.closed = true;
    this.clients.closeAll();
  }

  private seal(auth: PortainerAuth): string {
    const plain = auth.kind === 'api_key' ? { api_key: auth.apiKey } : { username: auth.username, password: auth.password };
    return this.box.encrypt(JSON.stringify(plain));
  }

  private open(row: PortainerServerRow): PortainerAuth {
    const c = JSON.parse(this.box.decrypt(row.credentials)) as { username?: string; password?: string; api_key?: string };
    return row.auth === 'api_key' ? { kind: 'api_key', apiKey: c.api_key! } : { kind: 'password', username: c.username!, password: c.password! };
  }

  /** The user of password auth; null when the credentials no longer open (the secret key changed): listing must still work. */
  private usernameOf(row: PortainerServerRow): string | null {
    try {
      return (JSON.parse(this.box.decrypt(row.credentials)) as { username?: string }).username ?? null;
    } catch {
      return null;
    }
  }

  /** The API shape: credentials stay out; the user name of password auth is shown (it is not a secret). */
  private toApi(row: PortainerServerRow, hostCount: number): PortainerServer {
    const username = row.auth === 'password' ? this.usernameOf(row) : null;
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      auth: row.auth as PortainerServer['auth'],
      username,
      tls_fingerprint: row.tls_fingerprint,
      default_group: row.default_group,
      sync_mode: row.sync_mode as PortainerServer['sync_mode'],
      sync_interval_s: row.sync_interval_s,
      enabled: row.enabled === 1,
      status: row.status as PortainerServer['status'],
      status_reason: row.status_reason,
      version: row.version,
      instance_id: row.instance_id,
      last_sync_at: row.last_sync_at,
      last_sync_ms: row.last_sync_ms,
      endpoints_total: row.endpoints_total,
      endpoints_up: row.endpoints_up,
      host_count: hostCount,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }
}
