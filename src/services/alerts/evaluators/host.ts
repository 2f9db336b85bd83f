import { type HostFacts, type Subject, evaluateHost, hostScope, hostSubject, hostTarget } from '../../../core/alert-rules.js';
import { notFound } from '../../../core/errors.js';
import type { EventBus } from '../../../core/event-bus.js';
import { KeyedLock } from '../../../core/keyed-lock.js';
import type { AlertEvaluator, EvaluatorDeps } from './evaluator.js';

/**
 * Hosts: "host offline" and "docker daemon unreachable", judged from what the host and Docker areas report (and the
 * Portainer sync: a down environment's host is offline with Portainer's reason). Work
 * on one host is serialized, so an event and the safety-net pass never interleave on it.
 */
export class HostEvaluator implements AlertEvaluator {
  readonly source = 'host' as const;
  private readonly lock = new KeyedLock();

  constructor(private readonly d: Pick<EvaluatorDeps, 'alerts' | 'lifecycle' | 'graceSeconds'>) {}

  listen(bus: EventBus, safely: (what: string, work: Promise<unknown>) => void): (() => void)[] {
    return [
      bus.on('docker_host_updated', (e) => safely('docker host', this.dockerHostChanged(e.host))),
      bus.on('host_updated', (e) => safely('host', this.hostChanged(e.host))),
    ];
  }

  hostChanged(h: HostFacts): Promise<void> {
    return this.lock.run(`h:${h.id}`, async () => {
      for (const r of evaluateHost(h, this.d.graceSeconds)) await this.d.lifecycle.apply(r, () => this.recheck(h.id));
      if (h.status === 'offline') await this.dockerSaidByOffline(h.id);
    });
  }

  /**
   * One alert for one fact: Docker often fails before the host is seen offline (a Portainer environment going down
   * fails its Docker calls before the next sync says it is down), so a "docker unreachable" already open, or on
   * its clock, ends when "host offline" takes over. If Docker is still down when the host is back, it opens again.
   */
  private async dockerSaidByOffline(id: number): Promise<void> {
    await this.d.lifecycle.forget(hostTarget(id, 'docker_unreachable'));
    const open = await this.d.alerts.openFor(hostScope(id), 'docker_unreachable');
    if (open) await this.d.lifecycle.close(open);
  }

  /** The Docker area's view of a host changed: its docker fields from the event, the rest as stored. */
  async dockerHostChanged(s: { id: number; docker_enabled: boolean; docker_status: string; docker_status_reason: string | null }): Promise<void> {
    const [facts] = await this.d.alerts.hostFacts(s.id);
    if (facts) await this.hostChanged({ ...facts, docker_enabled: s.docker_enabled, docker_status: s.docker_status, docker_status_reason: s.docker_status_reason });
  }

  private async recheck(id: number): Promise<void> {
    const [facts] = await this.d.alerts.hostFacts(id);
    if (facts) await this.hostChanged(facts);
  }

  async sweep(): Promise<void> {
    for (const h of await this.d.alerts.hostFacts()) await this.hostChanged(h);
  }

  /** `host:<id>`: the host itself, which is also the scope of everything on it. */
  async resolve(key: string): Promise<Subject | null> {
    const m = /^host:(\d{1,15})$/.exec(key);
    if (!m) return null;
    const id = Number(m[1]);
    const [facts] = await this.d.alerts.hostFacts(id);
    if (!facts) throw notFound('host', id);
    return hostSubject(id, facts.name);
  }
}
