import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { EventBus } from '../../core/event-bus.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { DockerContainer } from '../../core/types.js';
import { AlertRepository } from '../../db/repositories/alert.repository.js';
import { ChannelRepository } from '../../db/repositories/channel.repository.js';
import type { Database } from '../../db/schema.js';
import alertRoutes from '../../server/routes/alerts.js';
import notificationRoutes from '../../server/routes/notifications.js';
import type { App } from '../../server/types.js';
import type { TaskService } from '../task.service.js';
import { AlertService } from './alert.service.js';
import { AutoRestarter } from './auto-restart.js';
import { ChannelService } from './channel.service.js';
import { AlertEngine } from './engine.js';
import { AlertLifecycle } from './lifecycle.js';
import { AlertNotifications } from './notifications.js';
import { OutboxWorker } from './outbox.js';
import { Timers } from './timers.js';

export type { NotificationChannel, Silence, ChannelKindInfo, ChannelField } from './types.js';
export { ENV_CHANNEL_NAME } from './channel.service.js';

/** What the alerting area needs from the rest of the app (wired in container.ts). */
export interface AlertingDeps {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  bus: EventBus;
  secretBox: SecretBox;
  tasks: TaskService;
  docker: {
    /** Restarts a container as a task (per-container lock, targeted refresh after). */
    restartContainer(hostId: number, ref: string, requestedBy: string): Promise<unknown>;
    /** Current stored containers of a host (after the latest collection or event refresh). */
    listContainers(hostId: number): Promise<DockerContainer[]>;
    /** Every stored container of every Docker-enabled host. */
    allContainers(): Promise<DockerContainer[]>;
  };
}

export interface AlertingModule {
  routes(app: App): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The parts, for tests and for other areas (e.g. open-alert counts per host). */
  alerts: AlertService;
  channels: ChannelService;
  engine: AlertEngine;
  repo: AlertRepository;
  /** Runs the safety-net pass now (what the interval does). */
  sweep(): Promise<void>;
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * Builds the alerting area: rules -> lifecycle -> notifications -> outbox -> channels. Nothing listens or loops until
 * start(); stop() ends the loops and waits for deliveries in flight.
 */
export async function setupAlerting(deps: AlertingDeps): Promise<AlertingModule> {
  const { config, bus } = deps;
  const logger = deps.logger.child({ area: 'alerts' });
  const dashboardUrl = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, '')}/#/alerts` : undefined;
  const repo = new AlertRepository(deps.db);
  const channelRepo = new ChannelRepository(deps.db);
  const timers = new Timers((err, key) => logger.error({ err, timer: key }, 'alert timer failed'));
  const channels = new ChannelService({
    repo: channelRepo,
    secretBox: deps.secretBox,
    logger,
    fetch: globalThis.fetch,
    sendTimeoutMs: SEND_TIMEOUT_MS,
    dashboardUrl,
    env: { ntfyUrl: config.ntfyUrl, ntfyTopic: config.ntfyTopic, ntfyToken: config.ntfyToken },
  });
  const outbox = new OutboxWorker({ repo: channelRepo, channels, logger, sendDeadlineMs: SEND_TIMEOUT_MS + 5_000 });
  const notifications = new AlertNotifications({ db: deps.db, alerts: repo, outbox, timers, logger, cooldownSeconds: config.alertCooldown, dashboardUrl });
  const lifecycle = new AlertLifecycle({ alerts: repo, bus, notifications, timers, logger, cooldownSeconds: config.alertCooldown });
  const autoRestart = new AutoRestarter({ alerts: repo, tasks: deps.tasks, restartContainer: deps.docker.restartContainer, timers, logger });
  const engine = new AlertEngine({ alerts: repo, lifecycle, autoRestart, tasks: deps.tasks, docker: deps.docker, logger, graceSeconds: config.alertGrace });
  const alerts = new AlertService({
    alerts: repo,
    lifecycle,
    notifications,
    timers,
    hostExists: async (id) => (await repo.hostFacts(id)).length > 0,
  });

  const unsubscribe: (() => void)[] = [];
  let interval: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;
  let stopped = false;
  const safely = (what: string, p: Promise<unknown>) => void p.catch((err) => logger.error({ err, what }, 'alert evaluation failed'));

  /** The safety net: judge everything again, and re-decide every pending notification (silence/cooldown ends). */
  const sweep = async () => {
    if (sweeping) return sweeping; // never pile up
    sweeping = (async () => {
      const started = Date.now();
      try {
        await engine.sweep();
        await alerts.releaseHeld(null);
        await channelRepo.pruneOutbox(new Date(Date.now() - 7 * 86400_000).toISOString());
        logger.debug({ ms: Date.now() - started }, 'alert sweep done');
      } catch (err) {
        logger.error({ err, ms: Date.now() - started }, 'alert sweep failed');
      } finally {
        sweeping = null;
      }
    })();
    return sweeping;
  };

  return {
    alerts,
    channels,
    engine,
    repo,
    sweep,
    async routes(app: App) {
      await app.register(alertRoutes, { alerts });
      await app.register(notificationRoutes, { channels });
    },
    async start() {
      await channels.ensureEnvChannel();
      unsubscribe.push(
        bus.on('docker_container_updated', (e) => safely('container', engine.containerChanged({ ...e.container, host_id: e.host_id }))),
        bus.on('docker_container_removed', (e) => safely('removed', engine.containerRemoved(e.host_id, e.name, e.container_id, e.labels))),
        bus.on('docker_host_updated', (e) => safely('docker host', engine.dockerHostChanged(e.host))),
        bus.on('host_updated', (e) => safely('host', engine.hostChanged(e.host))),
        bus.on('task_updated', (e) => {
          if (e.task.status === 'success' || e.task.status === 'failed') safely('task', engine.taskEnded(e.task));
        }),
      );
      await sweep();
      if (!stopped) interval = setInterval(() => void sweep(), config.alertCheckInterval * 1000);
    },
    async stop() {
      stopped = true;
      for (const off of unsubscribe.splice(0)) off();
      if (interval) clearInterval(interval);
      timers.stop();
      await sweeping;
      await outbox.stop();
    },
  };
}
