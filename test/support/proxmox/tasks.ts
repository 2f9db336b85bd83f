import { hex8 } from './access.js';
import type { AuthInfo, Clock, SimConfig } from './core.js';

/**
 * Background tasks and their UPIDs (reference §8; pve-common UPID.pm, RESTEnvironment fork_worker). A task is
 * `running` until its delay passes; then its work runs: returning means `TASK OK` (or `WARNINGS: n`), throwing means
 * `TASK ERROR: <message>`. The guest's state changes only then, as with PVE.
 */

export interface SimTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string; // user@realm or user@realm!token
  status: 'running' | 'stopped';
  exitstatus?: string;
  endtime?: number;
  log: string[];
}

/** What a task's work may report besides success */
export interface TaskOutcome {
  warnings?: number;
}

export type TaskWork = (log: (line: string) => void) => TaskOutcome | void;

export class TaskError extends Error {}

export const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export class TaskRunner {
  readonly tasks: SimTask[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextPid = 0x000a1b2c;
  private readonly failures: { type?: string; message: string }[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly config: SimConfig,
  ) {}

  /** The next task (of `type`, if given) ends with `TASK ERROR: message` instead of doing its work. */
  failNext(message: string, type?: string): void {
    this.failures.push({ type, message });
  }

  start(node: string, type: string, id: string, auth: AuthInfo, work: TaskWork): SimTask {
    const starttime = this.clock.now();
    const pid = this.nextPid++;
    const pstart = 171_925_025 + this.tasks.length;
    const user = auth.tokenid ?? auth.userid ?? 'root@pam';
    const task: SimTask = {
      upid: `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${type}:${id}:${user}:`,
      node,
      pid,
      pstart,
      starttime,
      type,
      id,
      user,
      status: 'running',
      log: [],
    };
    this.tasks.push(task);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(task, work);
    }, this.config.taskDelayMs);
    this.timers.add(timer);
    return task;
  }

  private finish(task: SimTask, work: TaskWork): void {
    if (task.status !== 'running') return;
    const log = (line: string): void => {
      task.log.push(line);
    };
    const i = this.failures.findIndex((f) => !f.type || f.type === task.type);
    try {
      if (i >= 0) throw new TaskError(this.failures.splice(i, 1)[0].message);
      const outcome = work(log);
      const warnings = outcome?.warnings ?? 0;
      this.end(task, warnings > 0 ? `WARNINGS: ${warnings}` : 'OK', warnings > 0 ? `TASK WARNINGS: ${warnings}` : 'TASK OK');
    } catch (err) {
      const message = (err as Error).message;
      this.end(task, message, `TASK ERROR: ${message}`);
    }
  }

  /** DELETE /nodes/{node}/tasks/{upid}: the worker is killed */
  stop(task: SimTask): void {
    if (task.status === 'running') this.end(task, 'interrupted by signal', 'TASK ERROR: interrupted by signal');
  }

  private end(task: SimTask, exitstatus: string, lastLine: string): void {
    task.log.push(lastLine);
    task.status = 'stopped';
    task.exitstatus = exitstatus;
    task.endtime = this.clock.now();
  }

  find(upid: string): SimTask | undefined {
    return this.tasks.find((t) => t.upid === upid);
  }

  /** resolves once no task is running (tests use it to wait for effects) */
  async idle(): Promise<void> {
    while (this.tasks.some((t) => t.status === 'running')) await new Promise((r) => setTimeout(r, 5));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** The task status object (§8.2): numbers for pid/pstart/starttime, `tokenid` split out of the user. */
export function taskStatus(task: SimTask): Record<string, unknown> {
  const [user, tokenid] = task.user.split('!');
  return {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user,
    ...(tokenid ? { tokenid } : {}),
    status: task.status,
    ...(task.status === 'stopped' ? { exitstatus: task.exitstatus } : {}),
  };
}
