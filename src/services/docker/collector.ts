import { conflict } from '../../core/errors.js';
import type { CollectResult } from '../../core/types.js';
import type { DockerRepository } from '../../db/repositories/docker.repository.js';
import type { ContainerDiff } from '../../db/repositories/docker.repository.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import type { HostRow } from '../../db/schema.js';
import { isEngineError, type Snapshot } from '../../providers/docker/engine.js';
import { containerFromInspect } from '../../providers/docker/parse.js';
import type { ParsedContainer } from '../../providers/docker/parse.js';
import type { Engines } from '../../providers/registry.js';
import { containerValues, imageValues, networkValues, volumeValues } from './rows.js';

/** What one collection answers: the API's shape (src/contract/docker.ts). */
export type { CollectResult };

export interface CollectorDeps {
  docker: DockerRepository;
  hosts: HostRepository;
  engines: Engines;
  /** Called with what changed, after the write (events on the bus, alert evaluation). */
  onChange(host: HostRow, diff: ContainerDiff): void;
  log: { warn(o: object, m?: string): void; debug(o: object, m?: string): void };
  execTimeoutMs: number;
  inspectFullEvery: number;
}

/**
 * Collection of one Docker host: ONE round trip for version, ps, inspect (all containers on a full pass, else only
 * those known to have changed), images, volumes and networks; a second one only when ps shows new or changed
 * containers that were not inspected. Each section is parsed on its own: a bad section is reported and the others are
 * stored. Writes are a diff in one transaction.
 */
export class DockerCollector {
  private readonly cycles = new Map<number, number>();

  constructor(private readonly d: CollectorDeps) {}

  async collect(hostId: number, opts: { full?: boolean; dirty?: string[] } = {}): Promise<CollectResult> {
    const started = Date.now();
    const host = await this.d.hosts.get(hostId);
    if (!host) throw new Error(`host ${hostId} not found`);
    const stored = new Map((await this.d.docker.listContainers(hostId)).map((r) => [r.container_id, r]));
    const cycle = (this.cycles.get(hostId) ?? 0) + 1;
    this.cycles.set(hostId, cycle);
    const full = opts.full || stored.size === 0 || cycle % this.d.inspectFullEvery === 1 || this.d.inspectFullEvery === 1;
    const dirty = (opts.dirty ?? []).filter((id) => stored.has(id));

    const engine = this.d.engines.forHost(host);
    let out: Snapshot;
    try {
      out = await engine.snapshot({ inspect: full ? 'all' : dirty, timeoutMs: this.d.execTimeoutMs });
    } catch (err) {
      if (!isEngineError(err)) throw err;
      return this.unreachable(host, err, started);
    }
    let roundTrips = out.round_trips;
    if (out.daemon_error) return this.dockerError(host, out.daemon_error, started, out);

    // Containers whose ps line changed since their last inspect (or new ones) get inspected now.
    let containers = out.containers;
    const need = containers.filter((c) => !c.inspected && (stored.get(c.container_id)?.ps_signature !== c.fingerprint || !stored.has(c.container_id)));
    let inspected = containers.filter((c) => c.inspected).length;
    if (need.length) {
      roundTrips++;
      // A container removed between the two round trips is simply not in the answer (the next cycle drops it).
      const r = await engine.inspect(need.map((c) => c.container_id), { timeoutMs: this.d.execTimeoutMs }).catch(() => null);
      if (r) {
        const { objects: inspects, errors } = r;
        out.errors.push(...errors);
        const byId = new Map(containers.map((c) => [c.container_id, c]));
        for (const raw of inspects) {
          const merged = containerFromInspect(raw, byId.get(String(raw.Id)));
          if (merged) byId.set(merged.container_id, merged);
        }
        containers = [...byId.values()];
        inspected += inspects.length;
      }
    }

    await this.ensureEnabled(host);
    const now = new Date().toISOString();
    const psOk = out.sections.ps?.ok === true;
    let diff: ContainerDiff = { added: [], changed: [], removed: [] };
    if (psOk) {
      diff = await this.d.docker.applyContainers(hostId, containers.map((c) => containerValues(c, stored.get(c.container_id), now)), { complete: true });
    }
    await this.d.docker.replaceInventory(hostId, {
      images: out.sections.images?.ok ? out.images.map(imageValues) : undefined,
      volumes: out.sections.volumes?.ok ? out.volumes.map(volumeValues) : undefined,
      networks: out.sections.networks?.ok ? out.networks.map(networkValues) : undefined,
    });
    const version = out.version?.server ?? host.docker_version;
    const updated = await this.d.hosts.update(hostId, {
      docker_status: 'online',
      docker_status_reason: out.errors.length ? `partial: ${out.errors.map((e) => `${e.section}: ${e.message}`).join('; ').slice(0, 500)}` : null,
      docker_version: version,
      docker_last_collect_at: now,
    });
    if (out.errors.length) this.d.log.warn({ host: host.name, errors: out.errors }, 'docker collection: some sections unreadable');
    this.d.onChange(updated!, diff);
    return {
      host_id: hostId,
      docker_status: 'online',
      docker_version: version,
      containers: containers.length,
      running: containers.filter((c) => c.state === 'running').length,
      images: out.images.length,
      volumes: out.volumes.length,
      networks: out.networks.length,
      inspected,
      round_trips: roundTrips,
      duration_ms: Date.now() - started,
      errors: out.errors.map((e) => ({ section: e.section, message: e.message })),
    };
  }

  /** Targeted refresh of some containers (after a docker event or an action): one inspect round trip. */
  async refresh(hostId: number, ids: string[]): Promise<ContainerDiff> {
    const host = await this.d.hosts.get(hostId);
    if (!host || ids.length === 0) return { added: [], changed: [], removed: [] };
    const { objects: inspects, missing } = await this.d.engines.forHost(host).inspect(ids, { timeoutMs: this.d.execTimeoutMs });
    await this.ensureEnabled(host);
    const now = new Date().toISOString();
    const values = [];
    for (const raw of inspects) {
      const storedRow = await this.d.docker.getContainer(hostId, String(raw.Id));
      const c = containerFromInspect(raw);
      if (!c) continue;
      values.push(containerValues({ ...c, status: statusText(c), fingerprint: storedRow?.ps_signature ?? '' }, storedRow, now));
    }
    // Only the engine saying "no such container" means gone (any other failure rejected above), and only a full id
    // names a row for certain.
    const removedIds = missing.filter((id) => /^[0-9a-f]{64}$/.test(id));
    const diff = await this.d.docker.applyContainers(hostId, values, { complete: false, removedIds });
    this.d.onChange(host, diff);
    return diff;
  }

  /**
   * Docker may be disabled on the host while its remote commands run (a second or more): writing afterwards brought
   * back the rows that disable had just cleared, and showed the disabled host online. (Check and write are not one
   * transaction; the gap left is a few microtasks, not a round trip.)
   */
  private async ensureEnabled(host: HostRow): Promise<void> {
    const now = await this.d.hosts.get(host.id);
    if (!now?.docker_enabled) throw conflict('docker_disabled', `Docker was disabled on ${host.name} during the collection: nothing was stored`);
  }

  private async unreachable(host: HostRow, err: Error, started: number): Promise<CollectResult> {
    const reason = `cannot reach the host: ${err.message}`;
    return this.markDown(host, 'unreachable', reason, started, null);
  }

  private async dockerError(host: HostRow, reason: string, started: number, out: Snapshot): Promise<CollectResult> {
    return this.markDown(host, 'error', `docker is not answering: ${reason}`, started, out);
  }

  /** Docker or the host is down: keep the last known containers, flagged stale, and say why. */
  private async markDown(host: HostRow, status: 'error' | 'unreachable', reason: string, started: number, out: Snapshot | null): Promise<CollectResult> {
    await this.ensureEnabled(host);
    await this.d.docker.markStale(host.id, true);
    const updated = await this.d.hosts.update(host.id, { docker_status: status, docker_status_reason: reason.slice(0, 1000) });
    this.d.log.warn({ host: host.name, status, reason }, 'docker collection failed');
    this.d.onChange(updated!, { added: [], changed: [], removed: [] });
    const rows = await this.d.docker.listContainers(host.id);
    return {
      host_id: host.id,
      docker_status: status,
      docker_version: host.docker_version,
      containers: rows.length,
      running: rows.filter((r) => r.state === 'running').length,
      images: 0,
      volumes: 0,
      networks: 0,
      inspected: 0,
      round_trips: 1,
      duration_ms: Date.now() - started,
      errors: [{ section: 'docker', message: reason }, ...(out?.errors ?? []).map((e) => ({ section: e.section, message: e.message }))],
    };
  }
}

/** ps's human status text, rebuilt from inspect for a targeted refresh (the next collection brings ps's own). */
function statusText(c: ParsedContainer): string {
  if (c.state === 'running') return c.health !== 'none' ? `Up (${c.health === 'starting' ? 'health: starting' : c.health})` : 'Up';
  if (c.state === 'paused') return 'Up (Paused)';
  if (c.state === 'exited') return `Exited (${c.exit_code ?? 0})`;
  return c.state.charAt(0).toUpperCase() + c.state.slice(1);
}
