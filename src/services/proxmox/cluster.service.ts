import { ClientCache } from '../../core/client-cache.js';
import { AppError, conflict, notFound } from '../../core/errors.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { ProxmoxCluster, ProxmoxTestResult } from '../../core/types.js';
import type { ProxmoxRepository } from '../../db/repositories/proxmox.repository.js';
import type { ProxmoxClusterRow } from '../../db/schema.js';
import { type ClusterSummary, clusterSummary } from '../../providers/proxmox/mapping.js';
import { type ProxmoxApi, type ProxmoxAuth, type ProxmoxClientOptions, ProxmoxError } from '../../providers/proxmox/types.js';
import {
  credentialsOf,
  normaliseCaPem,
  normaliseFingerprint,
  normaliseHost,
  oneTrustAnchor,
  type ProxmoxClusterInput,
  type ProxmoxClusterPatch,
  validateInterval,
  validateName,
  validatePort,
} from './validation.js';

export type ProxmoxClientFactory = (opts: ProxmoxClientOptions) => ProxmoxApi;

/** What a cluster's status fields become after a failed call. */
export function statusOfError(err: ProxmoxError): { status: 'error' | 'unreachable'; status_reason: string } {
  const unreachable = err.kind === 'unreachable' || err.kind === 'timeout';
  return { status: unreachable ? 'unreachable' : 'error', status_reason: err.message };
}

/** Cluster status (needs Sys.Audit on /); a user without it still sees the nodes through /nodes, without quorum. */
export async function summaryOf(api: ProxmoxApi): Promise<Omit<ClusterSummary, 'quorate'> & { quorate: boolean | null }> {
  try {
    return clusterSummary(await api.clusterStatus());
  } catch (err) {
    if (!(err instanceof ProxmoxError) || err.kind !== 'forbidden') throw err;
    const nodes = (await api.nodes()).map((n) => ({ name: n.node, online: n.status === 'online', local: false }));
    return { name: null, quorate: null, nodes: nodes.sort((a, b) => a.name.localeCompare(b.name)) };
  }
}

/**
 * Proxmox clusters (admin): validated, credentials sealed with the SecretBox and never returned nor logged. One
 * client per cluster, kept while its address, credentials and trust stay the same: the client holds the ticket, and
 * one client per cluster is what keeps logins to one at a time.
 */
export class ProxmoxClusterService {
  private readonly clients = new ClientCache<ProxmoxApi>();

  constructor(
    private readonly repo: ProxmoxRepository,
    private readonly box: SecretBox,
    private readonly makeClient: ProxmoxClientFactory,
    private readonly onChange: (clusterId: number, row: ProxmoxClusterRow | null) => void = () => {},
  ) {}

  async list(): Promise<ProxmoxCluster[]> {
    return (await this.repo.list()).map((r) => this.toApi(r));
  }

  async get(id: number): Promise<ProxmoxCluster> {
    return this.toApi(await this.row(id));
  }

  async row(id: number): Promise<ProxmoxClusterRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('Proxmox cluster', id);
    return row;
  }

  async create(input: ProxmoxClusterInput): Promise<ProxmoxCluster> {
    const auth = credentialsOf(input, true)!;
    const name = validateName(input.name);
    const fields = {
      name,
      host: normaliseHost(input.host),
      port: validatePort(input.port) ?? 8006,
      auth: auth.kind,
      credentials: this.seal(auth),
      tls_fingerprint: normaliseFingerprint(input.tls_fingerprint),
      ca_pem: normaliseCaPem(input.ca_pem),
      sync_interval_s: validateInterval(input.sync_interval_s) ?? 60,
      enabled: input.enabled ?? true,
    } as const;
    oneTrustAnchor(fields.tls_fingerprint, fields.ca_pem);
    if (await this.repo.getByName(name)) throw conflict('proxmox_cluster_exists', `a Proxmox cluster named ${name} already exists`);
    const row = await this.repo.create(fields);
    this.onChange(row.id, row);
    return this.toApi(row);
  }

  async update(id: number, patch: ProxmoxClusterPatch): Promise<ProxmoxCluster> {
    const current = await this.row(id);
    const auth = credentialsOf(patch, false);
    const name = patch.name !== undefined ? validateName(patch.name) : undefined;
    const host = patch.host !== undefined ? normaliseHost(patch.host) : undefined;
    const port = validatePort(patch.port);
    const ca = patch.ca_pem !== undefined ? normaliseCaPem(patch.ca_pem) : current.ca_pem;
    // Another address is another certificate, and a CA replaces a pin: the pin goes unless one is given.
    const moved = (host !== undefined && host !== current.host) || (port !== undefined && port !== current.port);
    const pinDropped = moved || (patch.ca_pem !== undefined && ca !== null);
    const pin = patch.tls_fingerprint !== undefined ? normaliseFingerprint(patch.tls_fingerprint) : pinDropped ? null : current.tls_fingerprint;
    oneTrustAnchor(pin, ca);
    const fields = {
      ...(name !== undefined ? { name } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(auth ? { auth: auth.kind, credentials: this.seal(auth) } : {}),
      tls_fingerprint: pin,
      ca_pem: ca,
      ...(patch.sync_interval_s !== undefined ? { sync_interval_s: validateInterval(patch.sync_interval_s) } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
    };
    if (name !== undefined && name !== current.name) {
      const other = await this.repo.getByName(name);
      if (other && other.id !== id) throw conflict('proxmox_cluster_exists', `a Proxmox cluster named ${name} already exists`);
    }
    const row = (await this.repo.update(id, fields))!;
    this.dropClient(id);
    this.onChange(id, row);
    return this.toApi(row);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.repo.remove(id))) throw notFound('Proxmox cluster', id);
    this.dropClient(id);
    this.onChange(id, null);
  }

  /**
   * Reaches the cluster: version, quorum and nodes (the seed's check that shows the server's version). The first
   * success pins the certificate (trust on first use) unless a CA vouches for it; a certificate other than the pinned
   * one is refused (409), never accepted silently. Any other failure: 502 with PVE's reason.
   */
  async test(id: number): Promise<ProxmoxTestResult> {
    const row = await this.row(id);
    try {
      const api = this.client(row);
      const probe = await api.test();
      const summary = await summaryOf(api);
      const pin = row.ca_pem !== null ? null : (row.tls_fingerprint ?? normaliseFingerprint(probe.fingerprint));
      await this.repo.update(id, {
        status: 'online', status_reason: null, version: probe.version.version, cluster_name: summary.name,
        quorate: summary.quorate === null ? null : summary.quorate ? 1 : 0, tls_fingerprint: pin,
        nodes_total: summary.nodes.length, nodes_online: summary.nodes.filter((n) => n.online).length,
      });
      // The client was made before the pin: the next one dials with it.
      if (pin !== row.tls_fingerprint) this.dropClient(id);
      return {
        ok: true, version: probe.version.version, release: probe.version.release, fingerprint: probe.fingerprint,
        cluster_name: summary.name, quorate: summary.quorate, nodes: summary.nodes.map((n) => ({ name: n.name, online: n.online })),
      };
    } catch (err) {
      throw await this.failed(row, err);
    }
  }

  /** Records a failed call in the status fields and turns it into the API error to answer. */
  async failed(row: ProxmoxClusterRow, err: unknown): Promise<AppError> {
    if (!(err instanceof ProxmoxError)) return err instanceof AppError ? err : new AppError(500, 'internal', (err as Error).message);
    await this.repo.update(row.id, statusOfError(err));
    if (err.kind === 'tls_mismatch' && row.tls_fingerprint !== null) {
      return new AppError(
        409,
        'tls_fingerprint_changed',
        `the TLS certificate of Proxmox cluster ${row.name} changed (pinned ${row.tls_fingerprint}): ${err.message}. ` +
          'If the certificate was renewed on purpose, an admin can set the new tls_fingerprint (or clear it) with PATCH; otherwise, investigate',
        { cause: err },
      );
    }
    return new AppError(502, `proxmox_${err.kind}`, `Proxmox cluster ${row.name}: ${err.message}`, { cause: err });
  }

  /** The cluster's client, made once per address, credentials and trust. */
  client(row: ProxmoxClusterRow): ProxmoxApi {
    const key = [row.host, row.port, row.credentials, row.tls_fingerprint ?? '', row.ca_pem ?? ''].join('\n');
    return this.clients.get(row.id, key, () =>
      this.makeClient({ host: row.host, port: row.port, auth: this.open(row), tlsFingerprint: row.tls_fingerprint, caPem: row.ca_pem }),
    );
  }

  dropClient(id: number): void {
    this.clients.drop(id);
  }

  closeAll(): void {
    this.clients.closeAll();
  }

  private seal(auth: ProxmoxAuth): string {
    const plain = auth.kind === 'token' ? { token_id: auth.tokenId, token_secret: auth.secret } : { userid: auth.userid, password: auth.password };
    return this.box.encrypt(JSON.stringify(plain));
  }

  private open(row: ProxmoxClusterRow): ProxmoxAuth {
    const c = JSON.parse(this.box.decrypt(row.credentials)) as { userid?: string; password?: string; token_id?: string; token_secret?: string };
    return row.auth === 'token' ? { kind: 'token', tokenId: c.token_id!, secret: c.token_secret! } : { kind: 'password', userid: c.userid!, password: c.password! };
  }

  /** Who logs in (not a secret); null when the credentials no longer open (the secret key changed): listing must still work. */
  private principalOf(row: ProxmoxClusterRow): string | null {
    try {
      const c = JSON.parse(this.box.decrypt(row.credentials)) as { userid?: string; token_id?: string };
      return (row.auth === 'token' ? c.token_id : c.userid) ?? null;
    } catch {
      return null;
    }
  }

  /** The API shape: credentials stay out; the user id or token id is shown. */
  private toApi(row: ProxmoxClusterRow): ProxmoxCluster {
    const principal = this.principalOf(row);
    return {
      id: row.id,
      name: row.name,
      host: row.host,
      port: row.port,
      auth: row.auth as ProxmoxCluster['auth'],
      username: row.auth === 'password' ? principal : null,
      token_id: row.auth === 'token' ? principal : null,
      tls_fingerprint: row.tls_fingerprint,
      ca_pem: row.ca_pem,
      sync_interval_s: row.sync_interval_s,
      enabled: row.enabled === 1,
      status: row.status as ProxmoxCluster['status'],
      status_reason: row.status_reason,
      version: row.version,
      cluster_name: row.cluster_name,
      quorate: row.quorate === null ? null : row.quorate === 1,
      nodes_total: row.nodes_total,
      nodes_online: row.nodes_online,
      last_sync_at: row.last_sync_at,
      last_sync_ms: row.last_sync_ms,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }
}
