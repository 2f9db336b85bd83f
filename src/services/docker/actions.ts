import { AppError, conflict } from '../../core/errors.js';
import type { ActionResult } from '../../core/types.js';
import { type DockerRepository, mapContainer } from '../../db/repositories/docker.repository.js';
import type { HostRow } from '../../db/schema.js';
import {
  type ActionOutput,
  type ComposeAction,
  type ContainerAction,
  type DockerEngine,
  type EngineCapabilities,
  type PruneKinds,
  isEngineError,
} from '../../providers/docker/engine.js';
import * as g from '../../providers/docker/grammar.js';
import { checkComposeTarget, checkPruneKinds } from '../../providers/docker/grammar.js';
import { composeTarget } from '../../providers/docker/parse-live.js';
import type { Engines } from '../../providers/registry.js';
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
    private readonly engines: Engines,
    private readonly tasks: TaskService,
  ) {}

  async container(hostId: number, ref: string, action: Action, opts: { force?: boolean; volumes?: boolean }, by: string): Promise<ActionResult> {
    const host = await this.service.enabledHost(hostId);
    const c = await this.service.resolve(hostId, ref);
    let run: (engine: DockerEngine) => Promise<ActionOutput>;
    if (action === 'redeploy') {
      this.require(host, 'redeploy', 'redeploy (compose pull + recreate)');
      const target = composeTarget(JSON.parse(c.labels));
      if (!target) {
        throw conflict(
          'not_compose',
          `${c.name} was not started by docker compose (no com.docker.compose.* labels): redeploy recreates a compose service; ` +
            'for a plain container, use restart, or recreate it with the command that created it',
        );
      }
      checkComposeTarget(target); // 422 before any task: labels come from the container, i.e. from outside
      run = (e) => e.redeploy(target, { timeoutMs: TIMEOUT_MS.redeploy });
    } else {
      run = (e) => e.action(c.container_id, action, { force: opts.force, volumes: opts.volumes, timeoutMs: TIMEOUT_MS[action] });
    }
    let task: { id: number };
    try {
      ({ task } = await this.runTask(host, `docker.container.${action}`, c.name, `docker:${hostId}:${c.container_id}`, by, run));
    } catch (err) {
      // Removed outside the dashboard since we last looked: say so (not "action failed"), and drop the stale row.
      if (action !== 'redeploy' && isEngineError((err as Error).cause, 'not_found')) {
        await this.collector.refresh(hostId, [c.container_id]).catch(() => undefined);
        throw new AppError(404, 'not_found', `${c.name} no longer exists on ${host.name} (removed outside the dashboard); the list is updated`, { cause: err });
      }
      throw err;
    }
    // Redeploy makes a new container (new id): a full collection finds it; other actions refresh just this one.
    if (action === 'redeploy') await this.service.collect(hostId);
    else await this.collector.refresh(hostId, [c.container_id]).catch(() => this.service.collect(hostId));
    const after = action === 'redeploy' ? await this.docker.findContainer(hostId, c.name) : await this.docker.getContainer(hostId, c.container_id);
    return { success: true, task_id: task.id, container: after && after !== 'ambiguous' ? mapContainer(after, await this.docker.captureSettings(hostId)) : null };
  }

  async compose(hostId: number, project: string, action: ComposeAction, by: string) {
    const host = await this.service.enabledHost(hostId);
    this.require(host, 'compose_actions', 'compose project actions');
    g.composeProject(project);
    const { task, value } = await this.runTask(host, `docker.compose.${action}`, project, `docker:${hostId}:compose:${project}`, by, (e) =>
      e.composeAction(project, action, { timeoutMs: 120_000 }),
    );
    await this.service.collect(hostId);
    return { success: true as const, task_id: task.id, output: value.answer };
  }

  async prune(hostId: number, kinds: PruneKinds, by: string) {
    const host = await this.service.enabledHost(hostId);
    checkPruneKinds(kinds);
    const chosen = (Object.keys(kinds) as (keyof PruneKinds)[]).filter((k) => kinds[k]);
    const unsupported = chosen.filter((k) => !this.engines.capabilities(host).prune.includes(k));
    if (unsupported.length) throw conflict('not_supported', `${host.name} cannot prune ${unsupported.join(', ')}`);
    const { task, value } = await this.runTask(host, 'docker.prune', chosen.join(','), `docker:${hostId}:prune`, by, (e) => e.prune(kinds, { timeoutMs: 300_000 }));
    await this.service.collect(hostId);
    return { success: true as const, task_id: task.id, reclaimed_bytes: value.reclaimed_bytes, kinds: value.kinds, output: value.answer };
  }

  /** 409 not_supported when the host's engine cannot do this (the UI offers only what capabilities say). */
  private require(host: HostRow, capability: 'redeploy' | 'compose_actions', what: string): void {
    const caps: EngineCapabilities = this.engines.capabilities(host);
    if (!caps[capability]) throw conflict('not_supported', `${what} is not available on ${host.name} (a ${host.transport} host)`);
  }

  private async runTask<T extends ActionOutput>(host: HostRow, action: string, target: string, lockKey: string, by: string, run: (e: DockerEngine) => Promise<T>) {
    try {
      const r = await this.tasks.run({ action, host_id: host.id, target, requested_by: by, lockKey }, async () => {
        const value = await run(this.engines.forHost(host));
        return { output: value.output, value };
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
