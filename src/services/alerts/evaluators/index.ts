import type { AlertSource } from '../../../core/types.js';
import { AutoRestarter } from './auto-restart.js';
import { DockerEvaluator } from './docker.js';
import type { AlertEvaluator, EvaluatorDeps, EvaluatorFactory } from './evaluator.js';
import { HostEvaluator } from './host.js';
import { PortainerEvaluator } from './portainer.js';

export type { AlertEvaluator, DockerView, EvaluatorDeps } from './evaluator.js';

/**
 * Every alert source and its evaluator. `satisfies` makes a source without an entry a compile error; null marks a
 * source whose evaluator is not written yet (Proxmox: its issue adds one file and fills the entry in, nothing else
 * in the alerting changes).
 */
export const evaluatorRegistry = {
  docker: (d) =>
    new DockerEvaluator({
      ...d,
      autoRestart: new AutoRestarter({ alerts: d.alerts, tasks: d.tasks, restartContainer: d.docker.restartContainer, timers: d.timers, logger: d.logger }),
    }),
  host: (d) => new HostEvaluator(d),
  portainer: (d) => new PortainerEvaluator(d),
  proxmox: null,
} satisfies Record<AlertSource, EvaluatorFactory | null>;

/** The evaluators of every source that has one; a factory filed under another source's key fails at startup. */
export function createEvaluators(d: EvaluatorDeps): AlertEvaluator[] {
  const out: AlertEvaluator[] = [];
  for (const [source, factory] of Object.entries(evaluatorRegistry) as [AlertSource, EvaluatorFactory | null][]) {
    if (!factory) continue;
    const ev = factory(d);
    if (ev.source !== source) throw new Error(`alert evaluator registry: "${source}" holds the evaluator of "${ev.source}"`);
    out.push(ev);
  }
  return out;
}
