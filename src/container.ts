import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { EventBus } from './core/event-bus.js';
import type { SecretBox } from './core/secret-box.js';
import { type Db, migrateToLatest, openDatabase, pingDatabase } from './db/database.js';
import { HostRepository } from './db/repositories/host.repository.js';
import { SettingsRepository } from './db/repositories/settings.repository.js';
import { TaskRepository } from './db/repositories/task.repository.js';
import { TokenRepository } from './db/repositories/token.repository.js';
import { UserRepository } from './db/repositories/user.repository.js';
import { Scheduler, staggerDelay } from './jobs/scheduler.js';
import { LocalTransport } from './providers/docker/local-transport.js';
import { Engines } from './providers/registry.js';
import { LoginThrottle } from './services/login-throttle.js';
import { WsHub } from './server/ws/hub.js';
import { registerLogTopics } from './server/ws/logs.js';
import { type AlertingModule, setupAlerting } from './services/alerts/index.js';
import { type DockerModule, setupDocker } from './services/docker/index.js';
import { type PortainerModule, setupPortainer } from './services/portainer/index.js';
import type { PortainerClientFactory } from './services/portainer/portainer.service.js';
import { PortainerClient } from './providers/portainer/client.js';
import { ProxmoxClient } from './providers/proxmox/client.js';
import { type ProxmoxModule, setupProxmox } from './services/proxmox/index.js';
import type { ProxmoxClientFactory } from './services/proxmox/cluster.service.js';
import { ProxmoxActionsService } from './services/proxmox/actions.service.js';
import { HealthService } from './services/health/health.service.js';
import { AuthService } from './services/auth.service.js';
import { HostService } from './services/host.service.js';
import { loadSecretBox, loadSshKey, type SshKey } from './services/keys.js';
import { MetricsService } from './services/metrics.service.js';
import { TaskService } from './services/task.service.js';
import { UserService } from './services/user.service.js';
import { SshPool } from './ssh/pool.js';

export const VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The composition root: every repository, transport, service and job is built here and handed only what it uses.
 * No module keeps state of its own; tests build a container per test file with their own data dir.
 */
export interface Container {
  config: Config;
  logger: Logger;
  version: string;
  startedAt: number;
  db: Db;
  ping: () => Promise<boolean>;
  repos: {
    users: UserRepository;
    tokens: TokenRepository;
    hosts: HostRepository;
    tasks: TaskRepository;
    settings: SettingsRepository;
  };
  secretBox: SecretBox;
  sshKey: SshKey;
  bus: EventBus;
  pool: SshPool;
  engines: Engines;
  auth: AuthService;
  users: UserService;
  hosts: HostService;
  tasks: TaskService;
  metrics: MetricsService;
  hub: WsHub;
  scheduler: Scheduler;
  docker: DockerModule;
  alerting: AlertingModule;
  portainer: PortainerModule;
  proxmox: ProxmoxModule;
  /** Proxmox actions as tasks (guest power, snapshots, backups, node actions). */
  proxmoxActions: ProxmoxActionsService;
  health: HealthService;
  /** Starts background loops (metrics, and what feature areas add). */
  start(): Promise<void>;
  /** Stops loops, closes SSH connections and the database. */
  stop(): Promise<void>;
  /** Hooks of feature areas, called by start()/stop() in order. */
  lifecycle: { start: (() => Promise<void>)[]; stop: (() => Promise<void>)[] };
}

type Repos = Container['repos'];

export async function createContainer(config: Config, logger: Logger): Promise<Container> {
  const db = await openAndMigrate(config, logger);
  const repos: Repos = {
    users: new UserRepository(db.kysely),
    tokens: new TokenRepository(db.kysely),
    hosts: new HostRepository(db.kysely),
    tasks: new TaskRepository(db.kysely),
    settings: new SettingsRepository(db.kysely),
  };
  const interrupted = await repos.tasks.failInterrupted();
  if (interrupted) logger.warn({ tasks: interrupted }, 'tasks interrupted by the last shutdown marked failed');
  // The Portainer servers' clients, for the engines of their hosts: the Portainer area is built after the registry.
  const portainerRef: { servers?: PortainerModule['servers'] } = {};
  const core = buildCore(config, logger, repos, portainerRef);
  const docker = setupDocker({ config, logger, db: db.kysely, hosts: repos.hosts, bus: core.bus, engines: core.engines, tasks: core.tasks, scheduler: core.scheduler });
  registerLogTopics(core.hub, docker.liveLogs);
  const alerting = await setupAlerting({
    config,
    logger,
    db: db.kysely,
    bus: core.bus,
    secretBox: core.secretBox,
    tasks: core.tasks,
    docker: {
      restartContainer: (hostId, ref, by) => docker.actions.container(hostId, ref, 'restart', {}, by),
      listContainers: (hostId) => docker.service.listContainers(hostId),
      allContainers: () => docker.service.allContainers(),
    },
  });
  const portainer = setupPortainer({
    logger,
    db: db.kysely,
    hosts: repos.hosts,
    bus: core.bus,
    secretBox: core.secretBox,
    scheduler: core.scheduler,
    makeClient: portainerClient,
    removeHost: (hostId) => core.hosts.remove(hostId),
    closeAlerts: (scope, note) => alerting.alerts.closeScope(scope, note),
    publishDockerHost: (hostId) => docker.service.publishHost(hostId),
  });
  portainerRef.servers = portainer.servers;
  // Before anything can collect (the Docker area, the API, with or without the loops): the servers this process knows.
  await portainer.load();
  const proxmox = setupProxmox({ logger, db: db.kysely, secretBox: core.secretBox, scheduler: core.scheduler, makeClient: proxmoxClient });
  const proxmoxActions = new ProxmoxActionsService(proxmox.clusters, core.tasks);
  const health = setupHealth(core, repos, docker, portainer);
  return assemble({ ...core, config, logger, db, repos, docker, alerting, portainer, proxmox, proxmoxActions, health });
}

/** The health page's view, fed with each collection's duration. */
function setupHealth(core: Core, repos: Repos, docker: DockerModule, portainer: PortainerModule): HealthService {
  const health = new HealthService({ servers: () => portainer.servers.list(), hosts: () => repos.hosts.list(), eventsState: (id) => docker.events.state(id) });
  docker.service.onCollected(async (hostId, r) => health.recordCollect(hostId, r.duration_ms));
  core.bus.on('host_removed', (e) => health.forget(e.host_id));
  return health;
}

type Core = Pick<Container, 'secretBox' | 'sshKey' | 'bus' | 'pool' | 'engines' | 'auth' | 'users' | 'hosts' | 'tasks' | 'metrics' | 'hub' | 'scheduler'>;

/** Keys, the bus, the SSH pool and the provider registry, and the services every area shares. */
function buildCore(config: Config, logger: Logger, repos: Repos, portainerRef: { servers?: PortainerModule['servers'] }): Core {
  const secretBox = loadSecretBox(config.dataDir, config.secretKey);
  const sshKey = loadSshKey(config.dataDir, config.sshKeyFile);
  const bus = new EventBus((err, event) => logger.error({ err, event: event.type }, 'event subscriber failed'));
  let hosts: HostService | undefined;
  const pool = new SshPool({
    privateKey: sshKey.privateKey,
    connectTimeoutMs: config.sshConnectTimeoutMs,
    execTimeoutMs: config.sshExecTimeoutMs,
    logger: logger.child({ area: 'ssh' }),
    onHostKeyPinned: (target, fingerprint) => hosts?.pinIfUnset(target.hostId, fingerprint),
  });
  hosts = new HostService(repos.hosts, pool, bus, config.sshUser);
  const engines = new Engines({
    pool,
    local: new LocalTransport(),
    execTimeoutMs: config.sshExecTimeoutMs,
    log: logger.child({ area: 'docker' }),
    portainer: { clientFor: (id) => portainerRef.servers?.clientFor(id) },
  });
  // An account's budget: five clients' worth of failures per 15 minutes, so one guessing client never locks it.
  const auth = new AuthService(repos.users, repos.tokens, config.jwtSecret ?? secretBox.derive('jwt'), config.jwtTtlSeconds, new LoginThrottle(config.loginRateLimit * 5));
  return {
    secretBox,
    sshKey,
    bus,
    pool,
    engines,
    auth,
    users: new UserService(repos.users, (userId) => bus.emit({ type: 'user_sessions_ended', user_id: userId })),
    hosts,
    tasks: new TaskService(repos.tasks, bus, logger.child({ area: 'tasks' })),
    metrics: new MetricsService(repos.hosts, engines, bus, logger.child({ area: 'metrics' }), config.hostOfflineAfter),
    hub: new WsHub(bus, auth, logger.child({ area: 'ws' })),
    scheduler: new Scheduler(logger.child({ area: 'jobs' })),
  };
}

/** The container with its start/stop: loops start in order, and stop in reverse before connections close. */
function assemble(parts: Omit<Container, 'version' | 'startedAt' | 'ping' | 'lifecycle' | 'start' | 'stop'>): Container {
  const { config, logger, db, docker, alerting, scheduler, hub, pool } = parts;
  const c: Container = {
    ...parts,
    version: VERSION,
    startedAt: Date.now(),
    ping: () => pingDatabase(db.kysely),
    lifecycle: {
      start: [() => docker.start(), () => alerting.start(), () => parts.portainer.start(), () => parts.proxmox.start()],
      stop: [() => docker.stop(), () => alerting.stop(), () => parts.portainer.stop(), () => parts.proxmox.stop()],
    },
    async start() {
      if (!config.schedulerEnabled) return;
      await startHostMetrics(c);
      for (const fn of c.lifecycle.start) await fn();
    },
    async stop() {
      scheduler.stop();
      for (const fn of [...c.lifecycle.stop].reverse()) await fn().catch((err) => logger.warn({ err }, 'stop hook failed'));
      hub.closeAll();
      await pool.close();
      await db.close();
    },
  };
  return c;
}

/** The Portainer client of each server. */
const portainerClient: PortainerClientFactory = (opts) => new PortainerClient(opts);

/** The Proxmox client of each cluster. */
const proxmoxClient: ProxmoxClientFactory = (opts) => new ProxmoxClient(opts);

async function openAndMigrate(config: Config, logger: Logger): Promise<Db> {
  const db = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onIdleError: (err) => logger.warn({ err: err.message }, 'database connection lost; the pool reconnects on the next query'),
  });
  const applied = await migrateToLatest(db.kysely);
  if (applied.length) logger.info({ migrations: applied, database: db.describe }, 'database migrated');
  return db;
}

/** A metrics loop per host that reports metrics, (re)made as hosts are added, edited or removed; and retention. */
async function startHostMetrics({ config, repos, scheduler, metrics, bus }: Container): Promise<void> {
  const loop = (hostId: number, startDelayMs?: number) =>
    scheduler.add({ name: 'host-metrics', target: `host:${hostId}`, intervalSeconds: config.hostMetricsInterval, startDelayMs, run: () => metrics.collect(hostId) });
  const rows = (await repos.hosts.list()).filter((h) => metrics.reports(h));
  rows.forEach((h, i) => loop(h.id, staggerDelay(i, rows.length, config.hostMetricsInterval)));
  bus.on('host_updated', (e) => {
    if (!scheduler.has(`host-metrics:host:${e.host.id}`) && metrics.reports(e.host)) loop(e.host.id);
  });
  bus.on('host_removed', (e) => scheduler.removeTarget(`host:${e.host_id}`));
  scheduler.add({ name: 'metrics-retention', intervalSeconds: 3600, run: () => metrics.prune(config.metricsRetentionDays) });
}
