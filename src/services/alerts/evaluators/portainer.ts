import type { Subject } from '../../../core/alert-rules.js';
import { notFound } from '../../../core/errors.js';
import type { EventBus } from '../../../core/event-bus.js';
import { KeyedLock } from '../../../core/keyed-lock.js';
import { type PortainerServerFacts, evaluatePortainerServer, portainerServerKey, portainerServerSubject } from '../../../core/portainer-alerts.js';
import type { AlertEvaluator, EvaluatorDeps } from './evaluator.js';

const KEY = /^portainer:server:(\d{1,15})$/;

/**
 * Portainer servers: unreachable, login refused, certificate refused (core/portainer-alerts.ts), judged from the
 * server's status fields as the Portainer service announces them after every test, sync and failure, and as stored
 * (the safety net, and after a restart).
 *
 * A down environment is not judged here: its host is offline with Portainer's reason, and the host evaluator's
 * "host offline" says it — one alert for one fact.
 */
export class PortainerEvaluator implements AlertEvaluator {
  readonly source = 'portainer' as const;
  private readonly lock = new KeyedLock();

  constructor(private readonly d: Pick<EvaluatorDeps, 'alerts' | 'lifecycle' | 'graceSeconds'>) {}

  listen(bus: EventBus, safely: (what: string, work: Promise<unknown>) => void): (() => void)[] {
    return [
      bus.on('portainer_server_updated', (e) => safely('portainer server', this.serverChanged(e.server))),
      bus.on('portainer_server_removed', (e) => safely('portainer server removed', this.serverGone(e.server_id))),
    ];
  }

  serverChanged(f: PortainerServerFacts): Promise<void> {
    return this.lock.run(`s:${f.id}`, async () => {
      for (const r of evaluatePortainerServer(f, this.d.graceSeconds)) await this.d.lifecycle.apply(r, () => this.recheck(f.id));
    });
  }

  private async recheck(id: number): Promise<void> {
    const [facts] = await this.d.alerts.portainerServerFacts(id);
    if (facts) await this.serverChanged(facts);
  }

  /**
   * A server that no longer exists: its clocks stop and what is still open closes (the service closes them with a
   * note when it deletes the server; this catches a crash in between).
   */
  private serverGone(id: number): Promise<void> {
    const key = portainerServerKey(id);
    return this.lock.run(`s:${id}`, async () => {
      for (const c of await this.d.alerts.listConditions({ scope: key })) await this.d.lifecycle.forget(c.target);
      for (const a of await this.d.alerts.openOfSubject(key)) await this.d.lifecycle.close(a);
    });
  }

  async sweep(): Promise<void> {
    const servers = await this.d.alerts.portainerServerFacts();
    for (const s of servers) await this.serverChanged(s);
    const known = new Set(servers.map((s) => portainerServerKey(s.id)));
    const left = [...(await this.d.alerts.listUnresolved()), ...(await this.d.alerts.listConditions({ source: 'portainer' }))];
    const gone = new Set(left.filter((a) => a.source === 'portainer' && !known.has(a.subject_key)).map((a) => a.subject_key));
    for (const key of gone) {
      const m = KEY.exec(key);
      if (m) await this.serverGone(Number(m[1]));
    }
  }

  /** `portainer:server:<id>`: the server, which is also the scope of its own alerts. */
  async resolve(key: string): Promise<Subject | null> {
    const m = KEY.exec(key);
    if (!m) return null;
    const id = Number(m[1]);
    const [facts] = await this.d.alerts.portainerServerFacts(id);
    if (!facts) throw notFound('Portainer server', id);
    return portainerServerSubject(id, facts.name);
  }
}
