import {
  AUTO_RESTART_WINDOW_MINUTES,
  RESTART_LOOP,
  type RuleResult,
  type Subject,
  containerSubject,
  evaluateContainer,
  missingResult,
  monitorSpec,
  restartLoopResult,
  restartsInWindow,
} from '../../../core/alert-rules.js';
import { invalid, notFound } from '../../../core/errors.js';
import type { EventBus } from '../../../core/event-bus.js';
import { KeyedLock } from '../../../core/keyed-lock.js';
import type { DockerContainer, Task } from '../../../core/types.js';
import type { TaskSpec } from '../../task.service.js';
import type { AutoRestarter } from './auto-restart.js';
import type { AlertEvaluator, EvaluatorDeps } from './evaluator.js';

/** Actions on a container that take it down on purpose while they run (deploy-aware alerting). */
const HOLDING_ACTION = /^docker\.(container|compose)\./;

/** Docker's container-name grammar: a silence names a container the way Docker does. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * Docker containers: down, unhealthy, missing, restart loop; auto-restart; no alert while a dashboard task takes a
 * container down on purpose (deploy-aware). Turns what the Docker area reports into rule verdicts and hands them to
 * the lifecycle. Work on one container is serialized, so an event and the safety-net pass never interleave on it.
 */
export class DockerEvaluator implements AlertEvaluator {
  readonly source = 'docker' as const;
  private readonly lock = new KeyedLock();
  /** grace of containers seen removed (their labels are gone with them); default grace after a restart */
  private readonly missingGrace = new Map<string, number>();

  constructor(private readonly d: Pick<EvaluatorDeps, 'alerts' | 'lifecycle' | 'tasks' | 'docker' | 'graceSeconds'> & { autoRestart: AutoRestarter }) {}

  listen(bus: EventBus, safely: (what: string, work: Promise<unknown>) => void): (() => void)[] {
    return [
      bus.on('docker_container_updated', (e) => safely('container', this.containerChanged({ ...e.container, host_id: e.host_id }))),
      bus.on('docker_container_removed', (e) => safely('removed', this.containerRemoved(e.host_id, e.name, e.container_id, e.labels))),
      bus.on('task_updated', (e) => {
        if (e.task.status === 'success' || e.task.status === 'failed') safely('task', this.taskEnded(e.task));
      }),
    ];
  }

  // --- containers ---------------------------------------------------------------------------------------------

  containerChanged(c: DockerContainer): Promise<void> {
    return this.lock.run(`c:${c.host_id}:${c.name}`, () => this.evaluate(c));
  }

  /** Re-reads a container from the Docker area's store and evaluates it (grace end, task end, backoff end). */
  recheckContainer(hostId: number, name: string): Promise<void> {
    return this.lock.run(`c:${hostId}:${name}`, async () => {
      const c = (await this.d.docker.listContainers(hostId)).find((x) => x.name === name);
      if (c) await this.evaluate(c);
      else if (await this.d.alerts.hasCondition(missingResult(hostId, name, true, 0).target)) {
        await this.evaluateMissing(hostId, name);
      }
    });
  }

  private async evaluate(c: DockerContainer): Promise<void> {
    if (c.stale) return; // last known state of an unreachable daemon proves nothing
    const spec = monitorSpec(c.labels, { graceSeconds: this.d.graceSeconds });
    // Most containers are not monitored: skip them unless they still carry an alert or a clock (label just removed).
    if (!spec.monitored && !(await this.d.alerts.hasAnyForSubject(containerSubject(c.host_id, c.name).key))) return;
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
      for (const open of await this.d.alerts.openOfSubject(result.subject.key)) await this.d.lifecycle.close(open);
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

  // --- safety net ---------------------------------------------------------------------------------------------

  /**
   * Every container judged again from the store, whatever events were missed: closes alerts of what is fine again,
   * opens those whose grace passed (also across a restart: the clocks are rows), re-arms timers. A clock left on a
   * container that is gone is settled from its row (subject columns), not from its target string.
   */
  async sweep(): Promise<void> {
    const all = await this.d.docker.allContainers();
    const present = new Set(all.map((c) => containerSubject(c.host_id, c.name).key));
    for (const c of all) await this.containerChanged(c);
    for (const cond of await this.d.alerts.listConditions({ source: 'docker', kind: 'container' })) {
      if (present.has(cond.subject_key) || cond.host_id === null) continue;
      if (cond.rule === 'container_missing') await this.recheckContainer(cond.host_id, cond.subject_name);
      else await this.d.lifecycle.forget(cond.target); // a clock of a container that is gone: the missing rule speaks
    }
    await this.d.alerts.pruneRestartSamples(new Date(Date.now() - RESTART_LOOP.windowMinutes * 60_000).toISOString());
  }

  /** `docker:<host id>:<container name>`: a container of a host (it need not exist yet: silence before a deploy). */
  async resolve(key: string): Promise<Subject | null> {
    const m = /^docker:(\d{1,15}):(.*)$/.exec(key);
    if (!m) return null;
    const hostId = Number(m[1]);
    if (!(await this.d.alerts.hostFacts(hostId)).length) throw notFound('host', hostId);
    if (!CONTAINER_NAME.test(m[2]!)) throw invalid(`"${m[2]}" is not a valid container name`);
    return containerSubject(hostId, m[2]!);
  }
}

/** Whether a task's target names this container (by name, full id or short id). */
function refersTo(s: Pick<TaskSpec, 'target' | 'action'>, c: Pick<DockerContainer, 'name' | 'container_id' | 'compose_project'>): boolean {
  if (!s.target) return false;
  if (s.action.startsWith('docker.compose.')) return !!c.compose_project && s.target === c.compose_project;
  return s.target === c.name || s.target === c.container_id || (s.target.length >= 12 && c.container_id.startsWith(s.target));
}
