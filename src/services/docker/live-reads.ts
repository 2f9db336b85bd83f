import { AppError } from '../../core/errors.js';
import type { LogLine, Role } from '../../core/types.js';
import { type EngineErrorKind, isEngineError } from '../../providers/docker/engine.js';
import type { ContainerStats } from '../../providers/docker/parse-live.js';
import type { Engines } from '../../providers/registry.js';
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

/** How an engine's failure reads in the API: a container that is gone is 404, anything else Docker's failure (502). */
const STATUS: Partial<Record<EngineErrorKind, [number, string]>> = { not_found: [404, 'not_found'] };

function apiError(err: unknown, what: string): unknown {
  if (!isEngineError(err)) return err;
  const [status, code] = STATUS[err.kind] ?? [502, 'docker_failed'];
  return new AppError(status, code, `${what}: ${err.message}`, { cause: err });
}

/** What is read live from the host rather than from the stored state: logs, full inspect, stats. */
export class DockerLiveReads {
  constructor(
    private readonly service: DockerService,
    private readonly engines: Engines,
    private readonly execTimeoutMs: number,
  ) {}

  async logs(hostId: number, ref: string, q: { tail: number; since?: string; timestamps: boolean }): Promise<LogLine[]> {
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, ref);
    try {
      return await this.engines.forHost(host).logs(c.container_id, q, { timeoutMs: this.execTimeoutMs });
    } catch (err) {
      throw apiError(err, `docker logs failed on ${host.name}`);
    }
  }

  async inspect(hostId: number, ref: string, role: Role): Promise<Record<string, unknown>> {
    const host = await this.service.host(hostId);
    const c = await this.service.resolve(hostId, ref);
    let obj: Record<string, unknown> | undefined;
    try {
      obj = (await this.engines.forHost(host).inspect([c.container_id], { timeoutMs: this.execTimeoutMs })).objects[0];
    } catch (err) {
      throw apiError(err, `inspect of ${c.name} failed`);
    }
    if (!obj) throw new AppError(404, 'not_found', `inspect of ${c.name} failed: no such container on ${host.name}`);
    return role === 'admin' ? obj : maskInspect(obj);
  }

  async stats(hostId: number, ref?: string): Promise<ContainerStats[]> {
    const host = await this.service.enabledHost(hostId);
    const id = ref ? (await this.service.resolve(hostId, ref)).container_id : undefined;
    try {
      return await this.engines.forHost(host).stats(id, { timeoutMs: this.execTimeoutMs });
    } catch (err) {
      throw apiError(err, `docker stats failed on ${host.name}`);
    }
  }
}
