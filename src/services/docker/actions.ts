import { AppError, conflict } from '../../core/errors.js';
import type { ActionResult } from '../../core/types.js';
import { type DockerRepository, mapContainer } from '../../db/repositories/docker.repository.js';
import type { HostRow } from '../../db/schema.js';
import {
  type ComposeAction,
  type ContainerAction,
  type PruneKinds,
  type ShellCommand,
  composeAction,
  composeRedeploy,
  containerAction,
  prune,
} from '../../providers/docker/commands.js';
import { composeTarget, parsePruneOutput } from '../../providers/docker/parse-live.js';
import type { TransportFactory } from '../../providers/docker/transports.js';
import type { TaskService } from '../task.service.js';
import type { DockerCollector } from './collector.js';
import type { DockerService } from './docker.service.js';

export type Action = ContainerAction | 'redeploy';
export const ACTIONS: readonly Action[] = ['start', 'stop', 'restart', 'pause', 'unpause', 'kill', 'remove', 'redeploy'];

const TIMEOUT_MS: Record<Action, number> = {
  start: 60_000,
  stop: 60_000,
  restart: 90_000,
  pause: 30_000,
  unpause: 30_000,
  kill: 30_000,
  remove: 60_000,
  redeploy: 600_000,
};

export type { ActionResult };

/**
 * Container, compose and prune actions. Each is a task (who/what/when/result), runs under a per-container lock
 * (two actions on one container are serialized), is written to the host's timeline, and is followed by a refresh
 * so the answer carries the container's new state.
 */
export class DockerActions {
  constructor(
    private readonly service: DockerService,
    private readonly collector: DockerCollector,
    private readonly docker: DockerRepository,
    private readonly transports: TransportFactory,
    private readonly tasks: TaskService,
  ) {}

  async container(hostId: number, ref: string, action: Action, opts: { force?: boolean; volumes?: boolean }, by: string): Promise<ActionResult> {
    const host = await this.service.enabledHost(hostId);
    const c = await this.service.resolve(hostId, ref);
    let command: ShellCommand;
    if (action === 'redeploy') {
      const target = composeTarget(JSON.parse(c.labels));
      if (!target) {
        throw conflict(
          'not_compose',
          `${c.name} was not started by docker compose (no com.docker.compose.* labels): redeploy recreates a compose service; ` +
            'for a plain container, use restart, or recreate it with the command that created it',
        );
      }
      command = composeRedeploy(target);
    } else {
      command = containerAction(action, c.container_id, { force: opts.force, volumes: opts.volumes });
    }
    let task: { id: number };
    try {
      ({ task } = await this.runTask(host, `docker.container.${action}`, c.name, `docker:${hostId}:${c.container_id}`, by, command, TIMEOUT_MS[action]));
    } catch (err) {
      // Removed outside the dashboard since we last looked: say so (not "action failed"), and drop the stale row.
      if (action !== 'redeploy' && /No such container/i.test((err as Error).message)) {
        await this.collector.refresh(hostId, [c.container_id]).catch(() => undefined);
        throw new AppError(404, 'not_found', `${c.name} no longer exists on ${host.name} (removed outside the dashboard); the list is updated`, { cause: err });
      }
      throw err;
    }
    // Redeploy makes a new container (new id): a full collection finds it; other actions refresh just this one.
    if (action === 'redeploy') await this.service.collect(hostId);
    else await this.collector.refresh(hostId, [c.container_id]).catch(() => this.service.collect(hostId));
    const after = action === 'redeploy' ? await this.docker.findContainer(hostId, c.name) : await this.docker.getContainer(hostId, c.container_id);
    return { success: true, task_id: task.id, container: after && after !== 'ambiguous' ? mapContainer(after) : null };
  }

  async compose(hostId: number, project: string, action: ComposeAction, by: string) {
    const host = await this.service.enabledHost(hostId);
    const command = composeAction(project, action);
    const { task, value } = await this.runTask(host, `docker.compose.${action}`, project, `docker:${hostId}:compose:${project}`, by, command, 120_000);
    await this.service.collect(hostId);
    return { success: true as const, task_id: task.id, output: value };
  }

  async prune(hostId: number, kinds: PruneKinds, by: string) {
    const host = await this.service.enabledHost(hostId);
    const command = prune(kinds);
    const { task, value } = await this.runTask(host, 'docker.prune', Object.keys(kinds).filter((k) => kinds[k as keyof PruneKinds]).join(','), `docker:${hostId}:prune`, by, command, 300_000);
    const report = parsePruneOutput(value);
    await this.service.collect(hostId);
    return { success: true as const, task_id: task.id, reclaimed_bytes: report.reclaimed_bytes, kinds: report.kinds, output: value };
  }

  private async runTask(host: HostRow, action: string, target: string, lockKey: string, by: string, command: ShellCommand, timeoutMs: number) {
    try {
      const r = await this.tasks.run({ action, host_id: host.id, target, requested_by: by, lockKey }, async () => {
        const out = await this.transports.forHost(host).exec(command, { timeoutMs });
        const text = [out.stdout.trim(), out.stderr.trim()].filter(Boolean).join('\n').slice(-20_000);
        if (out.code !== 0) {
          const why = out.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${out.code}`;
          throw Object.assign(new Error(why), { output: text });
        }
        return { output: text, value: out.stdout };
      });
      await this.timeline(host.id, action, target, `${action} by ${by}: success`, r.task.id);
      return { task: r.task, value: r.value };
    } catch (err) {
      const task = (err as { task?: { id: number } }).task;
      await this.timeline(host.id, action, target, `${action} by ${by}: failed: ${(err as Error).message}`, task?.id ?? null);
      throw new AppError(502, 'action_failed', `${action.replace(/^docker\./, '')} ${target} on ${host.name} failed: ${(err as Error).message}${task ? ` (task ${task.id})` : ''}`, {
        cause: err,
      });
    }
  }

  private async timeline(hostId: number, action: string, target: string, message: string, taskId: number | null) {
    await this.docker.addEvent({
      host_id: hostId,
      time: new Date().toISOString(),
      kind: 'action',
      type: 'action',
      action,
      target_id: null,
      target_name: target,
      message,
      task_id: taskId,
    });
  }
}
