import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { EventBus } from '../../core/event-bus.js';
import type { SecretBox } from '../../core/secret-box.js';
import { AlertRepository } from '../../db/repositories/alert.repository.js';
import { ChannelRepository } from '../../db/repositories/channel.repository.js';
import type { Database } from '../../db/schema.js';
import type { TaskService } from '../task.service.js';
import { AlertService } from './alert.service.js';
import { ChannelService } from './channel.service.js';
import { type AlertEvaluator, type DockerView, createEvaluators } from './evaluators/index.js';
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
  /** the Docker area's store of containers (after the latest collection or event refresh) and its restart */
  docker: DockerView;
}

export interface AlertingModule {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The parts, for tests and for other areas (e.g. open-alert counts per host). */
  alerts: AlertService;
  channels: ChannelService;
  /** one per alert source (evaluators/index.ts) */
  evaluators: AlertEvaluator[];
  repo: AlertRepository;
  /** Runs the safety-net pass now (what the interval does). */
  sweep(): Promise<void>;
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * Builds the alerting area: evaluators (one per source) -> lifecycle -> notifications -> outbox -> channels. Nothing
 * listens or loops until start(); stop() ends the loops and waits for deliveries in flight.
 */
export async function setupAlerting(deps: AlertingDeps): Promise<AlertingModule> {
  const logger = deps.logger.child({ area: 'alerts' });
  const parts = buildParts(deps, logger);
  return { alerts: parts.alerts, channels: parts.channels, evaluators: parts.evaluators, repo: parts.repo, ...loops(deps, parts, logger) };
}

function buildParts(deps: AlertingDeps, logger: Logger) {
  const { config, bus } = deps;
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
  const evaluators = createEvaluators({ alerts: repo, lifecycle, tasks: deps.tasks, timers, logger, graceSeconds: config.alertGrace, docker: deps.docker });
  const bySource = new Map<string, AlertEvaluator>(evaluators.map((e) => [e.source, e]));
  const alerts = new AlertService({
    alerts: repo,
    lifecycle,
    notifications,
    timers,
    // a subject key starts with its source: that source's evaluator knows what it names
    resolve: async (key) => (await bySource.get(key.split(':', 1)[0]!)?.resolve(key)) ?? null,
  });
  return { repo, channelRepo, timers, channels, outbox, evaluators, alerts };
}

/** The safety-net sweep on an interval and the evaluators' bus subscriptions. */
function loops(deps: AlertingDeps, p: ReturnType<typeof buildParts>, logger: Logger): Pick<AlertingModule, 'start' | 'stop' | 'sweep'> {
  const unsubscribe: (() => void)[] = [];
  let interval: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;
  let stopped = false;
  const safely = (what: string, work: Promise<unknown>) => void work.catch((err) => logger.error({ err, what }, 'alert evaluation failed'));

  /** The safety net: judge everything again, and re-decide every pending notification (silence/cooldown ends). */
  const sweep = async () => {
    if (sweeping) return sweeping; // never pile up
    sweeping = (async () => {
      const started = Date.now();
      try {
        for (const ev of p.evaluators) await ev.sweep();
        await p.alerts.releaseHeld(null);
        await p.channelRepo.pruneOutbox(new Date(Date.now() - 7 * 86400_000).toISOString());
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
    sweep,
    async start() {
      await p.channels.ensureEnvChannel();
      for (const ev of p.evaluators) unsubscribe.push(...ev.listen(deps.bus, safely));
      await sweep();
      if (!stopped) interval = setInterval(() => void sweep(), deps.config.alertCheckInterval * 1000);
    },
    async stop() {
      stopped = true;
      for (const off of unsubscribe.splice(0)) off();
      if (interval) clearInterval(interval);
      p.timers.stop();
      await sweeping;
      await p.outbox.stop();
    },
  };
}
