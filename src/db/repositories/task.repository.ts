import type { Kysely } from 'kysely';
import type { Task, TaskStatus } from '../../core/types.js';
import { nowIso } from '../../core/time.js';
import type { Database, TaskRow } from '../schema.js';

export function mapTask(row: TaskRow): Task {
  return { ...row, status: row.status as TaskStatus };
}

export interface TaskFilter {
  status?: TaskStatus;
  host_id?: number;
  action?: string;
  target?: string;
  limit?: number;
}

export class TaskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  create(t: { action: string; host_id: number | null; target: string | null; requested_by: string }): Promise<TaskRow> {
    return this.db
      .insertInto('tasks')
      .values({ ...t, status: 'pending', created_at: nowIso() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  get(id: number): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(f: TaskFilter): Promise<TaskRow[]> {
    let q = this.db.selectFrom('tasks').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    if (f.host_id !== undefined) q = q.where('host_id', '=', f.host_id);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.target) q = q.where('target', '=', f.target);
    return q.orderBy('id', 'desc').limit(f.limit ?? 100).execute();
  }

  markRunning(id: number): Promise<TaskRow> {
    return this.db
      .updateTable('tasks')
      .set({ status: 'running', started_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  finish(id: number, r: { status: 'success' | 'failed'; output: string | null; error: string | null; started: number }) {
    return this.db
      .updateTable('tasks')
      .set({ status: r.status, output: r.output, error: r.error, finished_at: nowIso(), duration_ms: Date.now() - r.started })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Tasks left pending/running by a server that stopped mid-way never finish: mark them failed at start. */
  async failInterrupted(): Promise<number> {
    const r = await this.db
      .updateTable('tasks')
      .set({ status: 'failed', error: 'interrupted: the server stopped while this task ran', finished_at: nowIso() })
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
