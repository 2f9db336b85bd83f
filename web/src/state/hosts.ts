/** Managed hosts (SSH), kept live by host_updated / host_removed. */
import { signal } from '@preact/signals';
import type { Host } from '../../../src/core/types';
import type { Api } from '../api/api';
import type { WsClient } from '../api/ws';
import { removeWhere, upsert } from './collection';

export class HostStore {
  readonly hosts = signal<Host[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  constructor(private readonly api: Api) {}

  bind(ws: WsClient): () => void {
    const offs = [
      ws.on('host_updated', (m) => upsert(this.hosts, m.host, (h) => h.id)),
      ws.on('host_removed', (m) => removeWhere(this.hosts, (h) => h.id === m.host_id)),
      ws.on('hello', () => {
        if (this.loaded.value) void this.load().catch(() => undefined);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    try {
      this.hosts.value = (await this.api.hosts()).hosts;
      this.loaded.value = true;
      this.error.value = null;
    } catch (e) {
      // Shown in place of the list (and in a toast by the caller), instead of loading forever.
      this.error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  put(host: Host): void {
    upsert(this.hosts, host, (h) => h.id);
  }
  drop(id: number): void {
    removeWhere(this.hosts, (h) => h.id === id);
  }
}
