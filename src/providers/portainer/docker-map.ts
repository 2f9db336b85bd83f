/**
 * Docker Engine API JSON (through Portainer's proxy) -> the same domain shapes the CLI parsers produce (parse*.ts),
 * so collection, the diff and the UI cannot tell the two engines apart. Inspect objects are the very JSON `docker
 * inspect` prints, so containers reuse containerFromInspect/mergeContainers; the list items become ps-like containers.
 */
import type { ContainerHealth, ContainerStats, PortMapping } from '../../core/types.js';
import type { DockerVersionInfo, ParsedContainer, ParsedImage, ParsedNetwork, ParsedVolume, PruneKindReport } from '../docker/parse.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const o = (v: unknown): Obj => (isObj(v) ? v : {});
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(o(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const unixIso = (v: unknown): string | null => (n(v) !== null ? new Date(n(v)! * 1000).toISOString() : null);

export function versionFromApi(v: unknown): DockerVersionInfo | null {
  if (!isObj(v) || !s(v.Version)) return null;
  return { server: s(v.Version), client: null, api_version: s(v.ApiVersion), os: s(v.Os), arch: s(v.Arch), kernel: s(v.KernelVersion) };
}

function healthFromStatus(status: string): ContainerHealth {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return 'none';
}

function portsFromList(v: unknown): PortMapping[] {
  const out: PortMapping[] = (Array.isArray(v) ? v : []).map((p) => {
    const x = o(p);
    const type = x.Type === 'udp' || x.Type === 'sctp' ? x.Type : 'tcp';
    return { ip: s(x.IP), public_port: n(x.PublicPort), private_port: n(x.PrivatePort) ?? 0, type } as PortMapping;
  });
  return out.sort((a, b) => a.private_port - b.private_port || cmp(a.type, b.type) || cmp(a.ip ?? '', b.ip ?? '') || (a.public_port ?? 0) - (b.public_port ?? 0));
}

/** One `GET /containers/json` item -> a ps-like container (`inspected: false`), as containerFromPs makes. */
export function containerFromSummary(x: unknown): ParsedContainer | null {
  if (!isObj(x) || !s(x.Id)) return null;
  const status = s(x.Status) ?? '';
  const state = s(x.State) ?? '';
  const labels = strings(x.Labels);
  const health = healthFromStatus(status);
  const exit = /^Exited \((-?\d+)\)/.exec(status);
  const names = Array.isArray(x.Names) ? x.Names.filter((v): v is string => typeof v === 'string') : [];
  const networks = Object.keys(o(o(x.NetworkSettings).Networks)).sort();
  return {
    container_id: x.Id as string,
    name: (names[0] ?? '').replace(/^\//, ''),
    image: s(x.Image) ?? '',
    image_id: s(x.ImageID),
    state,
    status,
    health,
    created_at: unixIso(x.Created),
    started_at: null,
    finished_at: null,
    exit_code: exit ? Number(exit[1]) : null,
    oom_killed: false,
    restart_count: 0,
    command: s(x.Command),
    ports: portsFromList(x.Ports),
    labels,
    compose_project: labels['com.docker.compose.project'] ?? null,
    compose_service: labels['com.docker.compose.service'] ?? null,
    ip_address: null,
    mac_address: null,
    gateway: null,
    networks,
    inspected: false,
    // What the list says without its clock-driven parts ("Up 5 minutes"): a change means the container changed.
    fingerprint: JSON.stringify([state, health, exit?.[1] ?? null, names, x.Image, labels, x.Ports, networks, x.Mounts, x.Created]),
  };
}

export function imagesFromApi(list: unknown, containers: ParsedContainer[]): ParsedImage[] {
  const images = new Map<string, ParsedImage>();
  for (const i of Array.isArray(list) ? list : []) {
    const id = s(o(i).Id);
    if (!id || images.has(id)) continue;
    const tags = (Array.isArray(o(i).RepoTags) ? (o(i).RepoTags as unknown[]) : []).filter((t): t is string => typeof t === 'string' && t !== '<none>:<none>');
    images.set(id, { image_id: id, repo_tags: tags.sort(), size: n(o(i).Size) ?? 0, created: unixIso(o(i).Created), containers: 0 });
  }
  for (const c of containers) {
    const img = (c.image_id && images.get(c.image_id)) || [...images.values()].find((i) => i.repo_tags.includes(c.image) || i.repo_tags.includes(`${c.image}:latest`));
    if (img) img.containers += 1;
  }
  const key = (i: ParsedImage) => (i.repo_tags.length > 0 ? `0${i.repo_tags[0]}` : `1${i.image_id}`);
  return [...images.values()].sort((a, b) => cmp(key(a), key(b)));
}

/** `GET /volumes` answers an object `{Volumes, Warnings}`, not an array (reference §5.5). */
export function volumesFromApi(body: unknown): ParsedVolume[] {
  const list = Array.isArray(o(body).Volumes) ? (o(body).Volumes as unknown[]) : [];
  return list
    .map(o)
    .filter((v) => s(v.Name))
    .map((v) => ({ name: v.Name as string, driver: s(v.Driver) ?? 'local', mountpoint: s(v.Mountpoint), scope: s(v.Scope), labels: strings(v.Labels) }))
    .sort((a, b) => cmp(a.name, b.name));
}

/** Network inspect objects (`GET /networks/{id}`: the list leaves `Containers` empty). */
export function networksFromApi(objects: unknown[]): ParsedNetwork[] {
  const out = new Map<string, ParsedNetwork>();
  for (const raw of objects) {
    const x = o(raw);
    const id = s(x.Id);
    if (!id || out.has(id)) continue;
    const cfg = o(x.IPAM).Config;
    out.set(id, {
      network_id: id,
      name: s(x.Name) ?? id.slice(0, 12),
      driver: s(x.Driver) ?? '',
      scope: s(x.Scope) ?? 'local',
      internal: x.Internal === true,
      subnet: Array.isArray(cfg) ? (cfg.map((c) => s(o(c).Subnet)).find(Boolean) ?? null) : null,
      containers: Object.values(o(x.Containers))
        .map((c) => s(o(c).Name))
        .filter((v): v is string => v !== null)
        .sort(),
    });
  }
  return [...out.values()].sort((a, b) => cmp(a.name, b.name));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** One `GET /containers/{id}/stats?stream=false` sample -> ContainerStats, CPU % computed as the docker CLI does. */
export function statsFromApi(raw: unknown, fallbackId: string): ContainerStats {
  const x = o(raw);
  const cpu = o(x.cpu_stats);
  const pre = o(x.precpu_stats);
  const cpuDelta = (n(o(cpu.cpu_usage).total_usage) ?? 0) - (n(o(pre.cpu_usage).total_usage) ?? 0);
  const sysDelta = (n(cpu.system_cpu_usage) ?? 0) - (n(pre.system_cpu_usage) ?? 0);
  const percpu = o(cpu.cpu_usage).percpu_usage;
  const online = n(cpu.online_cpus) ?? (Array.isArray(percpu) ? percpu.length : 1);
  const cpuPercent = sysDelta > 0 && cpuDelta >= 0 ? round2((cpuDelta / sysDelta) * online * 100) : 0;
  const mem = o(x.memory_stats);
  const ms = o(mem.stats);
  const usage = n(mem.usage);
  // As the CLI: cgroup v1 subtracts total_inactive_file, v2 inactive_file (page cache that can be reclaimed).
  const cache = n(ms.total_inactive_file) ?? n(ms.inactive_file) ?? 0;
  const used = usage !== null ? Math.max(0, usage - cache) : null;
  const limit = n(mem.limit);
  let rx: number | null = null;
  let tx: number | null = null;
  for (const net of Object.values(o(x.networks))) {
    rx = (rx ?? 0) + (n(o(net).rx_bytes) ?? 0);
    tx = (tx ?? 0) + (n(o(net).tx_bytes) ?? 0);
  }
  let read: number | null = null;
  let write: number | null = null;
  const io = o(x.blkio_stats).io_service_bytes_recursive;
  for (const e of Array.isArray(io) ? io : []) {
    const op = String(o(e).op ?? '').toLowerCase();
    if (op === 'read') read = (read ?? 0) + (n(o(e).value) ?? 0);
    if (op === 'write') write = (write ?? 0) + (n(o(e).value) ?? 0);
  }
  return {
    container_id: s(x.id) ?? fallbackId,
    name: (s(x.name) ?? '').replace(/^\//, ''),
    cpu_percent: cpuPercent,
    mem_used_bytes: used,
    mem_limit_bytes: limit,
    mem_percent: used !== null && limit ? round2((used / limit) * 100) : null,
    net_rx_bytes: rx ?? 0,
    net_tx_bytes: tx ?? 0,
    block_read_bytes: read ?? 0,
    block_write_bytes: write ?? 0,
    pids: n(o(x.pids_stats).current),
  };
}

/** `POST /{kind}/prune` answers -> one kind's report. */
export function pruneFromApi(kind: 'containers' | 'images' | 'volumes' | 'networks', body: unknown): PruneKindReport {
  const x = o(body);
  const field = { containers: 'ContainersDeleted', images: 'ImagesDeleted', volumes: 'VolumesDeleted', networks: 'NetworksDeleted' }[kind];
  const items = Array.isArray(x[field]) ? (x[field] as unknown[]) : [];
  const deleted = items
    .map((i) => (typeof i === 'string' ? i : isObj(i) ? (s(i.Deleted) ? `deleted: ${i.Deleted as string}` : s(i.Untagged) ? `untagged: ${i.Untagged as string}` : null) : null))
    .filter((v): v is string => v !== null);
  return { deleted, reclaimed_bytes: n(x.SpaceReclaimed) ?? 0, error: null };
}
