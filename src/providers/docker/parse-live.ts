/**
 * Parsers for what is not the collection: event lines, logs, stats samples, host metrics, prune reports,
 * and the compose labels a redeploy needs. Pure functions.
 */
import type { ContainerStats, HostMetrics, LogLine } from '../../core/types.js';
import type { ComposeTarget } from './commands.js';
import {
  type ParseError,
  isObject,
  jsonObjects,
  num,
  obj,
  parseBytes,
  parseBytesPair,
  parsePercent,
  parseSections,
  sectionError,
  str,
  stringRecord,
} from './parse-common.js';

// --- events -----------------------------------------------------------------------------------------------

export interface DockerEventLine {
  time: string; // ISO 8601
  type: string; // container, image, network, volume, daemon...
  action: string; // start, die, stop, pause, "health_status: unhealthy", "exec_start: /bin/sh -c ..."
  /** Actor id: container id, image id, network id, or the volume's name. */
  id: string | null;
  /** Container/network name, image reference; for volumes the volume name. */
  name: string | null;
  attributes: Record<string, string>;
}

/** One `docker events --format '{{json .}}'` line; null for anything that is not an event. */
export function parseEventLine(line: string): DockerEventLine | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  // Type/Action/Actor exist since API 1.22; the older `status`/`id` fields are gone from recent daemons.
  const type = str(v.Type) ?? str(v.type);
  const action = str(v.Action) ?? str(v.status);
  if (!type || !action) return null;
  const actor = obj(v.Actor);
  const attributes = stringRecord(actor.Attributes);
  const id = str(actor.ID) ?? str(v.id);
  const nano = num(v.timeNano);
  const secs = num(v.time);
  const ms = nano !== null ? Math.floor(nano / 1e6) : secs !== null ? secs * 1000 : null;
  if (ms === null) return null;
  return {
    time: new Date(ms).toISOString(),
    type,
    action,
    id,
    name: attributes.name ?? (type === 'volume' ? id : null),
    attributes,
  };
}

// --- logs -------------------------------------------------------------------------------------------------

const TS_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/s;

/**
 * One line of `docker logs --timestamps`. The timestamp is kept as docker prints it (RFC 3339 with
 * nanoseconds, valid ISO 8601): milliseconds would not be enough to order stdout against stderr.
 */
export function parseLogLine(line: string, stream: LogLine['stream'], timestamps = true): LogLine {
  if (timestamps) {
    const m = TS_RE.exec(line);
    if (m) return { ts: m[1], stream, text: m[2] };
  }
  return { ts: null, stream, text: line };
}

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

// RFC 3339 strings sort as text only with equal fraction lengths: pad to nanoseconds.
function sortKey(ts: string | null): string {
  if (!ts) return '';
  const m = /^([^.Z+]*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(ts);
  if (!m || (m[3] !== 'Z' && m[3] !== '')) return new Date(ts).toISOString();
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/** `docker logs` stdout and stderr -> one list ordered by timestamp (stable for equal or missing ones). */
export function parseLogs(stdout: string, stderr: string, opts: { timestamps?: boolean } = {}): LogLine[] {
  const timestamps = opts.timestamps ?? true;
  const all = [
    ...lines(stdout).map((l) => parseLogLine(l, 'stdout', timestamps)),
    ...lines(stderr).map((l) => parseLogLine(l, 'stderr', timestamps)),
  ];
  if (!timestamps) return all;
  return all
    .map((l, i) => ({ l, i, k: sortKey(l.ts) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.l);
}

// --- stats ------------------------------------------------------------------------------------------------

export type { ContainerStats };

/** `docker stats --no-stream --no-trunc --format '{{json .}}'`; sizes come as "1.5MiB / 7.7GiB". */
export function parseStats(stdout: string): { stats: ContainerStats[]; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const stats: ContainerStats[] = [];
  for (const s of jsonObjects(stdout, 'stats', errors)) {
    const id = str(s.ID) ?? str(s.Container);
    if (!id) continue;
    const [memUsed, memLimit] = parseBytesPair(s.MemUsage);
    const [rx, tx] = parseBytesPair(s.NetIO);
    const [read, write] = parseBytesPair(s.BlockIO);
    stats.push({
      container_id: id,
      name: (str(s.Name) ?? '').replace(/^\//, ''),
      cpu_percent: parsePercent(s.CPUPerc),
      mem_used_bytes: memUsed,
      mem_limit_bytes: memLimit,
      mem_percent: parsePercent(s.MemPerc),
      net_rx_bytes: rx,
      net_tx_bytes: tx,
      block_read_bytes: read,
      block_write_bytes: write,
      pids: num(s.PIDs),
    });
  }
  return { stats, errors };
}

// --- host metrics -----------------------------------------------------------------------------------------

export type ParsedHostMetrics = Omit<HostMetrics, 'collected_at'>;

/** Output of commands.hostMetrics(): /proc/uptime, /proc/loadavg, nproc, /proc/meminfo, `df -P -B1 /`. */
export function parseMetrics(stdout: string): { metrics: ParsedHostMetrics; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const out = new Map<string, string>();
  for (const s of parseSections(stdout)) {
    const err = sectionError(s);
    if (err) errors.push({ section: s.name, message: err });
    else out.set(s.name, s.stdout);
  }
  const load = (out.get('loadavg') ?? '').trim().split(/\s+/);
  const mem = new Map<string, number>();
  for (const l of (out.get('meminfo') ?? '').split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?$/.exec(l.trim());
    if (m) mem.set(m[1], Number(m[2]) * (l.includes('kB') ? 1024 : 1));
  }
  const memTotal = mem.get('MemTotal') ?? null;
  // MemAvailable (kernel >= 3.14) is what "used" should subtract; older kernels: free + buffers + cache.
  const available =
    mem.get('MemAvailable') ??
    (mem.has('MemFree') ? (mem.get('MemFree') ?? 0) + (mem.get('Buffers') ?? 0) + (mem.get('Cached') ?? 0) : null);
  // df -P: "Filesystem 1-blocks Used Available Capacity Mounted on"; read from the end (names may have spaces).
  const dfLine = (out.get('df') ?? '').trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
  const n = dfLine.length;
  const metrics: ParsedHostMetrics = {
    uptime_s: floorOrNull(num((out.get('uptime') ?? '').trim().split(/\s+/)[0])),
    load1: num(load[0]),
    load5: num(load[1]),
    load15: num(load[2]),
    cpu_count: num((out.get('nproc') ?? '').trim()),
    mem_total_bytes: memTotal,
    mem_used_bytes: memTotal !== null && available !== null ? memTotal - available : null,
    disk_total_bytes: n >= 6 ? num(dfLine[n - 5]) : null,
    disk_used_bytes: n >= 6 ? num(dfLine[n - 4]) : null,
  };
  for (const [k, v] of Object.entries(metrics)) if (v === null) errors.push({ section: 'metrics', message: `${k} not found` });
  return { metrics, errors };
}

function floorOrNull(v: number | null): number | null {
  return v === null ? null : Math.floor(v);
}

// --- prune ------------------------------------------------------------------------------------------------

export interface PruneKindReport {
  deleted: string[];
  reclaimed_bytes: number;
  error: string | null;
}

export interface PruneReport {
  reclaimed_bytes: number;
  kinds: Partial<Record<'containers' | 'images' | 'volumes' | 'networks', PruneKindReport>>;
  errors: ParseError[];
}

/** Output of commands.prune(): "Deleted Containers:" lists and "Total reclaimed space: 1.2MB" per kind. */
export function parsePruneOutput(stdout: string): PruneReport {
  const report: PruneReport = { reclaimed_bytes: 0, kinds: {}, errors: [] };
  for (const s of parseSections(stdout)) {
    if (!['containers', 'images', 'volumes', 'networks'].includes(s.name)) continue;
    const error = sectionError(s);
    if (error) report.errors.push({ section: s.name, message: error });
    let reclaimed = 0;
    const deleted: string[] = [];
    for (const l of s.stdout.split('\n').map((x) => x.trim())) {
      const total = /^Total reclaimed space:\s*(.+)$/.exec(l);
      if (total) reclaimed = parseBytes(total[1]) ?? 0;
      else if (l !== '' && !/^Deleted \w+:$/.test(l)) deleted.push(l);
    }
    report.kinds[s.name as keyof PruneReport['kinds']] = { deleted, reclaimed_bytes: reclaimed, error };
    report.reclaimed_bytes += reclaimed;
  }
  return report;
}

// --- compose labels ---------------------------------------------------------------------------------------

/**
 * What composeRedeploy needs, from a container's labels; null when it is not a compose container.
 * compose v1 records config_files relative to the working dir ("docker-compose.yml"), v2 absolute
 * paths; both become absolute here. The builder still validates them (no "..", plain characters).
 */
export function composeTarget(labels: Record<string, string>): ComposeTarget | null {
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  const workingDir = labels['com.docker.compose.project.working_dir'];
  if (!project || !service || !workingDir) return null;
  // Plain concatenation, not path.join: join would resolve ".." away and hide it from the validation.
  const base = workingDir.replace(/\/+$/, '');
  const files = (labels['com.docker.compose.project.config_files'] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (f.startsWith('/') ? f : `${base}/${f}`));
  return {
    project,
    service,
    workingDir,
    configFiles: files.length > 0 ? files : [`${base}/docker-compose.yml`],
  };
}
