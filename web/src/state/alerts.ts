/** Alerts that are not closed (open or acknowledged), for the navigation badge, the dashboard and host cards. */
import { computed, signal } from '@preact/signals';
import type { Alert } from '../../../src/core/types';
import type { Api } from '../api/api';
import type { WsClient } from '../api/ws';
import { removeWhere, upsert } from './collection';

export class AlertStore {
  readonly active = signal<Alert[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  /** Bumped on every alert message so closed/all lists on screen know to refresh. */
  readonly version = signal(0);
  readonly openCount = computed(() => this.active.value.filter((a) => a.state === 'open').length);

  constructor(private readonly api: Api) {}

  bind(ws: WsClient): () => void {
    const put = (a: Alert) => {
      if (a.state === 'closed') removeWhere(this.active, (x) => x.id === a.id);
      else upsert(this.active, a, (x) => x.id, true);
      this.version.value++;
    };
    // The generic messages cover every source (host alerts too); the seed's docker_alert_* repeat Docker ones only.
    const offs = [
      ws.on('alert_opened', (m) => put(m.alert)),
      ws.on('alert_updated', (m) => put(m.alert)),
      ws.on('alert_closed', (m) => put({ ...m.alert, state: 'closed' })),
      ws.on('hello', () => {
        if (this.loaded.value) void this.load().catch(() => undefined);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    try {
      // `open` includes acknowledged alerts (issue 4).
      this.active.value = (await this.api.alerts({ state: 'open' })).alerts;
      this.loaded.value = true;
      this.error.value = null;
    } catch (e) {
      // Shown in place of the list (and in a toast by the caller), instead of loading forever.
      this.error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  async ack(id: number, comment?: string): Promise<void> {
    upsert(this.active, await this.api.ackAlert(id, comment), (x) => x.id);
    this.version.value++;
  }
}
