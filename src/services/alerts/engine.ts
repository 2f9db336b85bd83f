import type { Logger } from 'pino';
import {
  AUTO_RESTART_WINDOW_MINUTES,
  type HostFacts,
  RESTART_LOOP,
  type RuleResult,
  evaluateContainer,
  evaluateHost,
  missingResult,
  monitorSpec,
  parseTarget,
  restartLoopResult,
  restartsInWindow,
} from '../../core/alert-rules.js';
import { KeyedLock } from '../../core/keyed-lock.js';
import type { DockerContainer, Task } from '../../core/types.js';
import type { AlertRepository } from '../../db/repositories/alert.repository.js';
import type { TaskService, TaskSpec } from '../task.service.js';
import type { AutoRestarter } from './auto-restart.js';
import type { AlertLifecycle } from './lifecycle.js';

export interface DockerView {
  listContainers(hostId: number): Promise<DockerContainer[]>;
  allContainers(): Promise<DockerContainer[]>;
}

/** Actions on a container that take it down on purpose while they run (deploy-aware alerting). */
const HOLDING_ACTION = /^docker\.(container|compose)\./;

/**
 * Turns what the Docker and host areas report into rule verdicts and hands them to the lifecycle. Work on one
 * container (or host) is serialized, so an event and the safety-net pass never interleave on the same target.
 */
export class AlertEngine {
  private readonly lock = new KeyedLock();
  /** grace of containers seen removed (their labels are gone with them); default grace after a restart */
  private readonly missingGrace = new Map<string, number>();

  constructor(
    private readonly d: {
      alerts: AlertRepository;
      lifecycle: AlertLifecycle;
      autoRestart: AutoRestarter;
      tasks: TaskService;
      docker: DockerView;
      logger: Logger;
      graceSeconds: number;
    },
  ) {}

  // --- containers ---------------------------------------------------------------------------------------------

  containerChanged(c: DockerContainer): Promise<void> {
    return this.lock.run(`c:${c.host_id}:${c.name}`, () => this.evaluate(c));
  }

  /** Re-reads a container from the Docker area's store and evaluates it (grace end, task end, backoff end). */
  recheckContainer(hostId: number, name: string): Promise<void> {
    return this.lock.run(`c:${hostId}:${name}`, async () => {
      const c = (await this.d.docker.listContainers(hostId)).find((x) => x.name === name);
      if (c) await this.evaluate(c);
      else if ((await this.d.alerts.listConditions()).some((x) => x.target === missingResult(hostId, name, true, 0).target)) {
        await this.evaluateMissing(hostId, name);
      }
    });
  }

  private async evaluate(c: DockerContainer): Promise<void> {
    if (c.stale) return; // last known state of an unreachable daemon proves nothing
    const spec = monitorSpec(c.labels, { graceSeconds: this.d.graceSeconds });
    // Most containers are not monitored: skip them unless they still carry an alert or a clock (label just removed).
    if (!spec.monitored && !(await this.d.alerts.hasAnyForContainer(c.host_id, c.name))) return;
    const recheck = () => this.recheckContainer(c.host_id, c.name);
    const [down, unhealthy] = evaluateContainer(c, { graceSeconds: this.d.graceSeconds }) as [RuleResult, RuleResult];
    const held = down.active && this.heldByTask(c);
    if (held) {
      await this.d.lifecycle.forget(down.target);
    } else {
      if (down.active && spec.autoRestart) {
        const v = await this.d.autoRestart.consider(c, spec, recheck);
        if (v.gaveUp) down.message += ` — auto-restart gave up after ${v.attempts} attempts in ${AUTO_RESTART_WINDOW_MINUTES} min`;
      }
      await this.d.lifecycle.apply(down, recheck);
    }
    await this.d.lifecycle.apply(unhealthy, recheck);
    await this.d.lifecycle.apply(missingResult(c.host_id, c.name, false, spec.graceSeconds), recheck);
    await this.d.lifecycle.apply(await this.restartLoop(c, spec.monitored), recheck);
  }

  /** Samples RestartCount when it changes (persisted) and judges the loop rule over the window. */
  private async restartLoop(c: DockerContainer, monitored: boolean): Promise<RuleResult> {
    if (!monitored) return restartLoopResult(c.host_id, c.name, 0, false);
    let samples = await this.d.alerts.restartSamples(c.host_id, c.name);
    const last = samples.at(-1);
    if (!last || last.container_id !== c.container_id || c.restart_count < last.restart_count) {
      // first sight, or another instance (recreated): a fresh baseline
      await this.d.alerts.clearRestartSamples(c.host_id, c.name);
      await this.d.alerts.addRestartSample(c.host_id, c.name, c.container_id, c.restart_count);
      samples = await this.d.alerts.restartSamples(c.host_id, c.name);
    } else if (c.restart_count > last.restart_count) {
      await this.d.alerts.addRestartSample(c.host_id, c.name, c.container_id, c.restart_count);
      samples = await this.d.alerts.restartSamples(c.host_id, c.name);
    }
    return restartLoopResult(c.host_id, c.name, restartsInWindow(samples, c.restart_count, Date.now()), true);
  }

  private heldByTask(c: Pick<DockerContainer, 'host_id' | 'name' | 'container_id' | 'compose_project'>): boolean {
    return this.d.tasks.runningOn(c.host_id, (s: TaskSpec) => s.requested_by !== 'system' && HOLDING_ACTION.test(s.action) && refersTo(s, c)).length > 0;
  }

  containerRemoved(hostId: number, name: string, containerId: string, labels: Record<string, string>): Promise<void> {
    return this.lock.run(`c:${hostId}:${name}`, async () => {
      const spec = monitorSpec(labels, { graceSeconds: this.d.graceSeconds });
      await this.d.alerts.clearRestartSamples(hostId, name);
      if (!spec.monitored) return;
      this.missingGrace.set(`${hostId}:${name}`, spec.graceSeconds);
      const project = labels['com.docker.compose.project'] ?? null;
      if (this.heldByTask({ host_id: hostId, name, container_id: containerId, compose_project: project })) {
        await this.d.lifecycle.forget(missingResult(hostId, name, true, 0).target);
        return;
      }
      await this.evaluateMissing(hostId, name);
    });
  }

  /** A monitored container is not in the store: gone, unless it came back, or an operator removed it on purpose. */
  private async evaluateMissing(hostId: number, name: string): Promise<void> {
    const present = (await this.d.docker.listContainers(hostId)).find((c) => c.name === name);
    if (present) return this.evaluate(present);
    const grace = this.missingGrace.get(`${hostId}:${name}`) ?? this.d.graceSeconds;
    const result = missingResult(hostId, name, true, grace);
    if (await this.removedByOperator(hostId, name)) {
      // Removed from the dashboard on purpose: not an incident, and its other alerts have nothing left to watch.
      await this.d.lifecycle.forget(result.target);
      for (const open of await this.d.alerts.list({ host_id: hostId, state: 'open' })) {
        if (open.container_name === name && open.source === 'docker') await this.d.lifecycle.close(open);
      }
      return;
    }
    await this.d.lifecycle.apply(result, () => this.recheckContainer(hostId, name));
  }

  private async removedByOperator(hostId: number, name: string): Promise<boolean> {
    const recent = (await this.d.tasks.list({ host_id: hostId, target: name, limit: 5 })).find((t: Task) => t.requested_by !== 'system');
    return !!recent && recent.status === 'success' && recent.action === 'docker.container.remove';
  }

  /** A dashboard task ended: what it held is judged again now (an alert it would have raised still opens). */
  async taskEnded(task: Task): Promise<void> {
    if (task.host_id === null || !task.target || !HOLDING_ACTION.test(task.action)) return;
    const containers = await this.d.docker.listContainers(task.host_id);
    const hit = task.action.startsWith('docker.compose.')
      ? containers.filter((c) => c.compose_project === task.target)
      : containers.filter((c) => refersTo(task, c));
    for (const c of hit) await this.containerChanged(c);
    if (!hit.length && task.action === 'docker.container.remove') await this.recheckContainer(task.host_id, task.target);
  }

  // --- hosts --------------------------------------------------------------------------------------------------

  hostChanged(h: HostFacts): Promise<void> {
    return this.lock.run(`h:${h.id}`, async () => {
      for (const r of evaluateHost(h, this.d.graceSeconds)) await this.d.lifecycle.apply(r, () => this.recheckHost(h.id));
    });
  }

  /** The Docker area's view of a host changed: its docker fields from the event, the rest as stored. */
  async dockerHostChanged(s: { id: number; docker_enabled: boolean; docker_status: string; docker_status_reason: string | null }): Promise<void> {
    const [facts] = await this.d.alerts.hostFacts(s.id);
    if (facts) await this.hostChanged({ ...facts, docker_enabled: s.docker_enabled, docker_status: s.docker_status, docker_status_reason: s.docker_status_reason });
  }

  private async recheckHost(id: number): Promise<void> {
    const [facts] = await this.d.alerts.hostFacts(id);
    if (facts) await this.hostChanged(facts);
  }

  // --- safety net ---------------------------------------------------------------------------------------------

  /**
   * Every container and host judged again from the stores, whatever events were missed: closes alerts of what is
   * fine again, opens those whose grace passed (also across a restart: the clocks are rows), re-arms timers.
   */
  async sweep(): Promise<void> {
    const all = await this.d.docker.allContainers();
    const present = new Set(all.map((c) => `${c.host_id}:${c.name}`));
    for (const c of all) await this.containerChanged(c);
    for (const cond of await this.d.alerts.listConditions()) {
      const t = parseTarget(cond.target);
      if (!t || t.source !== 'docker' || present.has(`${t.hostId}:${t.containerName}`)) continue;
      if (t.rule === 'container_missing') await this.recheckContainer(t.hostId, t.containerName!);
      else await this.d.lifecycle.forget(cond.target); // a clock of a container that is gone: the missing rule speaks
    }
    for (const h of await this.d.alerts.hostFacts()) await this.hostChanged(h);
    await this.d.alerts.pruneRestartSamples(new Date(Date.now() - RESTART_LOOP.windowMinutes * 60_000).toISOString());
  }
}

/** Whether a task's target names this container (by name, full id or short id). */
function refersTo(s: Pick<TaskSpec, 'target' | 'action'>, c: Pick<DockerContainer, 'name' | 'container_id' | 'compose_project'>): boolean {
  if (!s.target) return false;
  if (s.action.startsWith('docker.compose.')) return !!c.compose_project && s.target === c.compose_project;
  return s.target === c.name || s.target === c.container_id || (s.target.length >= 12 && c.container_id.startsWith(s.target));
}
