import type { EventBus } from '../core/event-bus.js';
import { KeyedLock } from '../core/keyed-lock.js';
import { notFound } from '../core/errors.js';
import type { Task } from '../core/types.js';
import { mapTask, type TaskFilter, type TaskRepository } from '../db/repositories/task.repository.js';

export interface TaskSpec {
  action: string;
  host_id: number | null;
  target: string | null;
  requested_by: string;
  /** Work under this key is serialized (e.g. "docker:3:<container id>"). */
  lockKey?: string;
}

/** What a task body returns: text for the task's output, and any value for the caller. */
export interface TaskOutcome<T> {
  output?: string | null;
  value: T;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Every action is a task: a row (pending -> running -> success|failed) with who, what, target, timings, output and
 * error, broadcast as `task_updated` at each step. Work under the same lock key runs one at a time.
 */
export class TaskService {
  private readonly lock = new KeyedLock();
  private readonly running = new Map<number, TaskSpec>();

  constructor(
    private readonly tasks: TaskRepository,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  async run<T>(spec: TaskSpec, body: (task: Task) => Promise<TaskOutcome<T>>): Promise<{ task: Task; value: T }> {
    let row = await this.tasks.create({ action: spec.action, host_id: spec.host_id, target: spec.target, requested_by: spec.requested_by });
    this.publish(mapTask(row));
    const exec = async () => {
      const started = Date.now();
      row = await this.tasks.markRunning(row.id);
      this.running.set(row.id, spec);
      this.publish(mapTask(row));
      try {
        const outcome = await body(mapTask(row));
        row = await this.tasks.finish(row.id, { status: 'success', output: outcome.output ?? null, error: null, started });
        this.log.info({ task: row.id, action: spec.action, target: spec.target, ms: row.duration_ms }, 'task succeeded');
        return { task: mapTask(row), value: outcome.value };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const output = (err as { output?: string }).output ?? null;
        row = await this.tasks.finish(row.id, { status: 'failed', output, error: message, started });
        this.log.warn({ task: row.id, action: spec.action, target: spec.target, err: message }, 'task failed');
        throw Object.assign(err instanceof Error ? err : new Error(message), { task: mapTask(row) });
      } finally {
        this.running.delete(row.id);
        this.publish(mapTask(row));
      }
    };
    return spec.lockKey ? this.lock.run(spec.lockKey, exec) : exec();
  }

  /** Tasks running right now on a target (the alert engine holds "down" alerts while a deploy runs). */
  runningOn(hostId: number, predicate: (spec: TaskSpec) => boolean): TaskSpec[] {
    return [...this.running.values()].filter((s) => s.host_id === hostId && predicate(s));
  }

  isLocked(key: string): boolean {
    return this.lock.isLocked(key);
  }

  async list(filter: TaskFilter): Promise<Task[]> {
    return (await this.tasks.list(filter)).map(mapTask);
  }

  async get(id: number): Promise<Task> {
    const row = await this.tasks.get(id);
    if (!row) throw notFound('task', id);
    return mapTask(row);
  }

  private publish(task: Task): void {
    this.bus.emit({ type: 'task_updated', task });
  }
}
