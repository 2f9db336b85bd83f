import type { EventBus } from '../core/event-bus.js';
import type { HostMetrics } from '../core/types.js';
import { mapHost, mapMetrics, type HostRepository } from '../db/repositories/host.repository.js';
import type { HostRow } from '../db/schema.js';
import type { Engines } from '../providers/registry.js';

interface Logger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

/**
 * Host metrics (uptime, load, CPUs, memory, root disk) of the hosts whose engine can report them (capability
 * `host_metrics`: today every host with a shell, over its pooled connection). A host answering is
 * `online`; after `offlineAfter` failures in a row it is `offline` with the reason. `host_updated` on every change.
 */
export class MetricsService {
  constructor(
    private readonly hosts: HostRepository,
    private readonly engines: Engines,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly offlineAfter: number,
  ) {}

  async collect(hostId: number): Promise<HostMetrics | null> {
    const row = await this.hosts.get(hostId);
    if (!row || !this.reports(row)) return null;
    try {
      const parsed = await this.engines.forHost(row).hostMetrics();
      if (parsed.errors.length) this.log.debug({ host: row.name, errors: parsed.errors }, 'some host metrics unreadable');
      const sample = { collected_at: new Date().toISOString(), ...parsed.metrics };
      await this.hosts.addMetrics(hostId, sample);
      const updated = await this.hosts.update(hostId, {
        status: 'online',
        status_reason: null,
        failures: 0,
        last_seen_at: sample.collected_at,
      });
      this.publish(updated!, sample);
      return mapMetrics({ ...sample, id: 0, host_id: hostId });
    } catch (err) {
      await this.fail(row, err as Error);
      throw err;
    }
  }

  /** Whether this host has metrics at all (the engine's capability). */
  reports(row: Pick<HostRow, 'transport'>): boolean {
    return this.engines.capabilities(row).host_metrics;
  }

  private async fail(row: HostRow, err: Error): Promise<void> {
    const failures = row.failures + 1;
    const offline = failures >= this.offlineAfter;
    const status = offline ? 'offline' : row.status;
    const updated = await this.hosts.update(row.id, { failures, status, status_reason: err.message });
    this.log.warn({ host: row.name, failures, err: err.message }, offline ? 'host offline' : 'host metrics failed');
    if (updated && (updated.status !== row.status || updated.status_reason !== row.status_reason)) {
      this.publish(updated, null);
    }
  }

  private publish(row: HostRow, sample: Omit<HostMetrics, never> | null): void {
    const metrics = sample ? { ...sample, id: 0, host_id: row.id } : null;
    this.bus.emit({ type: 'host_updated', host: mapHost(row, metrics as never) });
  }

  /** History for charts; `hours` back from now. */
  history = async (hostId: number, hours: number): Promise<HostMetrics[]> => {
    const rows = await this.hosts.metricsHistory(hostId, new Date(Date.now() - hours * 3600_000).toISOString());
    return rows.map(mapMetrics);
  };

  async prune(retentionDays: number): Promise<number> {
    return this.hosts.pruneMetrics(new Date(Date.now() - retentionDays * 86400_000).toISOString());
  }
}
