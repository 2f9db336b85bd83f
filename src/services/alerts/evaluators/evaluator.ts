import type { Logger } from 'pino';
import type { Subject } from '../../../core/alert-rules.js';
import type { EventBus } from '../../../core/event-bus.js';
import type { AlertSource, DockerContainer } from '../../../core/types.js';
import type { AlertRepository } from '../../../db/repositories/alert.repository.js';
import type { TaskService } from '../../task.service.js';
import type { AlertLifecycle } from '../lifecycle.js';
import type { Timers } from '../timers.js';

/**
 * One source's alerting: it watches that source's state, judges it with the pure rules of core/alert-rules.ts and
 * hands every verdict (a RuleResult about a subject) to the lifecycle, which is the same for every source. The
 * lifecycle, the outbox, the notifications and the API never know which evaluator a subject came from.
 *
 * Contract:
 *  - listen() subscribes to the bus events this source's state arrives by and returns the unsubscribers. A handler
 *    never throws: it passes its work to `safely`, which logs a failure.
 *  - sweep() is the safety net: judge every subject of this source again from the stores (missed events, grace
 *    clocks across a restart) and clear what is left of subjects that are gone.
 *  - resolve() names the subject of a key of this source (the key's prefix is the source: `docker:…`, `host:…`),
 *    for silences given by key: null when the key is not well formed; AppError 404 when what it names does not
 *    exist, 422 for a part that breaks the source's grammar.
 */
export interface AlertEvaluator {
  readonly source: AlertSource;
  listen(bus: EventBus, safely: (what: string, work: Promise<unknown>) => void): (() => void)[];
  sweep(): Promise<void>;
  resolve(key: string): Promise<Subject | null>;
}

/** What the Docker area offers the alerting (wired in container.ts). */
export interface DockerView {
  listContainers(hostId: number): Promise<DockerContainer[]>;
  allContainers(): Promise<DockerContainer[]>;
  /** Restarts a container as a task (per-container lock, targeted refresh after). */
  restartContainer(hostId: number, ref: string, requestedBy: string): Promise<unknown>;
}

/** Everything an evaluator may use; each factory takes only what its evaluator needs. */
export interface EvaluatorDeps {
  alerts: AlertRepository;
  lifecycle: AlertLifecycle;
  tasks: TaskService;
  timers: Timers;
  logger: Logger;
  /** default grace of a bad state, seconds (HOMELAB_ALERT_GRACE) */
  graceSeconds: number;
  docker: DockerView;
}

export type EvaluatorFactory = (d: EvaluatorDeps) => AlertEvaluator;
