/** Docker hosts and their containers, loaded from the API and kept live by WebSocket messages. */
import { signal, type Signal } from '@preact/signals';
import type { DockerContainer, DockerHostSummary } from '../../../src/core/types';
import type { Api } from '../api/api';
import type { WsClient } from '../api/ws';
import { removeWhere, upsert } from './collection';

export class DockerStore {
  readonly hosts = signal<DockerHostSummary[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  private containers = new Map<number, Signal<DockerContainer[]>>();
  private containersLoaded = new Set<number>();
  private inflight = new Map<number, Promise<void>>();

  constructor(private readonly api: Api) {}

  bind(ws: WsClient): () => void {
    const offs = [
      ws.on('docker_host_updated', (m) => this.applyHost(m.host)),
      ws.on('docker_container_updated', (m) => {
        if (this.containersLoaded.has(m.host_id)) this.putContainer(m.host_id, m.container);
      }),
      ws.on('docker_container_removed', (m) => {
        const list = this.containers.get(m.host_id);
        if (list) removeWhere(list, (c) => c.container_id === m.container_id || c.name === m.container_id);
      }),
      ws.on('host_removed', (m) => removeWhere(this.hosts, (h) => h.id === m.host_id)),
      // Reconnected after an outage: what changed meanwhile was not pushed, so fetch it again.
      ws.on('hello', () => {
        if (this.loaded.value) void this.load().catch(() => undefined);
        for (const id of this.containersLoaded) void this.loadContainers(id).catch(() => undefined);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    try {
      const res = await this.api.dockerHosts();
      this.hosts.value = res.hosts;
      this.loaded.value = true;
      this.error.value = null;
    } catch (e) {
      // Shown in place of the list (and in a toast by the caller), instead of loading forever.
      this.error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  applyHost(host: DockerHostSummary): void {
    upsert(this.hosts, host, (h) => h.id);
  }

  containersFor(hostId: number): Signal<DockerContainer[]> {
    let s = this.containers.get(hostId);
    if (!s) this.containers.set(hostId, (s = signal<DockerContainer[]>([])));
    return s;
  }

  /** Joins a load already on the wire, so opening a host fires one request even if two views ask. */
  loadContainers(hostId: number): Promise<void> {
    const running = this.inflight.get(hostId);
    if (running) return running;
    const p = this.api
      .containers(hostId)
      .then((res) => {
        this.containersFor(hostId).value = res.containers;
        this.containersLoaded.add(hostId);
      })
      .finally(() => this.inflight.delete(hostId));
    this.inflight.set(hostId, p);
    return p;
  }

  /** After an action, show the container as the server returned it without waiting for the push. */
  applyContainer(hostId: number, container: DockerContainer | null | undefined): void {
    if (container) this.putContainer(hostId, container);
  }

  /**
   * Messages are coalesced on the server and may arrive after the answer of an action that followed them:
   * an update older than what is shown (by last_update_at) must not put the old state back.
   */
  private putContainer(hostId: number, c: DockerContainer): void {
    const list = this.containersFor(hostId);
    const cur = list.value.find((x) => x.container_id === c.container_id);
    if (cur && Date.parse(c.last_update_at) < Date.parse(cur.last_update_at)) return;
    upsert(list, c, (x) => x.container_id);
  }
}
