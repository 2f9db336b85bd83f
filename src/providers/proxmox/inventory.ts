/**
 * The reads the sync and the guest view need beyond the client's typed calls (reference §4.5, §5.3, §6, §9.3, §10),
 * and the pure mapping of what they answer into domain values. Kept beside the client rather than in it: these are
 * plain GETs through `ProxmoxApi.get`, checked before sending like every other call.
 */
import { checkGuestType, checkNode, checkStorage, checkVmid } from './mapping.js';
import type { B01, GuestType, ProxmoxApi, PveNodeStatus, PveSnapshot } from './types.js';

/** qemu-ga's network-get-interfaces (§4.5): `ip-addresses` may be missing. */
export interface PveAgentInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: { 'ip-address': string; 'ip-address-type': string; prefix?: number }[];
}

/** GET /nodes/{node}/storage/{storage}/content entries (§9.3). */
export interface PveVolume {
  volid: string;
  format: string;
  size: number;
  ctime: number;
  content: string;
  vmid?: number;
  subtype?: string;
  notes?: string;
  protected?: B01;
}

export type PveRrdPoint = { time: number } & Partial<Record<string, number>>;
export type RrdTimeframe = 'hour' | 'day' | 'week';

export const agentInterfaces = async (api: ProxmoxApi, node: string, vmid: number): Promise<PveAgentInterface[]> =>
  (await api.get<{ result: PveAgentInterface[] }>(`/nodes/${checkNode(node)}/qemu/${checkVmid(vmid)}/agent/network-get-interfaces`)).result ?? [];

/** LXC: `null` while stopped. */
export const lxcInterfaces = async (api: ProxmoxApi, node: string, vmid: number): Promise<PveAgentInterface[]> =>
  (await api.get<PveAgentInterface[] | null>(`/nodes/${checkNode(node)}/lxc/${checkVmid(vmid)}/interfaces`)) ?? [];

export const snapshots = async (api: ProxmoxApi, node: string, type: GuestType, vmid: number): Promise<PveSnapshot[]> =>
  api.get<PveSnapshot[]>(`/nodes/${checkNode(node)}/${checkGuestType(type)}/${checkVmid(vmid)}/snapshot`);

export const backupVolumes = async (api: ProxmoxApi, node: string, storage: string, vmid: number): Promise<PveVolume[]> =>
  api.get<PveVolume[]>(`/nodes/${checkNode(node)}/storage/${checkStorage(storage)}/content`, { content: 'backup', vmid: checkVmid(vmid) });

export const nodeRrd = async (api: ProxmoxApi, node: string, timeframe: RrdTimeframe): Promise<PveRrdPoint[]> =>
  api.get<PveRrdPoint[]>(`/nodes/${checkNode(node)}/rrddata`, { timeframe, cf: 'AVERAGE' });

export const guestRrd = async (api: ProxmoxApi, node: string, type: GuestType, vmid: number, timeframe: RrdTimeframe): Promise<PveRrdPoint[]> =>
  api.get<PveRrdPoint[]>(`/nodes/${checkNode(node)}/${checkGuestType(type)}/${checkVmid(vmid)}/rrddata`, { timeframe, cf: 'AVERAGE' });

// --- mapping --------------------------------------------------------------------------------------------------------

/** Loopback and link-local say nothing about how to reach a guest: left out (the issue allows it). */
const HIDDEN = [/^127\./, /^169\.254\./, /^::1$/, /^fe[89ab][0-9a-f]:/i];

/**
 * The addresses of the interfaces, per family, in PVE's order and without duplicates. QEMU's agent says
 * `ipv4`/`ipv6`, LXC's /interfaces `inet`/`inet6`. Addresses without their prefix length.
 */
export function addressesOf(interfaces: PveAgentInterface[]): { ipv4: string[]; ipv6: string[] } {
  const out = { ipv4: [] as string[], ipv6: [] as string[] };
  for (const i of interfaces) {
    for (const a of i['ip-addresses'] ?? []) {
      const ip = a['ip-address'];
      if (typeof ip !== 'string' || HIDDEN.some((re) => re.test(ip))) continue;
      const family = a['ip-address-type'] === 'ipv4' || a['ip-address-type'] === 'inet' ? out.ipv4 : out.ipv6;
      if (!family.includes(ip)) family.push(ip);
    }
  }
  return out;
}

/** How many snapshots, without PVE's synthetic `current` ("You are here!"). */
export const snapshotCount = (list: PveSnapshot[]): number => list.filter((s) => s.name !== 'current').length;

const iso = (unix: number | undefined): string | null => (typeof unix === 'number' ? new Date(unix * 1000).toISOString() : null);

/** The snapshot list oldest first (PVE's is unsorted), `current` left out. */
export function snapshotList(list: PveSnapshot[]) {
  return list
    .filter((s) => s.name !== 'current')
    .sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0) || a.name.localeCompare(b.name))
    .map((s) => ({ name: s.name, description: s.description ?? '', time: iso(s.snaptime), parent: s.parent ?? null, vmstate: s.vmstate === 1 }));
}

export function backupOf(storage: string, v: PveVolume) {
  return { volid: v.volid, storage, format: v.format, size: v.size, time: iso(v.ctime)!, notes: v.notes ?? null, protected: v.protected === 1 };
}

/** `pve-manager/9.1.5/9d436f37a0ac4172` -> `9.1.5`. */
export function pveVersionOf(pveversion: string | undefined): string | null {
  const m = /^pve-manager\/([^/]+)/.exec(pveversion ?? '');
  return m ? m[1]! : (pveversion ?? null);
}

/** The figures of GET /nodes/{node}/status (§3.2): loadavg strings as numbers, the root filesystem as disk. */
export function nodeFigures(s: PveNodeStatus) {
  const release = s['current-kernel']?.release ?? /^\S+ (\S+)/.exec(s.kversion ?? '')?.[1] ?? null;
  return {
    uptime_s: s.uptime, cpu_usage: s.cpu, cpu_count: s.cpuinfo?.cpus ?? null, cpu_model: s.cpuinfo?.model ?? null,
    mem_used: s.memory?.used ?? null, mem_total: s.memory?.total ?? null,
    disk_used: s.rootfs?.used ?? null, disk_total: s.rootfs?.total ?? null,
    loadavg: Array.isArray(s.loadavg) ? s.loadavg.map(Number) : null,
    kernel_version: release, pve_version: pveVersionOf(s.pveversion),
  };
}

/** PVE's tags: `a;b` (also `,` or spaces in older configs). */
export const tagsOf = (tags: string | undefined): string[] => (tags ?? '').split(/[;,\s]+/).filter(Boolean);

/** rrddata -> chart points: fields PVE left out (an empty bucket, a stopped guest, a node's disk I/O) are null. */
export function rrdPoints(points: PveRrdPoint[], kind: 'node' | 'guest') {
  const v = (p: PveRrdPoint, k: string): number | null => (typeof p[k] === 'number' ? p[k]! : null);
  return points.map((p) => ({
    time: p.time,
    cpu: v(p, 'cpu'),
    mem_used: v(p, kind === 'node' ? 'memused' : 'mem'),
    mem_total: v(p, kind === 'node' ? 'memtotal' : 'maxmem'),
    netin: v(p, 'netin'),
    netout: v(p, 'netout'),
    diskread: kind === 'node' ? null : v(p, 'diskread'),
    diskwrite: kind === 'node' ? null : v(p, 'diskwrite'),
  }));
}
