import { parseAnsibleInventory, InventoryError } from '../core/ansible.js';
import type { EventBus } from '../core/event-bus.js';
import { AppError, conflict, invalid, notFound } from '../core/errors.js';
import type { Host, HostTransport } from '../core/types.js';
import { mapHost, type HostRepository } from '../db/repositories/host.repository.js';
import type { HostRow } from '../db/schema.js';
import { hostKind } from '../providers/registry.js';
import { SshError, SshHostKeyMismatchError } from '../ssh/errors.js';
import type { SshTarget } from '../ssh/types.js';

/** What HostService needs of the SSH pool. */
export interface HostProbe {
  check(target: SshTarget): Promise<{ fingerprint: string; uname: string }>;
  invalidate(hostId: number): void;
}

// RFC 1123 host names, IPv4, and bracket-less IPv6; no spaces, no shell or ssh-option characters.
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/i;

export interface HostInput {
  name: string;
  host: string;
  port?: number;
  username?: string;
  os_type?: string | null;
  transport?: HostTransport;
  groups?: string[];
}

/** The SSH target of a host reached over SSH; a host without SSH fields (a Portainer environment) has none. */
export function targetOf(row: HostRow): SshTarget {
  if (row.host === null || row.port === null || row.username === null) {
    throw invalid(`host ${row.name} has no SSH address, port and user: it is not reached over SSH`);
  }
  return { hostId: row.id, host: row.host, port: row.port, username: row.username, pinnedFingerprint: row.ssh_host_key };
}

export class HostService {
  constructor(
    private readonly hosts: HostRepository,
    private readonly probe: HostProbe,
    private readonly bus: EventBus,
    private readonly defaultUser: string,
  ) {}

  /** Every host, or those of one group. */
  async list(group?: string): Promise<Host[]> {
    const [rows, metrics] = await Promise.all([this.hosts.list(), this.hosts.latestMetricsAll()]);
    return rows.map((r) => mapHost(r, metrics.get(r.id))).filter((h) => group === undefined || h.groups.includes(group));
  }

  async get(id: number): Promise<Host> {
    const row = await this.row(id);
    return mapHost(row, await this.hosts.latestMetrics(id));
  }

  async row(id: number): Promise<HostRow> {
    const row = await this.hosts.get(id);
    if (!row) throw notFound('host', id);
    return row;
  }

  async create(input: HostInput, groups: string[] = []): Promise<Host> {
    const v = validate(input);
    // Hosts made here are "by hand": their name must be free among those, not among Portainer-discovered ones.
    if (await this.hosts.getByName(v.name, null)) throw conflict('host_exists', `a host named ${v.name} already exists`);
    const row = await this.hosts.create({
      name: v.name,
      host: v.host,
      port: v.port ?? 22,
      username: v.username ?? this.defaultUser,
      os_type: v.os_type ?? null,
      transport: v.transport ?? 'ssh',
      groups: normaliseGroups(input.groups ?? groups),
    });
    return this.changed(row);
  }

  async update(id: number, patch: Partial<HostInput>): Promise<Host> {
    const current = await this.row(id);
    if (current.portainer_server_id !== null) refuseSourcedPatch(current, patch);
    // A host without an SSH address (only a Portainer one, today) has nothing to validate but its name, and that name
    // is Portainer's (which may hold a space): only a new one is checked.
    const v: Partial<HostInput> & { name: string } =
      current.host === null && patch.host === undefined
        ? { name: patch.name !== undefined ? validateName(patch.name) : current.name }
        : validate({ name: current.name, ...patch, host: patch.host ?? current.host! });
    if (v.name !== current.name) {
      // Unique within the host's own source: a Portainer-discovered host may share a name with one made by hand.
      const other = await this.hosts.getByName(v.name, current.portainer_server_id);
      if (other && other.id !== id) throw conflict('host_exists', `a host named ${v.name} already exists`);
    }
    const addressChanged = (patch.host !== undefined && patch.host !== current.host) || (patch.port !== undefined && patch.port !== current.port);
    const row = await this.hosts.update(id, {
      name: v.name,
      ...(v.host !== undefined ? { host: v.host } : {}),
      ...(patch.port !== undefined ? { port: patch.port } : {}),
      ...(patch.username !== undefined ? { username: patch.username } : {}),
      ...(patch.os_type !== undefined ? { os_type: patch.os_type } : {}),
      ...(patch.transport !== undefined ? { transport: patch.transport } : {}),
      ...(patch.groups !== undefined ? { groups: JSON.stringify(normaliseGroups(patch.groups)) } : {}),
      // A new address is a new machine as far as trust goes: its key is pinned again on first contact.
      ...(addressChanged ? { ssh_host_key: null, status: 'unknown', status_reason: null } : {}),
    });
    this.probe.invalidate(id);
    return this.changed(row!);
  }

  async remove(id: number): Promise<void> {
    await this.row(id);
    this.probe.invalidate(id);
    await this.hosts.remove(id);
    this.bus.emit({ type: 'host_removed', host_id: id });
  }

  /** Connects, runs `uname -a`, pins the host key on first success (TOFU). A changed key -> 409. */
  async check(id: number): Promise<{ status: 'online'; host_key_fingerprint: string; uname: string }> {
    const row = await this.row(id);
    if (!hostKind(row.transport).ssh) throw invalid(`host ${row.name} uses the ${row.transport} transport: nothing to check over SSH`);
    // An explicit check must see what the host offers NOW: the pool would otherwise reuse a connection opened before
    // the host key changed (open sessions outlive an sshd restart) and report a stale "online" with the old key.
    this.probe.invalidate(id);
    try {
      const r = await this.probe.check(targetOf(row));
      const updated = await this.hosts.update(id, {
        ssh_host_key: row.ssh_host_key ?? r.fingerprint,
        status: 'online',
        status_reason: null,
        failures: 0,
        last_seen_at: new Date().toISOString(),
        os_type: row.os_type ?? osFromUname(r.uname),
      });
      await this.changed(updated!);
      return { status: 'online', host_key_fingerprint: r.fingerprint, uname: r.uname };
    } catch (err) {
      if (err instanceof SshHostKeyMismatchError) {
        throw new AppError(
          409,
          'host_key_changed',
          `the SSH host key of ${row.name} changed (pinned ${err.expected}, offered ${err.actual}): ` +
            'if the machine was reinstalled, an admin can clear the pin with forget-host-key; otherwise, investigate',
          { cause: err },
        );
      }
      if (err instanceof SshError) {
        const updated = await this.hosts.update(id, { status: 'offline', status_reason: err.message });
        await this.changed(updated!);
        throw new AppError(502, err.code ?? 'ssh_failed', `${row.name}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  async forgetHostKey(id: number): Promise<Host> {
    await this.row(id);
    this.probe.invalidate(id);
    const row = await this.hosts.update(id, { ssh_host_key: null });
    return this.changed(row!);
  }

  /** Pins a key seen on first contact by any job (not only check), unless one was pinned meanwhile. */
  async pinIfUnset(id: number, fingerprint: string): Promise<void> {
    const row = await this.hosts.get(id);
    if (row && !row.ssh_host_key) await this.changed((await this.hosts.update(id, { ssh_host_key: fingerprint }))!);
  }

  async importInventory(text: string): Promise<{ created: number; updated: number; skipped: number; hosts: Host[] }> {
    let entries;
    try {
      entries = parseAnsibleInventory(text);
    } catch (err) {
      if (err instanceof InventoryError) throw new AppError(422, 'invalid_inventory', err.message, { cause: err });
      throw err;
    }
    // Validate everything before writing anything: a bad entry must not leave half an import behind.
    const inputs = entries.map((e) => {
      try {
        return { entry: e, input: validate({ name: e.name, host: e.host, port: e.port ?? 22, username: e.username ?? this.defaultUser }) };
      } catch (err) {
        throw new AppError(422, 'invalid_inventory', `host "${e.name}": ${(err as Error).message}`);
      }
    });
    let created = 0;
    let updated = 0;
    let skipped = 0;
    const touched: Host[] = [];
    for (const { entry, input } of inputs) {
      // An inventory describes hosts by hand: it matches those (by name, else by address), never Portainer's.
      const existing = (await this.hosts.getByName(input.name, null)) ?? (await this.hosts.findByAddress(input.host, input.port!));
      if (!existing) {
        touched.push(await this.create(input, entry.groups));
        created++;
        continue;
      }
      const groups = [...new Set([...JSON.parse(existing.groups), ...entry.groups])].sort();
      const same =
        existing.host === input.host &&
        existing.port === input.port &&
        (entry.username === null || existing.username === input.username) &&
        JSON.stringify(groups) === existing.groups;
      if (same) {
        skipped++;
        continue;
      }
      const row = await this.hosts.update(existing.id, {
        host: input.host,
        port: input.port,
        ...(entry.username !== null ? { username: input.username } : {}),
        groups: JSON.stringify(groups),
        ...(existing.host !== input.host || existing.port !== input.port ? { ssh_host_key: null } : {}),
      });
      this.probe.invalidate(existing.id);
      touched.push(await this.changed(row!));
      updated++;
    }
    return { created, updated, skipped, hosts: touched };
  }

  private async changed(row: HostRow): Promise<Host> {
    const host = mapHost(row, await this.hosts.latestMetrics(row.id));
    this.bus.emit({ type: 'host_updated', host });
    return host;
  }
}

/**
 * A host discovered on a Portainer server takes its address and transport from there: only its name and OS type
 * are ours to change.
 */
/**
 * A discovered host's address, transport and name are Portainer's: the sync would put a hand-made rename back a
 * minute later, so it is refused with the place to do it instead. Its groups and OS label are ours to set.
 */
function refuseSourcedPatch(current: HostRow, patch: Partial<HostInput>): void {
  const fixed = (['host', 'port', 'username', 'transport'] as const).filter((k) => patch[k] !== undefined);
  if (fixed.length > 0) {
    throw invalid(`host ${current.name} comes from Portainer server ${current.portainer_server_id}: its ${fixed.join(', ')} cannot be changed here`);
  }
  if (patch.name !== undefined && patch.name !== current.name) {
    throw invalid(`host ${current.name} comes from Portainer server ${current.portainer_server_id}: its name follows the environment's name; rename the environment in Portainer`);
  }
}

/** Trimmed, without duplicates, sorted: the stored order never depends on how a client typed them. */
function normaliseGroups(groups: string[]): string[] {
  return [...new Set(groups.map((g) => g.trim()).filter((g) => g.length > 0))].sort();
}

function validateName(raw: string | undefined): string {
  const name = raw?.trim();
  if (!name || !NAME.test(name)) throw invalid('name: 1-63 letters, digits, dot, dash or underscore');
  return name;
}

function validate(input: HostInput): HostInput {
  const name = validateName(input.name);
  const host = input.host?.trim();
  if (!host || !(HOSTNAME.test(host) || (host.includes(':') && IPV6.test(host)))) {
    throw invalid('host: a DNS name or an IP address');
  }
  if (input.port !== undefined && !(Number.isInteger(input.port) && input.port >= 1 && input.port <= 65535)) {
    throw invalid('port: 1-65535');
  }
  if (input.username !== undefined && !USER.test(input.username)) throw invalid('username: a POSIX user name');
  return { ...input, name, host };
}

function osFromUname(uname: string): string | null {
  const kernel = uname.split(' ')[0];
  return kernel ? kernel.toLowerCase() : null;
}
