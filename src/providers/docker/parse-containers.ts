/**
 * Containers: `docker ps -a --format '{{json .}}'` lines and `docker container inspect` objects -> the
 * domain shape of src/core/types.ts (without our row fields). ps says which containers exist and their
 * status text; inspect adds what ps does not have (addresses, times, exit code, restarts, OOM, exact labels).
 */
import type { ContainerHealth, DockerContainer, PortMapping } from '../../core/types.js';
import { isoDate, num, obj, parseLabelString, str, stringRecord } from './parse-common.js';

/** A container as parsed from one collection, before it becomes a row. */
export type ParsedContainer = Omit<DockerContainer, 'id' | 'host_id' | 'last_update_at' | 'stale' | 'log_capture'> & {
  /** sha256 id of the image (from inspect), to count containers per image; null from ps alone. */
  image_id: string | null;
  /**
   * True when the fields only inspect knows (ip/mac/gateway, started/finished, oom, restart_count and
   * exact labels) come from an inspect in this collection. When false they are null/0/best-effort from
   * ps, and the collector should keep the values it stored at the last inspect.
   */
  inspected: boolean;
  /**
   * Summary of the ps line without its clock-driven parts ("Up 5 minutes"): when it changes, the
   * container changed and deserves a fresh inspect.
   */
  fingerprint: string;
};

const HEALTH_IN_STATUS: [RegExp, ContainerHealth][] = [
  [/\(healthy\)/, 'healthy'],
  [/\(unhealthy\)/, 'unhealthy'],
  [/\(health: starting\)/, 'starting'],
];

function healthFromStatus(status: string): ContainerHealth {
  for (const [re, h] of HEALTH_IN_STATUS) if (re.test(status)) return h;
  return 'none';
}

function normalizeHealth(v: unknown): ContainerHealth {
  return v === 'healthy' || v === 'unhealthy' || v === 'starting' ? v : 'none';
}

// Code-point order, not localeCompare: the order must not depend on the server's locale (diffs compare it).
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortPorts(ports: PortMapping[]): PortMapping[] {
  return ports.sort(
    (a, b) =>
      a.private_port - b.private_port ||
      cmp(a.type, b.type) ||
      cmp(a.ip ?? '', b.ip ?? '') ||
      (a.public_port ?? 0) - (b.public_port ?? 0),
  );
}

function protoOf(s: string | undefined): PortMapping['type'] {
  return s === 'udp' || s === 'sctp' ? s : 'tcp';
}

/** Expands "8080-8081" against "18080-18081"; a single port when there is no range. */
function portRange(text: string): number[] {
  const [a, b] = text.split('-').map(Number);
  if (!Number.isInteger(a)) return [];
  if (b === undefined || !Number.isInteger(b) || b < a || b - a > 1000) return [a];
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/**
 * ps's port text: "9000/tcp, 127.0.0.1:18080->8080/tcp", "0.0.0.0:80->80/tcp, :::80->80/tcp",
 * "[::]:80->80/tcp", ranges "127.0.0.1:18080-18081->8080-8081/tcp".
 */
export function parsePortsText(text: unknown): PortMapping[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  const out: PortMapping[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const [left, proto] = item.split('/');
    const arrow = left.indexOf('->');
    if (arrow < 0) {
      for (const p of portRange(left)) out.push({ ip: null, public_port: null, private_port: p, type: protoOf(proto) });
      continue;
    }
    const pub = left.slice(0, arrow);
    const privs = portRange(left.slice(arrow + 2));
    const colon = pub.lastIndexOf(':');
    const ip = colon > 0 ? pub.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : colon === 0 ? '' : null;
    const pubs = portRange(pub.slice(colon + 1));
    privs.forEach((p, i) =>
      out.push({ ip: ip === '' ? '::' : ip, public_port: pubs[i] ?? pubs[0] ?? null, private_port: p, type: protoOf(proto) }),
    );
  }
  return sortPorts(out);
}

/** inspect's NetworkSettings.Ports: {"8080/tcp": [{HostIp, HostPort}], "9000/tcp": null (exposed only)}. */
function portsFromInspect(ports: unknown): PortMapping[] {
  const out: PortMapping[] = [];
  for (const [key, bindings] of Object.entries(obj(ports))) {
    const [p, proto] = key.split('/');
    const priv = Number(p);
    if (!Number.isInteger(priv)) continue;
    if (!Array.isArray(bindings) || bindings.length === 0) {
      out.push({ ip: null, public_port: null, private_port: priv, type: protoOf(proto) });
      continue;
    }
    for (const b of bindings) {
      const o = obj(b);
      out.push({
        ip: str(o.HostIp) ?? '0.0.0.0',
        public_port: num(o.HostPort),
        private_port: priv,
        type: protoOf(proto),
      });
    }
  }
  return sortPorts(out);
}

/** ps prints the command Go-quoted ("\"sh -c 'exit 1'\""); show it without the outer quotes. */
function unquoteCommand(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  if (v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}

/** Path + Args as a shell would show them: arguments with spaces or quotes in single quotes. */
function commandFromInspect(path: unknown, args: unknown): string | null {
  if (typeof path !== 'string' || path === '') return null;
  const parts = [path, ...(Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [])];
  return parts.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function composeOf(labels: Record<string, string>) {
  return {
    compose_project: labels['com.docker.compose.project'] ?? null,
    compose_service: labels['com.docker.compose.service'] ?? null,
  };
}

function exitCodeFromStatus(status: string): number | null {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : null;
}

/** One ps line -> container (inspect-only fields empty, `inspected: false`). Null when it has no id. */
export function containerFromPs(line: Record<string, unknown>): ParsedContainer | null {
  const id = str(line.ID);
  if (!id) return null;
  const status = str(line.Status) ?? '';
  const labels = parseLabelString(line.Labels);
  const ports = parsePortsText(line.Ports);
  const networks = (str(line.Networks) ?? '').split(',').filter(Boolean).sort();
  const state = str(line.State) ?? '';
  const health = healthFromStatus(status);
  return {
    container_id: id,
    name: (str(line.Names) ?? '').split(',')[0].replace(/^\//, ''),
    image: str(line.Image) ?? '',
    image_id: null,
    state,
    status,
    health,
    created_at: isoDate(line.CreatedAt),
    started_at: null,
    finished_at: null,
    exit_code: exitCodeFromStatus(status),
    oom_killed: false,
    restart_count: 0,
    command: unquoteCommand(line.Command),
    ports,
    labels,
    ...composeOf(labels),
    ip_address: null,
    mac_address: null,
    gateway: null,
    networks,
    inspected: false,
    fingerprint: JSON.stringify([
      state,
      health,
      exitCodeFromStatus(status),
      line.Names,
      line.Image,
      line.Labels,
      line.Ports,
      line.Networks,
      line.Mounts,
      line.CreatedAt,
    ]),
  };
}

/** An inspect object -> container. `status` is ps's text; without ps it is derived from the state. */
export function containerFromInspect(raw: Record<string, unknown>, ps?: ParsedContainer): ParsedContainer | null {
  const id = str(raw.Id);
  if (!id) return null;
  const state = obj(raw.State);
  const config = obj(raw.Config);
  const net = obj(raw.NetworkSettings);
  const networks = obj(net.Networks);
  const names = Object.keys(networks).sort();
  // The default bridge fills the top-level fields; user networks only their own entry.
  const primary = str(net.IPAddress)
    ? net
    : (names.map((n) => obj(networks[n])).find((n) => str(n.IPAddress)) ?? obj(networks[names[0]]));
  const labels = stringRecord(config.Labels);
  const status = str(state.Status) ?? ps?.state ?? '';
  const running = state.Running === true;
  return {
    container_id: id,
    name: (str(raw.Name) ?? ps?.name ?? '').replace(/^\//, ''),
    image: str(config.Image) ?? ps?.image ?? '',
    image_id: str(raw.Image),
    state: status,
    status: ps?.status ?? status,
    // As in ps: a health status only means something while the container runs (a stopped container
    // keeps its last probe result in inspect, which would read as "unhealthy" forever).
    health: status === 'running' ? normalizeHealth(obj(state.Health).Status) : 'none',
    created_at: isoDate(raw.Created),
    started_at: isoDate(state.StartedAt),
    finished_at: isoDate(state.FinishedAt),
    // A running container's ExitCode is the previous run's: only meaningful once it stopped.
    exit_code: running || status === 'created' ? null : num(state.ExitCode),
    oom_killed: state.OOMKilled === true,
    restart_count: num(raw.RestartCount) ?? 0,
    command: commandFromInspect(raw.Path, raw.Args),
    ports: portsFromInspect(net.Ports),
    labels,
    ...composeOf(labels),
    ip_address: str(primary.IPAddress),
    mac_address: str(primary.MacAddress),
    gateway: str(primary.Gateway),
    networks: names,
    inspected: true,
    fingerprint: ps?.fingerprint ?? '',
  };
}

/**
 * ps is the list of what exists; inspect enriches. A container inspected but missing from ps (created
 * between the two commands) is kept from inspect alone; one in ps without inspect stays ps-only.
 */
export function mergeContainers(psLines: ParsedContainer[], inspects: Record<string, unknown>[]): ParsedContainer[] {
  const byId = new Map<string, ParsedContainer>();
  for (const c of psLines) byId.set(c.container_id, c);
  for (const raw of inspects) {
    const id = str(raw.Id);
    if (!id) continue;
    const merged = containerFromInspect(raw, byId.get(id));
    if (merged) byId.set(id, merged);
  }
  return [...byId.values()].sort((a, b) => cmp(a.name, b.name));
}
