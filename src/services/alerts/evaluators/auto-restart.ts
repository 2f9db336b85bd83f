import type { Logger } from 'pino';
import { AUTO_RESTART_WINDOW_MINUTES, autoRestartDelayMs, type MonitorSpec } from '../../../core/alert-rules.js';
import type { DockerContainer, Task } from '../../../core/types.js';
import type { AlertRepository } from '../../../db/repositories/alert.repository.js';
import type { TaskService } from '../../task.service.js';
import type { Timers } from '../timers.js';

export interface AutoRestartVerdict {
  /** the cap is reached: no more attempts in this window */
  gaveUp: boolean;
  attempts: number;
}

/**
 * `homelab.auto_restart=true`: a monitored container that went down is restarted as a task of the "system" user,
 * with backoff (0, 5 s, 10 s, 20 s...) and at most `homelab.auto_restart.max` attempts (3) in 10 minutes; then it
 * gives up and the alert says so. Attempts are rows (auto_restarts), so a server restart neither resets the cap nor
 * repeats an attempt. A container an operator stopped from the dashboard is left stopped.
 */
export class AutoRestarter {
  private readonly inflight = new Set<string>();

  constructor(
    private readonly d: {
      alerts: AlertRepository;
      tasks: TaskService;
      restartContainer: (hostId: number, ref: string, requestedBy: string) => Promise<unknown>;
      timers: Timers;
      logger: Logger;
    },
  ) {}

  async consider(c: DockerContainer, spec: MonitorSpec, recheck: () => Promise<void>): Promise<AutoRestartVerdict> {
    const key = `${c.host_id}:${c.name}`;
    const since = new Date(Date.now() - AUTO_RESTART_WINDOW_MINUTES * 60_000).toISOString();
    const attempts = await this.d.alerts.autoRestartsSince(c.host_id, c.name, since);
    if (attempts.length >= spec.autoRestartMax) return { gaveUp: true, attempts: attempts.length };
    if (this.inflight.has(key) || (await this.stoppedByOperator(c))) return { gaveUp: false, attempts: attempts.length };
    const last = attempts.at(-1);
    const due = last ? Date.parse(last.at) + autoRestartDelayMs(attempts.length) : Date.now();
    if (due > Date.now()) {
      this.d.timers.schedule(`restart:${key}`, due + 20, recheck);
      return { gaveUp: false, attempts: attempts.length };
    }
    await this.d.alerts.recordAutoRestart(c.host_id, c.name);
    this.inflight.add(key);
    this.d.logger.warn({ host: c.host_id, container: c.name, attempt: attempts.length + 1, max: spec.autoRestartMax }, 'auto-restarting container');
    // Not awaited: the evaluation must not wait for a restart; the task's end is itself an event that re-evaluates.
    void this.d
      .restartContainer(c.host_id, c.name, 'system')
      .catch((err) => this.d.logger.warn({ host: c.host_id, container: c.name, err: (err as Error).message }, 'auto-restart failed'))
      .finally(() => {
        this.inflight.delete(key);
        this.d.timers.schedule(`restart:${key}`, Date.now() + 1_000, recheck);
      });
    return { gaveUp: false, attempts: attempts.length + 1 };
  }

  /** The latest dashboard task on this container (or its compose project) stopped it, and nothing started it since. */
  private async stoppedByOperator(c: DockerContainer): Promise<boolean> {
    const refs = [c.name, c.compose_project].filter((r): r is string => !!r);
    for (const target of refs) {
      const latest = (await this.d.tasks.list({ host_id: c.host_id, target, limit: 5 })).find((t: Task) => t.requested_by !== 'system');
      if (!latest || latest.status !== 'success' || !/\.(stop|kill|pause)$/.test(latest.action)) continue;
      const startedAfter = c.started_at && latest.finished_at && Date.parse(c.started_at) > Date.parse(latest.finished_at);
      if (!startedAfter) return true;
    }
    return false;
  }
}
