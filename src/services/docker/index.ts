import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { EventBus } from '../../core/event-bus.js';
import { DockerRepository } from '../../db/repositories/docker.repository.js';
import type { HostRepository } from '../../db/repositories/host.repository.js';
import type { Database } from '../../db/schema.js';
import { type Scheduler, staggerDelay } from '../../jobs/scheduler.js';
import type { Engines } from '../../providers/registry.js';
import type { TaskService } from '../task.service.js';
import { DockerActions } from './actions.js';
import { DockerCollector } from './collector.js';
import { DockerService } from './docker.service.js';
import { DockerEventsStreams } from './events-stream.js';
import { LiveLogs } from './live-logs.js';
import { LogRepository } from '../../db/repositories/log.repository.js';
import { LogCaptureService } from './log-capture.js';
import { DockerLiveReads } from './live-reads.js';

export interface DockerDeps {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  hosts: HostRepository;
  bus: EventBus;
  engines: Engines;
  tasks: TaskService;
  scheduler: Scheduler;
}

export interface DockerModule {
  repo: DockerRepository;
  service: DockerService;
  collector: DockerCollector;
  actions: DockerActions;
  reads: DockerLiveReads;
  events: DockerEventsStreams;
  liveLogs: LiveLogs;
  logCapture: LogCaptureService;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type DockerParts = Omit<DockerModule, 'start' | 'stop'>;

/** Builds the Docker area and its loops: a collection loop and an events stream per enabled host. */
export function setupDocker(d: DockerDeps): DockerModule {
  const parts = buildParts(d);
  return { ...parts, ...loops(d, parts) };
}

function buildParts(d: DockerDeps): DockerParts {
  const log = d.logger.child({ area: 'docker' });
  const repo = new DockerRepository(d.db);
  const service = new DockerService(repo, d.hosts, d.bus, d.config.dockerCollectConcurrency, d.engines);
  const collector = new DockerCollector({
    docker: repo,
    hosts: d.hosts,
    engines: d.engines,
    onChange: (host, diff) => service.publish(host, diff),
    log,
    execTimeoutMs: d.config.sshExecTimeoutMs,
    inspectFullEvery: d.config.dockerInspectFullEvery,
  });
  service.setCollector(collector);
  const events = new DockerEventsStreams({
    hosts: d.hosts,
    docker: repo,
    engines: d.engines,
    log,
    refresh: (hostId, ids) => collector.refresh(hostId, ids),
    resync: (hostId) => service.collect(hostId),
  });
  const logCapture = new LogCaptureService({
    service,
    docker: repo,
    logs: new LogRepository(d.db),
    hosts: d.hosts,
    engines: d.engines,
    log,
    timeoutMs: d.config.sshExecTimeoutMs,
    maxLinesPerContainer: d.config.logMaxLinesPerContainer,
    retentionDays: d.config.logRetentionDays,
  });
  // Capture follows each collection that reached Docker (run() logs its failures: the collection stands).
  service.onCollected((hostId, r) => (r.docker_status === 'online' ? logCapture.run(hostId) : Promise.resolve()));
  return {
    repo,
    service,
    logCapture,
    collector,
    actions: new DockerActions(service, collector, repo, d.engines, d.tasks),
    reads: new DockerLiveReads(service, d.engines, d.config.sshExecTimeoutMs),
    events,
    liveLogs: new LiveLogs(service, d.engines),
  };
}

/** Where a host's events stream connects: a change means the stream must re-dial. */
const streamTarget = (h: { transport: string; username: string | null; host: string | null; port: number | null }) => `${h.transport}:${h.username}@${h.host}:${h.port}`;

/** The loops of enabled hosts, (re)made as hosts are enabled, disabled, edited or removed — no restart needed. */
function loops(d: DockerDeps, { repo, service, events, liveLogs, logCapture }: DockerParts): Pick<DockerModule, 'start' | 'stop'> {
  let started = false;
  const watch = (hostId: number, index = 0, count = 1) => {
    d.scheduler.add({
      name: 'docker-collect',
      target: `host:${hostId}`,
      intervalSeconds: d.config.dockerCollectInterval,
      startDelayMs: staggerDelay(index, count, d.config.dockerCollectInterval),
      run: () => service.collect(hostId),
    });
    if (d.config.dockerEvents) events.start(hostId);
  };
  const unwatch = (hostId: number) => {
    d.scheduler.remove(`docker-collect:host:${hostId}`);
    events.stop(hostId);
  };

  // The host cards carry the open alert count: refresh a card when its alerts change (alert_updated: a reopen).
  for (const t of ['alert_opened', 'alert_updated', 'alert_closed'] as const) {
    d.bus.on(t, (e) => {
      if (e.alert.host_id) void service.publishHost(e.alert.host_id);
    });
  }
  d.bus.on('docker_host_updated', (e) => {
    if (!started) return;
    const watching = d.scheduler.has(`docker-collect:host:${e.host.id}`);
    if (e.host.docker_enabled && !watching) watch(e.host.id);
    if (!e.host.docker_enabled && watching) unwatch(e.host.id);
  });
  const targets = new Map<number, string>();
  d.bus.on('host_updated', (e) => {
    const sig = streamTarget(e.host);
    const before = targets.get(e.host.id);
    targets.set(e.host.id, sig);
    if (started && before !== undefined && before !== sig && e.host.docker_enabled && events.has(e.host.id)) {
      events.stop(e.host.id);
      if (d.config.dockerEvents) events.start(e.host.id);
    }
  });
  d.bus.on('host_removed', (e) => unwatch(e.host_id));

  return {
    async start() {
      started = true;
      const all = await d.hosts.list();
      for (const h of all) targets.set(h.id, streamTarget(h));
      const enabled = all.filter((h) => h.docker_enabled);
      enabled.forEach((h, i) => watch(h.id, i, enabled.length));
      d.scheduler.add({
        name: 'docker-events-retention',
        intervalSeconds: 3600,
        run: () => repo.pruneEvents(new Date(Date.now() - d.config.metricsRetentionDays * 86400_000).toISOString()),
      });
      d.scheduler.add({ name: 'docker-logs-retention', intervalSeconds: 3600, run: () => logCapture.prune() });
    },
    async stop() {
      started = false;
      events.stopAll();
      liveLogs.stopAll();
    },
  };
}
