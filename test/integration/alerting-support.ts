import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config.js';
import { type Container, createContainer } from '../../src/container.js';
import type { DockerContainer, Role, WsMessage } from '../../src/core/types.js';
import { createLogger } from '../../src/logger.js';
import authPlugin from '../../src/server/plugins/auth.js';
import errorsPlugin from '../../src/server/plugins/errors.js';
import { registerAlertingRoutes } from '../../src/server/routes/index.js';
import { ErrorSchema } from '../../src/contract/common.js';
import type { App } from '../../src/server/types.js';
import { toBrowser } from '../../src/server/ws/messages.js';
import { type AlertingModule, setupAlerting } from '../../src/services/alerts/index.js';

/**
 * A real alerting module on real SQLite (the app's container and migrations), served by a real Fastify with the real
 * auth and error plugins, fed through the real event bus. The one stand-in is the Docker area's store (`docker`
 * below): it holds containers and emits the same bus events the collector and the events stream emit, and its
 * restart runs as a real task (TaskService). The lab tests (alerting-lab.test.ts) use the real Docker area.
 */

export class DockerStore {
  private readonly byHost = new Map<number, DockerContainer[]>();
  private seq = 1;
  /** what restartContainer does to the container: come back running (default) or stay exited */
  restartOutcome: 'running' | 'exited' = 'running';
  readonly restarts: { hostId: number; ref: string; requestedBy: string }[] = [];

  constructor(private readonly h: Harness) {}

  listContainers = async (hostId: number): Promise<DockerContainer[]> => structuredClone(this.byHost.get(hostId) ?? []);
  allContainers = async (): Promise<DockerContainer[]> => structuredClone([...this.byHost.values()].flat());

  restartContainer = async (hostId: number, ref: string, requestedBy: string): Promise<unknown> => {
    this.restarts.push({ hostId, ref, requestedBy });
    return this.h.c.tasks.run({ action: 'docker.container.restart', host_id: hostId, target: ref, requested_by: requestedBy, lockKey: `docker:${hostId}:${ref}` }, async () => {
      await new Promise((r) => setTimeout(r, 100));
      this.set(hostId, ref, { state: this.restartOutcome, started_at: new Date().toISOString() });
      return { value: null };
    });
  };

  /** Adds or changes a container and emits docker_container_updated, as a collection or an event refresh does. */
  set(hostId: number, name: string, patch: Partial<DockerContainer> = {}): DockerContainer {
    const list = this.byHost.get(hostId) ?? [];
    this.byHost.set(hostId, list);
    let c = list.find((x) => x.name === name);
    if (!c) {
      const n = this.seq++;
      c = {
        id: n,
        host_id: hostId,
        container_id: n.toString(16).padStart(64, 'a'),
        name,
        image: 'homelab/busybox:1',
        state: 'running',
        status: 'Up',
        health: 'none',
        created_at: new Date().toISOString(),
        started_at: new Date().toISOString(),
        finished_at: null,
        exit_code: null,
        oom_killed: false,
        restart_count: 0,
        command: null,
        ports: [],
        labels: { 'homelab.monitor': 'true' },
        compose_project: null,
        compose_service: null,
        ip_address: null,
        mac_address: null,
        gateway: null,
        networks: [],
        stale: false,
        last_update_at: new Date().toISOString(),
        log_capture: 'off',
      };
      list.push(c);
    }
    Object.assign(c, patch, { last_update_at: new Date().toISOString() });
    this.h.c.bus.emit({ type: 'docker_container_updated', host_id: hostId, container: structuredClone(c) });
    return c;
  }

  remove(hostId: number, name: string): void {
    const list = this.byHost.get(hostId) ?? [];
    const i = list.findIndex((x) => x.name === name);
    if (i < 0) return;
    const [c] = list.splice(i, 1);
    this.h.c.bus.emit({ type: 'docker_container_removed', host_id: hostId, container_id: c!.container_id, name: c!.name, labels: c!.labels });
  }
}

export interface Harness {
  c: Container;
  alerting: AlertingModule;
  app: App;
  url: string;
  docker: DockerStore;
  dataDir: string;
  /** every message a browser would have received since start (each bus event through the WebSocket mapping) */
  events: WsMessage[];
  api(method: string, url: string, opts?: { role?: Role | null; body?: unknown }): Promise<{ status: number; body: any }>;
  addHost(name: string): Promise<number>;
  /** stops everything and starts again on the same data dir (a server restart) */
  restart(env?: Record<string, string>): Promise<Harness>;
  close(): Promise<void>;
}

const PASSWORDS: Record<Role, string> = { admin: 'admin-password-1', operator: 'operator-password-1', viewer: 'viewer-password-1' };

export async function startAlerting(env: Record<string, string> = {}, reuse?: { dataDir: string; docker?: DockerStore }): Promise<Harness> {
  const dataDir = reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-alerting-'));
  const config = loadConfig(
    {
      HOMELAB_DATA_DIR: dataDir,
      HOMELAB_ADMIN_USERNAME: 'admin',
      HOMELAB_ADMIN_PASSWORD: PASSWORDS.admin,
      HOMELAB_LOG_LEVEL: process.env.HOMELAB_TEST_LOG_LEVEL ?? 'silent',
      HOMELAB_SCHEDULER: 'false',
      HOMELAB_ALERT_GRACE: '0',
      ...env,
    },
    process.cwd(),
  );
  const logger = createLogger(config.logLevel);
  const c = await createContainer(config, logger);
  await c.users.ensureAdmin('admin', PASSWORDS.admin);
  for (const role of ['operator', 'viewer'] as const) {
    if (!(await c.repos.users.getByUsername(role))) await c.users.create({ username: role, password: PASSWORDS[role], role });
  }
  const h = { c, dataDir, events: [] as WsMessage[] } as Harness;
  const docker = reuse?.docker ?? new DockerStore(h);
  if (reuse?.docker) (docker as unknown as { h: Harness }).h = h;
  h.docker = docker;
  c.bus.onAny((e) => h.events.push(...toBrowser(e)));
  h.alerting = await setupAlerting({ config, logger, db: c.db.kysely, bus: c.bus, secretBox: c.secretBox, tasks: c.tasks, docker });

  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } } }) as unknown as App;
  app.addSchema(ErrorSchema);
  await app.register(errorsPlugin);
  await app.register(authPlugin, { auth: c.auth });
  await registerAlertingRoutes(app, h.alerting);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  h.app = app;
  h.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'viewer'] as const) tokens[role] = (await c.auth.login(role, PASSWORDS[role])).access_token;
  h.api = async (method, url, o = {}) => {
    const headers: Record<string, string> = {};
    const role = o.role === undefined ? 'admin' : o.role;
    if (role) headers.authorization = `Bearer ${tokens[role]}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(h.url + url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  h.addHost = async (name) => {
    const existing = await c.repos.hosts.getByName(name);
    if (existing) return existing.id;
    const row = await c.repos.hosts.create({ name, host: '127.0.0.1', port: 22, username: 'automation', os_type: null, transport: 'ssh', groups: [] });
    await c.repos.hosts.update(row.id, { status: 'online', docker_enabled: 1, docker_status: 'online' });
    return row.id;
  };
  h.close = async () => {
    await h.alerting.stop();
    await app.close();
    await c.stop();
  };
  h.restart = async (more = {}) => {
    await h.close();
    return startAlerting({ ...env, ...more }, { dataDir, docker });
  };
  await h.alerting.start();
  return h;
}

/** Waits until `fn` returns a truthy value (polling), or fails with what it last saw. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
