import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access, type SimToken, type SimUser } from './access.js';
import { actionRoutes } from './actions.js';
import { makeCertificate } from './cert.js';
import { major, type Clock, type Routes, type Sim, type SimConfig, type SimCounters } from './core.js';
import { clusterRoutes } from './routes-cluster.js';
import { guestRoutes } from './routes-guests.js';
import { taskRoutes } from './routes-tasks.js';
import { createHandler, type RequestRecord } from './server.js';
import { snapshotRoutes } from './snapshots.js';
import { defaultState, type SimGuest, type SimNode, type SimState } from './state.js';
import { storageRoutes } from './storage.js';
import { TaskRunner, type SimTask } from './tasks.js';

/**
 * A strict Proxmox VE API simulator for tests, written from the project's PVE reference (proxmox-api.md) and
 * pve-api-schema.json. See README.md in this folder for what it covers and which section each behaviour follows.
 */

export interface ProxmoxSimOptions extends Partial<SimConfig> {
  /** replaces the default two-node cluster (state.ts) */
  state?: SimState;
  /** default: root@pam / 'rootpw', dash@pve / 's3cret' (Administrator), audit@pve / 'audit' (PVEAuditor) */
  users?: SimUser[];
  /** default: root@pam!dash (admin, no privsep), audit@pve!ro (PVEAuditor) */
  tokens?: SimToken[];
}

export interface ProxmoxSim {
  /** https://127.0.0.1:<port> (the API is under /api2/json) */
  url: string;
  /** the current certificate's SHA-256 fingerprint, `AA:BB:…` */
  readonly fingerprint: string;
  state: SimState;
  config: SimConfig;
  counters: SimCounters;
  /** every request, in order */
  requests: RequestRecord[];
  tasks: SimTask[];
  access: Access;
  stop(): Promise<void>;
  /** a new self-signed certificate for new connections; returns its fingerprint */
  replaceCertificate(): string;
  addUser(user: SimUser): void;
  addToken(token: SimToken): void;
  setNodeOnline(node: string, online: boolean): void;
  /** moves the simulator's clock (ticket lifetime, task times, RRD) */
  advanceClock(seconds: number): void;
  /** the next task (of that type) fails with `TASK ERROR: <message>` */
  failNextTask(message: string, type?: string): void;
  /** resolves when no task is running */
  tasksIdle(): Promise<void>;
  guest(vmid: number): SimGuest;
  node(name: string): SimNode;
  /** how many requests matched a path (`GET /version`), or a schema template (`POST /nodes/{node}/vzdump`) */
  requestCount(methodAndPath: string): number;
}

const TOKEN_SECRET = '5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41';

export const DEFAULT_USERS: SimUser[] = [
  { userid: 'root@pam', password: 'rootpw' },
  { userid: 'dash@pve', password: 's3cret', role: 'Administrator' },
  { userid: 'audit@pve', password: 'audit', role: 'PVEAuditor' },
];

export const DEFAULT_TOKENS: SimToken[] = [
  { tokenid: 'root@pam!dash', secret: TOKEN_SECRET, privsep: false },
  { tokenid: 'audit@pve!ro', secret: 'a0d1e2f3-0000-4000-8000-00000000a0d1', role: 'PVEAuditor' },
];

const ROUTES: Routes = {
  ...clusterRoutes, ...guestRoutes, ...actionRoutes, ...snapshotRoutes, ...storageRoutes, ...taskRoutes,
};

export async function startProxmoxSim(opts: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  const config: SimConfig = {
    version: opts.version ?? '9.1.5',
    repoid: opts.repoid ?? '9d436f37a0ac4172',
    errorMessages: opts.errorMessages ?? true,
    taskDelayMs: opts.taskDelayMs ?? 300,
    unauthorizedDelayMs: opts.unauthorizedDelayMs ?? 3000,
    localNode: opts.localNode ?? 'pve1',
  };
  let offset = 0;
  const clock: Clock = { now: () => Math.floor(Date.now() / 1000) + offset, advance: (s) => void (offset += s) };
  const state = opts.state ?? defaultState();
  const access = new Access(clock, () => major(config));
  for (const u of opts.users ?? DEFAULT_USERS) access.addUser(u);
  for (const t of opts.tokens ?? DEFAULT_TOKENS) access.addToken(t);
  const tasks = new TaskRunner(clock, config);
  const counters: SimCounters = { logins: 0, loginFailures: 0 };
  const requests: RequestRecord[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'pve-sim-'));
  let serial = 1;
  let cert = makeCertificate(dir, config.localNode, serial);
  const sim: Sim = { state, counters, config, clock, access, tasks, fingerprint: () => cert.fingerprint };
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, createHandler(sim, ROUTES, requests));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    get fingerprint() {
      return cert.fingerprint;
    },
    state,
    config,
    counters,
    requests,
    tasks: tasks.tasks,
    access,
    async stop() {
      tasks.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
    replaceCertificate() {
      cert = makeCertificate(dir, config.localNode, ++serial);
      server.setSecureContext({ key: cert.key, cert: cert.cert });
      return cert.fingerprint;
    },
    addUser: (u) => access.addUser(u),
    addToken: (t) => access.addToken(t),
    setNodeOnline(name, online) {
      const n = state.nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      n.online = online;
    },
    advanceClock: (s) => clock.advance(s),
    failNextTask: (message, type) => tasks.failNext(message, type),
    tasksIdle: () => tasks.idle(),
    guest(vmid) {
      const g = state.guests.find((x) => x.vmid === vmid);
      if (!g) throw new Error(`no guest ${vmid}`);
      return g;
    },
    node(name) {
      const n = state.nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    requestCount: (key) => requests.filter((r) => `${r.method} ${r.path}` === key || `${r.method} ${r.template}` === key).length,
  };
}
