/**
 * The DockerEngine of a Portainer environment: the Docker Engine API through Portainer's proxy
 * (`/api/endpoints/{id}/docker/...`, reference §5). Answers are mapped to the CLI engine's domain shapes
 * (docker-map.ts, parse*.ts). A down environment answers 502 (agent, tcp) or 500 "Unable to proxy the request via
 * the Docker socket" (socket): that is "the host answers but Docker does not" (daemon_error / daemon_down), while a
 * Portainer server that does not answer is `unreachable`/`timeout`.
 *
 * round_trips of a snapshot: the HTTP calls it made (version, list, one inspect per container, images, volumes,
 * the network list and one inspect per network): the API has no batch call.
 */
import type { LogLine } from '../../core/types.js';
import {
  type ActionOutput,
  type ContainerAction,
  type ContainerActionOptions,
  type DockerEngine,
  type EngineCapabilities,
  EngineError,
  type EventHandlers,
  type FollowHandlers,
  type InspectResult,
  type LogsQuery,
  PRUNE_KINDS,
  type PruneKinds,
  type Snapshot,
  type Stream,
} from '../docker/engine.js';
import * as g from '../docker/grammar.js';
import { type ParsedContainer, type PruneReport, containerFromInspect, parseEventLine, parseLogLine } from '../docker/parse.js';
import type { DockerProxy, ProxyAnswer } from './client.js';
import { containerFromSummary, imagesFromApi, networksFromApi, pruneFromApi, statsFromApi, versionFromApi, volumesFromApi } from './docker-map.js';
import { FrameDecoder, LineSplitter, decodeLogBody } from './framing.js';
import { errorText } from './mapping.js';
import { PortainerError } from './types.js';
import { mapLimit } from '../../core/map-limit.js';

export const PORTAINER_CAPABILITIES: EngineCapabilities = {
  redeploy: false, // the compose files live on the environment's machine, out of reach
  compose_actions: false,
  host_metrics: false,
  prune: PRUNE_KINDS,
  live_logs: true,
};

const CONCURRENCY = 8;
const CONFLICT_RE = /is already (in progress|paused|running|stopped)|is not (running|paused)|Conflict|in use by container|removal of container .* is already in progress/i;
const LOGS_MAX_BYTES = 16 * 1024 * 1024;
const STATS_MIN_TIMEOUT_MS = 20_000;


/** The environment's engine is down: 502 (empty), or Portainer's own 500 about the socket or the Edge tunnel. */
export function isEnvironmentDown(r: ProxyAnswer): boolean {
  if (r.status === 502 || r.status === 503 || r.status === 504) return true;
  if (r.status !== 500) return false;
  return /Unable to proxy the request via the Docker socket|No Edge agent registered|Unable to get the active tunnel/i.test(r.body.toString());
}

const json = (r: ProxyAnswer): unknown => {
  try {
    return JSON.parse(r.body.toString());
  } catch (err) {
    throw new EngineError('bad_output', `an answer that is not JSON (HTTP ${r.status})`, { cause: err });
  }
};

/** `since` as the API takes it: unix seconds (RFC 3339 and Go durations relative to now converted here). */
export function sinceToUnix(since: string, now = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(since)) return since;
  const t = Date.parse(since);
  if (!Number.isNaN(t)) {
    const frac = /\.(\d+)/.exec(since)?.[1];
    // Keep the nanoseconds: a millisecond-rounded boundary would repeat or drop lines of the same second.
    return `${Math.floor(t / 1000)}.${(frac ?? '0').padEnd(9, '0').slice(0, 9)}`;
  }
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of since.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return ((now - ms) / 1000).toFixed(3);
}

export class PortainerEngine implements DockerEngine {
  readonly capabilities = PORTAINER_CAPABILITIES;

  constructor(
    private readonly proxy: DockerProxy,
    private readonly opts: { hostName: string; timeoutMs: number },
  ) {}

  // --- plumbing ------------------------------------------------------------------------------------------------

  private async call(method: string, path: string, o: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ProxyAnswer> {
    let r: ProxyAnswer;
    try {
      r = await this.proxy.call(method, path, { timeoutMs: o.timeoutMs ?? this.opts.timeoutMs, maxBytes: o.maxBytes });
    } catch (err) {
      throw toEngineError(err);
    }
    if (isEnvironmentDown(r)) throw new EngineError('daemon_down', `${this.opts.hostName}: the environment's Docker does not answer (${errorText(r.status, r.body.toString())})`);
    if (r.status === 403) throw new EngineError('failed', `${this.opts.hostName}: Portainer refused: ${errorText(r.status, r.body.toString())}`);
    return r;
  }

  /**
   * A Docker refusal -> EngineError (404 not_found, 409 conflict), with Docker's own words. Older engines answer some
   * conflicts with 500 (dockerd 20.10: unpause of a running container, "is not paused"): the text decides, as the
   * CLI engine reads the same words in stderr.
   */
  private refusal(r: ProxyAnswer, what: string): EngineError {
    const text = errorText(r.status, r.body.toString());
    const kind = r.status === 404 || /No such (container|object)/i.test(text) ? 'not_found' : r.status === 409 || CONFLICT_RE.test(text) ? 'conflict' : 'failed';
    return new EngineError(kind, `${what}: ${text}`, { output: text });
  }

  private async getJson(path: string, timeoutMs?: number): Promise<unknown> {
    const r = await this.call('GET', path, { timeoutMs });
    if (r.status !== 200) throw this.refusal(r, `GET ${path.split('?')[0]}`);
    return json(r);
  }

  // --- snapshot and inspect ----------------------------------------------------------------------------------

  async snapshot(o: { inspect: 'all' | readonly string[]; timeoutMs?: number }): Promise<Snapshot> {
    // One deadline for the whole snapshot, as the CLI engine's one command has: each call gets what is left of it.
    const budget = o.timeoutMs ?? this.opts.timeoutMs * 3;
    const end = Date.now() + budget;
    const left = () => {
      const ms = end - Date.now();
      if (ms <= 0) throw new EngineError('timeout', `${this.opts.hostName}: the snapshot did not finish within ${budget} ms`);
      return ms;
    };
    const out: Snapshot = { version: null, daemon_error: null, containers: [], inspects: [], images: [], volumes: [], networks: [], sections: {}, errors: [], round_trips: 0 };
    let calls = 0;
    const section = async <T>(name: 'version' | 'ps' | 'inspect' | 'images' | 'volumes' | 'networks', fn: () => Promise<T>): Promise<T | null> => {
      try {
        const v = await fn();
        out.sections[name] = { rc: 0, ok: true, error: null };
        return v;
      } catch (err) {
        if (err instanceof EngineError && (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'daemon_down')) throw err;
        const message = (err as Error).message;
        out.sections[name] = { rc: 1, ok: false, error: message };
        out.errors.push({ section: name, message });
        return null;
      }
    };
    try {
      calls++;
      out.version = await section('version', async () => versionFromApi(await this.getJson('/version', left())));
      calls++;
      const list = await section('ps', async () => {
        const body = await this.getJson('/containers/json?all=1', left());
        if (!Array.isArray(body)) throw new EngineError('bad_output', 'the container list is not an array');
        return body.map(containerFromSummary).filter((c): c is ParsedContainer => c !== null);
      });
      const ps = list ?? [];
      const wanted = o.inspect === 'all' ? ps.map((c) => c.container_id) : o.inspect.filter((id) => ps.some((c) => c.container_id === id || c.container_id.startsWith(id)));
      calls += wanted.length;
      const inspected = (await section('inspect', () => this.inspect(wanted, { timeoutMs: left() }))) ?? { objects: [], missing: [], errors: [] };
      out.errors.push(...inspected.errors);
      out.inspects = inspected.objects;
      const byId = new Map(ps.map((c) => [c.container_id, c]));
      for (const raw of inspected.objects) {
        const merged = containerFromInspect(raw, byId.get(String(raw.Id)));
        if (merged) byId.set(merged.container_id, { ...merged, image_id: merged.image_id ?? byId.get(merged.container_id)?.image_id ?? null });
      }
      // Removed between the list and its inspect: gone.
      for (const id of inspected.missing) byId.delete(id);
      out.containers = [...byId.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      calls++;
      out.images =
        (await section('images', async () => {
          const list = await this.getJson('/images/json', left());
          const ids = [...new Set((Array.isArray(list) ? list : []).map((x) => String((x as { Id?: unknown }).Id ?? '')).filter(Boolean))];
          calls += ids.length;
          // The list's Created is whole seconds; the image's inspect has the exact time the CLI engine reports.
          const inspects = await mapLimit(ids, CONCURRENCY, (id) => this.getJson(`/images/${encodeURIComponent(id)}/json`, left()).catch(() => null));
          return imagesFromApi(list, out.containers, inspects);
        })) ?? [];
      calls++;
      out.volumes = (await section('volumes', async () => volumesFromApi(await this.getJson('/volumes', left())))) ?? [];
      calls++;
      out.networks =
        (await section('networks', async () => {
          const nets = await this.getJson('/networks', left());
          const ids = (Array.isArray(nets) ? nets : []).map((x) => String((x as { Id?: unknown }).Id ?? '')).filter(Boolean);
          calls += ids.length;
          return networksFromApi(await mapLimit(ids, CONCURRENCY, (id) => this.getJson(`/networks/${encodeURIComponent(id)}`, left()).catch(() => ({})))) ;
        })) ?? [];
    } catch (err) {
      if (err instanceof EngineError && err.kind === 'daemon_down') {
        out.daemon_error = err.message;
        out.round_trips = calls;
        return out;
      }
      throw err;
    }
    out.round_trips = calls;
    return out;
  }

  async inspect(ids: readonly string[], o: { timeoutMs?: number } = {}): Promise<InspectResult> {
    const refs = ids.map((id) => g.containerRef(id));
    const res: InspectResult = { objects: [], missing: [], errors: [] };
    const answers = await mapLimit(refs, CONCURRENCY, (id) => this.call('GET', `/containers/${encodeURIComponent(id)}/json`, o));
    answers.forEach((r, i) => {
      const id = refs[i]!;
      if (r.status === 404) res.missing.push(id);
      else if (r.status !== 200) res.errors.push({ section: 'inspect', message: `${id}: ${errorText(r.status, r.body.toString())}` });
      else {
        try {
          res.objects.push(JSON.parse(r.body.toString()) as Record<string, unknown>);
        } catch {
          res.errors.push({ section: 'inspect', message: `${id}: an answer that is not JSON` });
        }
      }
    });
    return res;
  }

  // --- actions -------------------------------------------------------------------------------------------------

  async action(ref: string, action: ContainerAction, o: ContainerActionOptions & { timeoutMs?: number } = {}): Promise<ActionOutput> {
    const id = encodeURIComponent(g.containerRef(ref));
    const q = new URLSearchParams();
    if ((action === 'stop' || action === 'restart') && o.timeoutS !== undefined) q.set('t', String(g.timeoutSeconds(o.timeoutS)));
    if (action === 'kill' && o.signal !== undefined) q.set('signal', g.signal(o.signal));
    if (action === 'remove') {
      if (o.force) q.set('force', '1');
      if (o.volumes) q.set('v', '1');
    }
    // stop/restart wait up to t seconds (10 by default) before SIGKILL: the deadline covers it.
    const waitS = action === 'stop' || action === 'restart' ? (o.timeoutS ?? 10) : 0;
    const timeoutMs = Math.max(o.timeoutMs ?? this.opts.timeoutMs, waitS * 1000 + 30_000);
    const qs = q.size ? `?${q}` : '';
    const r = action === 'remove' ? await this.call('DELETE', `/containers/${id}${qs}`, { timeoutMs }) : await this.call('POST', `/containers/${id}/${action}${qs}`, { timeoutMs });
    if (r.status === 204 || r.status === 200) return { output: ref, answer: `${ref}\n` };
    if (r.status === 304) return { output: `${ref}: already in that state`, answer: 'already in that state' };
    throw this.refusal(r, `${action} ${ref}`);
  }

  async redeploy(): Promise<ActionOutput> {
    throw new EngineError('unsupported', `${this.opts.hostName}: redeploy needs the compose files, which a Portainer environment does not expose`);
  }

  async composeAction(): Promise<ActionOutput> {
    throw new EngineError('unsupported', `${this.opts.hostName}: compose project actions are not offered for Portainer environments`);
  }

  async hostMetrics(): Promise<never> {
    throw new EngineError('unsupported', `${this.opts.hostName}: host metrics are not available through Portainer`);
  }

  async prune(kinds: PruneKinds, o: { timeoutMs?: number } = {}): Promise<PruneReport & ActionOutput> {
    g.checkPruneKinds(kinds);
    const report: PruneReport = { reclaimed_bytes: 0, kinds: {}, errors: [] };
    const lines: string[] = [];
    const timeoutMs = Math.max(o.timeoutMs ?? this.opts.timeoutMs, 120_000);
    // Containers first: images and volumes only become unused once their stopped containers are gone.
    const plan: ['containers' | 'images' | 'volumes' | 'networks', string][] = [];
    if (kinds.containers) plan.push(['containers', '/containers/prune']);
    if (kinds.images) plan.push(['images', `/images/prune?filters=${encodeURIComponent(JSON.stringify({ dangling: [kinds.images === 'all' ? 'false' : 'true'] }))}`]);
    if (kinds.volumes) plan.push(['volumes', '/volumes/prune']);
    if (kinds.networks) plan.push(['networks', '/networks/prune']);
    for (const [kind, path] of plan) {
      const r = await this.call('POST', path, { timeoutMs });
      if (r.status !== 200) {
        const error = errorText(r.status, r.body.toString());
        report.kinds[kind] = { deleted: [], reclaimed_bytes: 0, error };
        report.errors.push({ section: kind, message: error });
        lines.push(`${kind}: ${error}`);
        continue;
      }
      const k = pruneFromApi(kind, json(r));
      report.kinds[kind] = k;
      report.reclaimed_bytes += k.reclaimed_bytes;
      lines.push(`Deleted ${kind}: ${k.deleted.length}`, ...k.deleted, `Reclaimed: ${k.reclaimed_bytes} bytes`);
    }
    const text = lines.join('\n');
    return { ...report, output: text, answer: text };
  }

  // --- logs, stats, events ------------------------------------------------------------------------------------

  private async tty(id: string, timeoutMs?: number): Promise<boolean> {
    const r = await this.call('GET', `/containers/${encodeURIComponent(id)}/json`, { timeoutMs });
    if (r.status !== 200) throw this.refusal(r, `logs ${id}`);
    return (json(r) as { Config?: { Tty?: unknown } }).Config?.Tty === true;
  }

  private logsQuery(q: { tail: number | 'all'; since?: string; follow?: boolean }): string {
    const p = new URLSearchParams({ stdout: '1', stderr: '1', timestamps: '1', tail: String(g.tail(q.tail)) });
    if (q.since !== undefined) p.set('since', sinceToUnix(g.since(q.since)));
    if (q.follow) p.set('follow', '1');
    return p.toString();
  }

  async logs(ref: string, q: LogsQuery, o: { timeoutMs?: number } = {}): Promise<LogLine[]> {
    const id = g.containerRef(ref);
    const query = this.logsQuery({ tail: q.tail, since: q.since });
    const tty = await this.tty(id, o.timeoutMs);
    const r = await this.call('GET', `/containers/${encodeURIComponent(id)}/logs?${query}`, { timeoutMs: o.timeoutMs, maxBytes: LOGS_MAX_BYTES });
    if (r.status !== 200) throw this.refusal(r, `logs ${ref}`);
    // Asked with timestamps (to order and dedupe); stripped again when the caller did not want them.
    return decodeLogBody(r.body, tty).map(({ stream, line }) => {
      const l = parseLogLine(line, stream, true);
      return q.timestamps ? l : { ...l, ts: null };
    });
  }

  async followLogs(ref: string, q: { since?: string; tail: number }, h: FollowHandlers): Promise<Stream> {
    const id = g.containerRef(ref);
    const tty = await this.tty(id);
    const emit = (stream: 'stdout' | 'stderr', line: string) => h.onLine(parseLogLine(line, stream, true));
    const decoder = tty ? new LineSplitter((l) => emit('stdout', l)) : new FrameDecoder(emit);
    return this.openStream(`/containers/${encodeURIComponent(id)}/logs?${this.logsQuery({ tail: q.tail, since: q.since, follow: true })}`, `logs ${ref}`, {
      onData: (c) => decoder.push(c),
      onEnd: (err) => {
        decoder.end();
        h.onClose(err);
      },
    });
  }

  async events(h: EventHandlers): Promise<Stream> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container', 'daemon'] }));
    // One JSON object per line; chunks are cut anywhere (4 KB lumps from a socket environment).
    const lines = new LineSplitter((line) => {
      const e = line.trim() ? parseEventLine(line) : null;
      if (e) h.onEvent(e);
    });
    return this.openStream(`/events?filters=${filters}`, 'events', {
      onData: (c) => lines.push(c),
      onEnd: (err) => {
        lines.end();
        h.onClose(err);
      },
    });
  }

  private async openStream(path: string, what: string, handlers: { onData(c: Buffer): void; onEnd(err?: Error): void }): Promise<Stream> {
    let r;
    try {
      r = await this.proxy.stream(path, handlers, { timeoutMs: this.opts.timeoutMs });
    } catch (err) {
      throw toEngineError(err);
    }
    if (!r.ok) {
      if (isEnvironmentDown(r)) throw new EngineError('daemon_down', `${this.opts.hostName}: the environment's Docker does not answer (${errorText(r.status, r.body.toString())})`);
      throw this.refusal(r, what);
    }
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        r.close();
      },
    };
  }

  async stats(ref?: string, o: { timeoutMs?: number } = {}) {
    const timeoutMs = Math.max(o.timeoutMs ?? this.opts.timeoutMs, STATS_MIN_TIMEOUT_MS);
    let ids: string[];
    if (ref !== undefined) ids = [g.containerRef(ref)];
    else {
      const list = await this.getJson('/containers/json', timeoutMs);
      ids = (Array.isArray(list) ? list : []).map((c) => String((c as { Id?: unknown }).Id ?? '')).filter(Boolean);
    }
    const samples = await mapLimit(ids, CONCURRENCY, async (id) => {
      const r = await this.call('GET', `/containers/${encodeURIComponent(id)}/stats?stream=false`, { timeoutMs });
      // All running ones: a container removed since the list is simply not sampled.
      if (r.status === 404 && ref === undefined) return null;
      if (r.status !== 200) throw this.refusal(r, `stats ${id}`);
      return statsFromApi(json(r), id);
    });
    return samples.filter((x) => x !== null);
  }
}

/** The client's failures -> engine kinds: the Portainer server itself not answering is the host being unreachable. */
function toEngineError(err: unknown): Error {
  if (err instanceof EngineError || err instanceof g.DockerInputError) return err;
  if (err instanceof PortainerError) return new EngineError(err.kind === 'timeout' ? 'timeout' : 'unreachable', `Portainer: ${err.message}`, { cause: err });
  return new EngineError('unreachable', (err as Error).message ?? String(err), { cause: err });
}
