import { AppError } from '../../core/errors.js';
import type { LogLine, Role } from '../../core/types.js';
import { inspectContainers, logs, stats } from '../../providers/docker/commands.js';
import { parseInspect, parseLogs } from '../../providers/docker/parse.js';
import { type ContainerStats, parseStats } from '../../providers/docker/parse-live.js';
import type { TransportFactory } from '../../providers/docker/transports.js';
import type { DockerService } from './docker.service.js';

const SECRET_NAME = /(PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|API_?KEY|PWD)/i;

/** Masks values of environment variables whose names look secret (for non-admins). */
export function maskInspect(raw: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(raw);
  const config = copy.Config as { Env?: string[] } | undefined;
  if (config && Array.isArray(config.Env)) {
    config.Env = config.Env.map((e) => {
      const i = e.indexOf('=');
      return i > 0 && SECRET_NAME.test(e.slice(0, i)) ? `${e.slice(0, i)}=********` : e;
    });
  }
  return copy;
}

/** What is read live from the host rather than from the stored state: logs, full inspect, stats. */
export class DockerLiveReads {
  constructor(
    private readonly service: DockerService,
    private readonly transports: TransportFactory,
    private readonly execTimeoutMs: number,
  ) {}

  async logs(hostId: number, ref: string, q: { tail: number; since?: string; timestamps: boolean }): Promise<LogLine[]> {
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, ref);
    const r = await this.transports.forHost(host).exec(logs(c.container_id, { tail: q.tail, since: q.since, timestamps: q.timestamps }), {
      timeoutMs: this.execTimeoutMs,
      maxOutputBytes: 16 * 1024 * 1024,
    });
    // docker logs exits 0 whatever the container wrote; a non-zero exit is docker itself failing (daemon down, no
    // such container, a log driver that cannot be read). Its message is the last stderr line: without this check a
    // "Cannot connect to the Docker daemon" came back as the container's own stderr line, with 200.
    if (r.code !== 0) {
      const why = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${r.code}`;
      throw new AppError(/No such container/i.test(why) ? 404 : 502, /No such container/i.test(why) ? 'not_found' : 'docker_failed', `docker logs failed on ${host.name}: ${why}`);
    }
    return parseLogs(r.stdout, r.stderr, { timestamps: q.timestamps });
  }

  async inspect(hostId: number, ref: string, role: Role): Promise<Record<string, unknown>> {
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, ref);
    const r = await this.transports.forHost(host).exec(inspectContainers([c.container_id]), { timeoutMs: this.execTimeoutMs });
    const obj = parseInspect(r.stdout).inspects[0];
    if (!obj) throw new AppError(r.code === 0 ? 502 : 404, r.code === 0 ? 'docker_failed' : 'not_found', `inspect of ${c.name} failed: ${r.stderr.trim().split('\n')[0] || 'no output'}`);
    return role === 'admin' ? obj : maskInspect(obj);
  }

  async stats(hostId: number, ref?: string): Promise<ContainerStats[]> {
    const host = await this.service.enabledHost(hostId);
    const id = ref ? (await this.service.resolve(hostId, ref)).container_id : undefined;
    // docker stats samples twice (about 2 s) before it prints.
    const r = await this.transports.forHost(host).exec(stats(id), { timeoutMs: Math.max(this.execTimeoutMs, 20_000) });
    if (r.code !== 0) throw new AppError(502, 'docker_failed', `docker stats failed on ${host.name}: ${r.stderr.trim().split('\n')[0]}`);
    return parseStats(r.stdout).stats;
  }
}
