/**
 * The Proxmox VE provider's wire shapes and the client's contract. Wire types keep PVE's encoding on purpose
 * (booleans as 0/1, `loadavg` and `cpuinfo.mhz` as strings: reference §0, §3.2): mapping them to domain values is
 * the job of the pure functions in mapping.ts, so what the client returns is exactly what PVE said.
 */

/** `homelab@pve` + password (a ticket), or an API token `homelab@pve!dash` + its secret (no ticket, no CSRF). */
export type ProxmoxAuth = { kind: 'password'; userid: string; password: string } | { kind: 'token'; tokenId: string; secret: string };

export interface ProxmoxClientOptions {
  /** A node's address (any node of the cluster answers for all of them), without scheme or port. */
  host: string;
  port: number;
  auth: ProxmoxAuth;
  /**
   * SHA-256 fingerprint of the certificate, `AA:BB:…`. null: not pinned — `test()` reports the one it met and pins
   * it in the client (trust on first use); afterwards another certificate is refused (`tls_mismatch`).
   */
  tlsFingerprint: string | null;
  /** A CA certificate (PEM; PVE's `pve-root-ca.pem`) to verify the certificate with, instead of a pin. */
  caPem: string | null;
  /**
   * Deadline of one request, ms (default 10 000). PVE answers every 401 only after 3 s, so a deadline under ~5 s
   * would turn each refused credential into a timeout: smaller values are raised to MIN_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /** The clock the ticket's age is measured with (ms); tests move it. */
  now?: () => number;
}

export type ProxmoxErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'node_offline'
  | 'tls_mismatch'
  | 'failed';

/**
 * What went wrong talking to PVE. `message` keeps PVE's own text (a 403's `Permission check failed (/vms/100,
 * VM.PowerMgmt)` says which privilege is missing); `errors` holds the per-parameter texts of a 400.
 */
export class ProxmoxError extends Error {
  readonly status: number | undefined;
  readonly errors: Record<string, string> | undefined;
  constructor(
    readonly kind: ProxmoxErrorKind,
    message: string,
    options: { cause?: unknown; status?: number; errors?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProxmoxError';
    this.status = options.status;
    this.errors = options.errors;
  }
}

export type B01 = 0 | 1;
export type GuestType = 'qemu' | 'lxc';

/** GET /version (§2.1). */
export interface PveVersion {
  version: string;
  release: string;
  repoid: string;
  console?: string;
}

/** GET /cluster/status entries (§2.2); a standalone host has one node entry with nodeid 0 and no cluster entry. */
export type PveClusterStatusEntry =
  | { type: 'cluster'; id: 'cluster'; name: string; nodes: number; version: number; quorate: B01 }
  | { type: 'node'; id: string; name: string; nodeid: number; local: B01; online: B01; ip?: string; level: string };

/** GET /cluster/resources entries (§2.3). QEMU's `status` there is its qmpstatus (`paused`, `suspended`, …). */
export interface PveResourceBase {
  id: string;
  node: string;
  status: string;
}
export interface PveNodeResource extends PveResourceBase {
  type: 'node';
  uptime?: number;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  level?: string;
  hastate?: string;
}
export interface PveGuestResource extends PveResourceBase {
  type: GuestType;
  vmid: number;
  name: string;
  uptime: number;
  cpu: number;
  maxcpu: number;
  mem: number;
  maxmem: number;
  memhost?: number;
  disk: number;
  maxdisk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  template: B01;
  tags?: string;
  lock?: string;
  pool?: string;
  hastate?: string;
}
export interface PveStorageResource extends PveResourceBase {
  type: 'storage';
  storage: string;
  plugintype: string;
  shared: B01;
  content: string;
  disk?: number;
  maxdisk?: number;
}
export type PveResource = PveNodeResource | PveGuestResource | PveStorageResource | (PveResourceBase & { type: 'pool' | 'sdn' | 'network' });

/** GET /nodes entries (§3.1): stats only while online and with Sys.Audit. */
export interface PveNodeListEntry {
  node: string;
  status: 'online' | 'offline' | 'unknown';
  id: string;
  type: 'node';
  level?: string;
  ssl_fingerprint?: string;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
}

/** GET /nodes/{node}/status (§3.2). */
export interface PveNodeStatus {
  uptime: number;
  cpu: number;
  wait?: number;
  loadavg: [string, string, string];
  cpuinfo: { model: string; cpus: number; sockets: number; cores: number; mhz: string; hvm: string };
  memory: { total: number; used: number; free: number; available?: number };
  swap: { total: number; used: number; free: number };
  rootfs: { total: number; used: number; avail: number; free: number };
  kversion: string;
  'current-kernel'?: { sysname: string; release: string; version: string; machine: string };
  'boot-info'?: { mode: string; secureboot?: B01 };
  pveversion: string;
}

/** GET /nodes/{node}/qemu and /lxc entries (§4.1, §5.1); `qmpstatus` only with full=1. */
export interface PveGuestListEntry {
  vmid: number;
  status: 'running' | 'stopped';
  qmpstatus?: string;
  name?: string;
  cpus: number;
  cpu: number;
  mem: number;
  maxmem: number;
  disk: number;
  maxdisk: number;
  uptime: number;
  netin: number;
  netout: number;
  diskread?: number;
  diskwrite?: number;
  template?: B01;
  lock?: string;
  tags?: string;
  pid?: number;
  type?: 'lxc';
}

/** GET /nodes/{node}/{qemu|lxc}/{vmid}/status/current (§4.2, §5.1): `agent` = enabled in the config (QEMU). */
export interface PveGuestStatus extends PveGuestListEntry {
  ha: { managed: B01; state?: string };
  agent?: B01;
}

/** GET /nodes/{node}/storage entries (§9.1). */
export interface PveNodeStorage {
  storage: string;
  type: string;
  content: string;
  shared: B01;
  active: B01;
  enabled: B01;
  total: number;
  used: number;
  avail: number;
  used_fraction?: number;
}

/** GET /nodes/{node}/tasks/{upid}/status (§8.2): `exitstatus` only once stopped. */
export interface PveTaskStatus {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  tokenid?: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

/** GET /nodes/{node}/{qemu|lxc}/{vmid}/snapshot entries (§6.2), with the synthetic `current` last. */
export interface PveSnapshot {
  name: string;
  description?: string;
  snaptime?: number;
  vmstate?: B01;
  parent?: string;
  running?: B01;
}

/** A finished task: `ok` when PVE's exit status is `OK` or `WARNINGS: n` (§8.2). */
export interface PveTaskResult {
  upid: string;
  node: string;
  type: string;
  exitstatus: string;
  ok: boolean;
}

export type QueryValue = string | number | boolean | undefined;
export type Params = Record<string, QueryValue>;

/** The result of `test()`: the version and the fingerprint of the certificate met (`AA:BB:…`). */
export interface ProxmoxProbe {
  version: PveVersion;
  fingerprint: string;
}

/**
 * One Proxmox VE cluster, reached through any of its nodes. Contract: every call has a deadline; a ticket is renewed
 * before it expires and a 401 logs in again once (one login at a time, never in a loop), an API token is sent as is;
 * parameters are checked before anything is sent; failures are ProxmoxError with a kind.
 */
export interface ProxmoxApi {
  /** The version over a connection of its own that may meet an unpinned certificate (TOFU): pins it in the client. */
  test(): Promise<ProxmoxProbe>;
  version(): Promise<PveVersion>;
  clusterStatus(): Promise<PveClusterStatusEntry[]>;
  resources(type?: 'vm' | 'storage' | 'node'): Promise<PveResource[]>;
  nodes(): Promise<PveNodeListEntry[]>;
  nodeStatus(node: string): Promise<PveNodeStatus>;
  guests(node: string, type: GuestType, o?: { full?: boolean }): Promise<PveGuestListEntry[]>;
  guestStatus(node: string, type: GuestType, vmid: number): Promise<PveGuestStatus>;
  storage(node: string, o?: { content?: string; enabled?: boolean }): Promise<PveNodeStorage[]>;
  /** One power action of a guest; the UPID of its task. */
  guestPower(node: string, type: GuestType, vmid: number, action: GuestPowerAction, params?: Params): Promise<string>;
  taskStatus(upid: string): Promise<PveTaskStatus>;
  /** Polls a task until it stops (or the deadline: `timeout`), with its exit status. */
  waitTask(upid: string, o?: { intervalMs?: number; timeoutMs?: number }): Promise<PveTaskResult>;
  /** Every line of a task's log, in order (§8.3; PVE's `no content` placeholder of an empty log left out). */
  taskLog(upid: string): Promise<string[]>;
  /** Generic calls under /api2/json for the endpoints without a typed method (snapshots, vzdump, node actions). */
  get<T>(path: string, params?: Params): Promise<T>;
  post<T>(path: string, params?: Params): Promise<T>;
  delete<T>(path: string, params?: Params): Promise<T>;
  /** The certificate pinned now (the one given, or the one test() pinned). */
  readonly fingerprint: string | null;
  close(): void;
}

export type GuestPowerAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume';
