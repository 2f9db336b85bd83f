/** Portainer servers' names, for the "via Portainer" badges of their hosts; loaded once, on first need. */
import { signal } from '@preact/signals';
import type { Api, PortainerServer } from '../api/api';

export class PortainerStore {
  readonly servers = signal<PortainerServer[]>([]);
  private loading: Promise<void> | null = null;
  constructor(private readonly api: Api) {}

  /** Loads the list unless it is loaded or on its way; a failure lets the next call try again. */
  ensure(): Promise<void> {
    this.loading ??= this.load().catch((e) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }
  async load(): Promise<void> {
    this.servers.value = (await this.api.portainerServers()).servers;
  }
  name(id: number | null | undefined): string | undefined {
    return id == null ? undefined : this.servers.value.find((s) => s.id === id)?.name;
  }
}
