import net from 'node:net';
import path from 'node:path';

/**
 * The one reader of process.env. Every HOMELAB_* variable is parsed and checked here, so a typo in a number or
 * a URL stops the server at start with a message that names the variable, instead of failing later.
 */
export interface Config {
  port: number;
  bind: string;
  dataDir: string;
  databaseUrl: string | null; // null = SQLite file in dataDir
  adminUsername: string;
  adminPassword: string | null;
  sshKeyFile: string | null;
  sshUser: string;
  sshConnectTimeoutMs: number;
  sshExecTimeoutMs: number;
  ntfyUrl: string | null;
  ntfyTopic: string;
  ntfyToken: string | null;
  dockerCollectInterval: number;
  dockerCollectConcurrency: number;
  dockerInspectFullEvery: number;
  dockerEvents: boolean;
  hostMetricsInterval: number;
  hostOfflineAfter: number;
  metricsRetentionDays: number;
  /** Captured container logs: days kept, and lines kept per container. */
  logRetentionDays: number;
  logMaxLinesPerContainer: number;
  alertCheckInterval: number;
  alertCooldown: number;
  alertGrace: number;
  secretKey: string | null;
  jwtSecret: string | null;
  jwtTtlSeconds: number;
  logLevel: string;
  publicUrl: string | null;
  webDir: string;
  schedulerEnabled: boolean;
  loginRateLimit: number;
  /**
   * Which X-Forwarded-For hops to believe: false (none: the TCP peer is the client), a number of proxies in front, or
   * the proxies' addresses/CIDRs. Never "every hop": the leftmost entry is whatever the client wrote.
   */
  trustProxy: false | number | string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === null) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** `true` is one proxy in front (the client is the address it appended); `2` two; or `10.0.0.2,192.168.1.0/24`. */
function trustProxy(env: Env, name: string): false | number | string[] {
  const raw = str(env, name);
  if (raw === null || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return 1;
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n > 10) throw new ConfigError(name, `expected at most 10 proxies in front, got ${n}`);
    return n;
  }
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const known = (a: string) => /^(loopback|linklocal|uniquelocal)$/.test(a) || (/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a) && net.isIP(a.split('/')[0]!) !== 0);
  const bad = list.find((a) => !known(a));
  if (bad !== undefined) throw new ConfigError(name, `expected true, false, a number of proxies, or proxy addresses/CIDRs separated by commas; "${bad}" is none of these`);
  return list;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = str(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const dataDir = path.resolve(cwd, str(env, 'HOMELAB_DATA_DIR') ?? 'data');
  const logLevel = str(env, 'HOMELAB_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('HOMELAB_LOG_LEVEL', `expected one of fatal, error, warn, info, debug, trace, silent`);
  }
  const sshKeyFile = str(env, 'HOMELAB_SSH_KEY_FILE');
  return {
    port: int(env, 'HOMELAB_PORT', 8000, 0, 65535),
    bind: str(env, 'HOMELAB_BIND') ?? '0.0.0.0',
    dataDir,
    databaseUrl: url(env, 'HOMELAB_DATABASE_URL', ['postgres:', 'postgresql:']),
    adminUsername: str(env, 'HOMELAB_ADMIN_USERNAME') ?? 'admin',
    adminPassword: str(env, 'HOMELAB_ADMIN_PASSWORD'),
    sshKeyFile: sshKeyFile ? path.resolve(cwd, sshKeyFile) : null,
    sshUser: str(env, 'HOMELAB_SSH_USER') ?? 'automation',
    sshConnectTimeoutMs: int(env, 'HOMELAB_SSH_CONNECT_TIMEOUT', 5, 1, 120) * 1000,
    sshExecTimeoutMs: int(env, 'HOMELAB_SSH_EXEC_TIMEOUT', 15, 1, 600) * 1000,
    ntfyUrl: url(env, 'HOMELAB_NTFY_URL', ['http:', 'https:']),
    ntfyTopic: str(env, 'HOMELAB_NTFY_TOPIC') ?? 'homelab-docker',
    ntfyToken: str(env, 'HOMELAB_NTFY_TOKEN'),
    dockerCollectInterval: int(env, 'HOMELAB_DOCKER_COLLECT_INTERVAL', 60, 1, 86400),
    dockerCollectConcurrency: int(env, 'HOMELAB_DOCKER_COLLECT_CONCURRENCY', 8, 1, 256),
    dockerInspectFullEvery: int(env, 'HOMELAB_DOCKER_INSPECT_FULL_EVERY', 10, 1, 1000),
    dockerEvents: bool(env, 'HOMELAB_DOCKER_EVENTS', true),
    hostMetricsInterval: int(env, 'HOMELAB_HOST_METRICS_INTERVAL', 60, 1, 86400),
    hostOfflineAfter: int(env, 'HOMELAB_HOST_OFFLINE_AFTER', 3, 1, 100),
    metricsRetentionDays: int(env, 'HOMELAB_METRICS_RETENTION_DAYS', 7, 1, 3650),
    logRetentionDays: int(env, 'HOMELAB_LOG_RETENTION_DAYS', 7, 1, 3650),
    logMaxLinesPerContainer: int(env, 'HOMELAB_LOG_MAX_LINES', 10_000, 100, 10_000_000),
    alertCheckInterval: int(env, 'HOMELAB_ALERT_CHECK_INTERVAL', 30, 1, 86400),
    alertCooldown: int(env, 'HOMELAB_ALERT_COOLDOWN', 300, 0, 86400 * 7),
    alertGrace: int(env, 'HOMELAB_ALERT_GRACE', 10, 0, 86400),
    secretKey: str(env, 'HOMELAB_SECRET_KEY'),
    jwtSecret: str(env, 'HOMELAB_JWT_SECRET'),
    jwtTtlSeconds: int(env, 'HOMELAB_JWT_TTL', 12 * 3600, 60, 30 * 86400),
    logLevel,
    publicUrl: url(env, 'HOMELAB_PUBLIC_URL', ['http:', 'https:']),
    webDir: path.resolve(cwd, str(env, 'HOMELAB_WEB_DIR') ?? 'web/dist'),
    schedulerEnabled: bool(env, 'HOMELAB_SCHEDULER', true),
    loginRateLimit: int(env, 'HOMELAB_LOGIN_RATE_LIMIT', 10, 1, 10000),
    trustProxy: trustProxy(env, 'HOMELAB_TRUST_PROXY'),
  };
}
