/** Recent tasks (who did what), kept live by task_updated. */
import { signal } from '@preact/signals';
import type { Task } from '../../../src/core/types';
import type { Api } from '../api/api';
import type { WsClient } from '../api/ws';
import { upsert } from './collection';

const KEEP = 300;

export class TaskStore {
  readonly recent = signal<Task[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  constructor(private readonly api: Api) {}

  bind(ws: WsClient): () => void {
    const offs = [
      ws.on('task_updated', (m) => {
        upsert(this.recent, m.task, (t) => t.id, true);
        if (this.recent.value.length > KEEP) this.recent.value = this.recent.value.slice(0, KEEP);
      }),
      ws.on('hello', () => {
        if (this.loaded.value) void this.load().catch(() => undefined);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    try {
      this.recent.value = (await this.api.tasks({ limit: 100 })).tasks;
      this.loaded.value = true;
      this.error.value = null;
    } catch (e) {
      // Shown in place of the list (and in a toast by the caller), instead of loading forever.
      this.error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }
}
