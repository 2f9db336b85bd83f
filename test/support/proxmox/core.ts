import type { SimState } from './state.js';
import type { Access } from './access.js';
import type { TaskRunner } from './tasks.js';

/**
 * An error the way PVE raises it (PVE::Exception): an HTTP status, a message (the reason phrase is its first line),
 * and per-parameter `errors` for validation failures. `emptyBody` mimics the answers PVE sends without JSON (401s
 * from the auth handler, 595 from the proxy).
 */
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
    readonly emptyBody = false,
  ) {
    super(message);
  }
}

/** 500 with a plain message: what a handler's `die "...\n"` becomes. */
export const fail = (message: string): PveError => new PveError(500, message);

/** 400 `Parameter verification failed.` with the given per-parameter errors (PVE's raise_param_exc). */
export const paramError = (errors: Record<string, string>): PveError =>
  new PveError(400, 'Parameter verification failed.', errors);

export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

/** What can change at run time through the controls (startProxmoxSim's options seed it). */
export interface SimConfig {
  /** pve-manager version claimed by /version, e.g. '9.1.5' or '8.4.14' */
  version: string;
  repoid: string;
  /** libpve-http-server-perl >= 5.2.0: error bodies carry `message` */
  errorMessages: boolean;
  /** how long a task runs before its effect applies */
  taskDelayMs: number;
  /** PVE answers every 401 after 3 s */
  unauthorizedDelayMs: number;
  /** the node this API endpoint runs on (local: 1 in /cluster/status) */
  localNode: string;
}

export interface Clock {
  /** Unix seconds, shifted by advance() */
  now(): number;
  advance(seconds: number): void;
}

export interface AuthInfo {
  /** `user@realm`, or null for unauthenticated calls */
  userid: string | null;
  /** `user@realm!name` for API token calls */
  tokenid?: string;
  kind: 'ticket' | 'token' | 'none';
}

export interface SimCounters {
  logins: number;
  loginFailures: number;
}

export interface Sim {
  state: SimState;
  counters: SimCounters;
  config: SimConfig;
  clock: Clock;
  access: Access;
  tasks: TaskRunner;
  fingerprint(): string;
}

export interface Ctx {
  sim: Sim;
  params: Params;
  auth: AuthInfo;
  method: string;
  path: string;
  /** sets the top-level `total` beside `data` (task lists and logs) */
  setTotal(n: number): void;
}

export type Handler = (ctx: Ctx) => unknown;
/** keys are `METHOD /schema/{template}` */
export type Routes = Record<string, Handler>;

export function major(config: SimConfig): number {
  return Number(config.version.split('.')[0]);
}

/** a.b.c >= x.y.z */
export function versionAtLeast(version: string, wanted: string): boolean {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export const str = (p: Params, k: string): string | undefined => (p[k] === undefined ? undefined : String(p[k]));
export const int = (p: Params, k: string): number | undefined => (p[k] === undefined ? undefined : Number(p[k]));
/** 1/0, '1'/'0' or JSON true/false, already validated by the schema */
export const bool = (p: Params, k: string): boolean | undefined =>
  p[k] === undefined ? undefined : p[k] === true || p[k] === 1 || p[k] === '1';

/** a stable order that is not sorted by vmid: PVE's guest and snapshot lists are unsorted */
export function unsorted<T>(items: T[], key: (t: T) => number): T[] {
  const h = (n: number): number => Math.imul(n, 2654435761) >>> 0;
  return [...items].sort((a, b) => h(key(a)) - h(key(b)));
}

export const b01 = (v: boolean): 0 | 1 => (v ? 1 : 0);
