import type { EventBus } from '../../core/event-bus.js';
import { parseJson } from '../../core/time.js';
import { AppError, conflict, notFound } from '../../core/errors.js';
import { Semaphore } from '../../core/semaphore.js';
import type { DockerContainer, DockerHostSummary } from '../../core/types.js';
import { type ContainerDiff, type DockerRepository, mapContainer, mapEvent, mapImage, mapNetwork, mapVolume } from '../../db/repositories/docker.repository.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import type { DockerContainerRow, HostRow } from '../../db/schema.js';
import * as g from '../../providers/docker/grammar.js';
import type { Engines } from '../../providers/registry.js';
import type { CollectResult, DockerCollector } from './collector.js';

/**
 * Reads and the host-level use cases of the Docker area: host summaries, enable/disable, collection with bounded
 * concurrency, container lookup (id, unique prefix or name), and publishing what changed on the bus.
 */
export class DockerService {
  private readonly pool: Semaphore;
  private readonly inFlight = new Map<number, Promise<CollectResult>>();
  private readonly afterCollect: ((hostId: number, r: CollectResult) => Promise<void>)[] = [];

  constructor(
    private readonly docker: DockerRepository,
    private readonly hosts: HostRepository,
    private readonly bus: EventBus,
    concurrency: number,
    private readonly engines: Engines,
    private collector: DockerCollector | null = null,
  ) {
    this.pool = new Semaphore(concurrency);
  }

  setCollector(c: DockerCollector): void {
    this.collector = c;
  }

  /** Work that follows every collection of a host (log capture), inside the same run: it never overlaps the next. */
  onCollected(fn: (hostId: number, r: CollectResult) => Promise<void>): void {
    this.afterCollect.push(fn);
  }

  /** Every host's card, or those of one group. */
  async summaries(group?: string): Promise<DockerHostSummary[]> {
    const [hosts, counts, alerts] = await Promise.all([this.hosts.list(), this.docker.counts(), this.docker.openAlertCounts()]);
    return hosts.map((h) => this.toSummary(h, counts.get(h.id), alerts.get(h.id))).filter((s) => group === undefined || s.groups.includes(group));
  }

  async summary(hostId: number): Promise<DockerHostSummary> {
    const host = await this.host(hostId);
    const [counts, alerts] = await Promise.all([this.docker.counts(), this.docker.openAlertCounts()]);
    return this.toSummary(host, counts.get(hostId), alerts.get(hostId));
  }

  async host(hostId: number): Promise<HostRow> {
    const h = await this.hosts.get(hostId);
    if (!h) throw notFound('host', hostId);
    return h;
  }

  async enabledHost(hostId: number): Promise<HostRow> {
    const h = await this.host(hostId);
    if (!h.docker_enabled) throw conflict('docker_disabled', `Docker is not enabled on ${h.name}: enable it first (POST /api/docker/hosts/${hostId}/enable)`);
    return h;
  }

  async setEnabled(hostId: number, enabled: boolean): Promise<HostRow> {
    const host = await this.host(hostId);
    // A Portainer environment is a Docker engine by definition: its sync, not a person, decides whether it is one.
    if (host.portainer_server_id !== null) throw new AppError(422, 'managed_by_portainer', `host ${host.name} comes from Portainer server ${host.portainer_server_id}: its Docker cannot be turned on or off by hand`);
    const row = await this.hosts.update(hostId, enabled ? { docker_enabled: 1 } : { docker_enabled: 0, docker_status: 'unknown', docker_status_reason: null });
    if (!enabled) await this.docker.clearHost(hostId);
    await this.publishHost(hostId);
    return row!;
  }

  /** One collection of a host; concurrent requests for the same host share the run in flight. */
  collect(hostId: number, opts: { full?: boolean; dirty?: string[] } = {}): Promise<CollectResult> {
    const running = this.inFlight.get(hostId);
    if (running) return running;
    const p = this.pool
      .run(async () => {
        const r = await this.collector!.collect(hostId, opts);
        for (const fn of this.afterCollect) await fn(hostId, r);
        return r;
      })
      .finally(() => this.inFlight.delete(hostId));
    this.inFlight.set(hostId, p);
    return p;
  }

  async listContainers(hostId: number, f: { state?: string; compose_project?: string; label?: string } = {}): Promise<DockerContainer[]> {
    await this.host(hostId);
    const [list, settings] = await Promise.all([this.docker.listContainers(hostId, f), this.docker.captureSettings(hostId)]);
    let rows = list.map((r) => mapContainer(r, settings));
    if (f.label) {
      const [k, v] = splitLabel(f.label);
      rows = rows.filter((c) => (v === undefined ? k in c.labels : c.labels[k] === v));
    }
    return rows;
  }

  async allContainers(): Promise<DockerContainer[]> {
    const enabled = new Set((await this.hosts.list()).filter((h) => h.docker_enabled).map((h) => h.id));
    const [list, settings] = await Promise.all([this.docker.allContainers(), this.docker.captureSettings()]);
    return list.filter((r) => enabled.has(r.host_id)).map((r) => mapContainer(r, settings));
  }

  async images(hostId: number) {
    await this.host(hostId);
    return (await this.docker.listImages(hostId)).map(mapImage);
  }
  async volumes(hostId: number) {
    await this.host(hostId);
    return (await this.docker.listVolumes(hostId)).map(mapVolume);
  }
  async networks(hostId: number) {
    await this.host(hostId);
    return (await this.docker.listNetworks(hostId)).map(mapNetwork);
  }
  async events(hostId: number, limit: number) {
    await this.host(hostId);
    return (await this.docker.listEvents(hostId, limit)).map(mapEvent);
  }

  /** id, unique id prefix, or name -> the stored container; 422 for a ref outside Docker's grammar, 404/409 else. */
  async resolve(hostId: number, ref: string): Promise<DockerContainerRow> {
    g.containerRef(ref);
    const r = await this.docker.findContainer(hostId, ref);
    if (r === 'ambiguous') throw new AppError(409, 'ambiguous_container', `"${ref}" matches several containers: give more of the id, or the name`);
    if (!r) throw notFound('container', ref);
    return r;
  }

  /** Publishes a collection's or refresh's diff: container events, then the host card. */
  publish(host: HostRow, diff: ContainerDiff): void {
    for (const c of [...diff.added, ...diff.changed]) this.bus.emit({ type: 'docker_container_updated', host_id: host.id, container: c });
    for (const c of diff.removed) {
      this.bus.emit({ type: 'docker_container_removed', host_id: host.id, container_id: c.container_id, name: c.name, labels: c.labels });
    }
    void this.publishHost(host.id);
  }

  private toSummary(h: HostRow, counts: { running: number; total: number } | undefined, alerts: number | undefined): DockerHostSummary {
    return {
      id: h.id,
      name: h.name,
      host: h.host,
      transport: h.transport as DockerHostSummary['transport'],
      status: h.status as DockerHostSummary['status'],
      groups: parseJson<string[]>(h.groups, []),
      docker_enabled: h.docker_enabled === 1,
      docker_status: h.docker_status as DockerHostSummary['docker_status'],
      docker_status_reason: h.docker_status_reason,
      docker_version: h.docker_version,
      docker_last_collect_at: h.docker_last_collect_at,
      containers_running: counts?.running ?? 0,
      containers_total: counts?.total ?? 0,
      open_alerts: alerts ?? 0,
      capabilities: { ...this.engines.capabilities(h), prune: [...this.engines.capabilities(h).prune] },
    };
  }

  async publishHost(hostId: number): Promise<void> {
    const s = await this.summary(hostId).catch(() => null);
    if (s) this.bus.emit({ type: 'docker_host_updated', host: s });
  }
}

function splitLabel(label: string): [string, string | undefined] {
  const i = label.indexOf('=');
  return i < 0 ? [label, undefined] : [label.slice(0, i), label.slice(i + 1)];
}
