import type { ProxmoxGuest } from '../../core/types.js';
import { addressesOf, agentInterfaces, lxcInterfaces, snapshotCount, snapshots, tagsOf } from '../../providers/proxmox/inventory.js';
import { type ProxmoxApi, ProxmoxError, type PveGuestResource } from '../../providers/proxmox/types.js';

export type SyncedGuest = Omit<ProxmoxGuest, 'updated_at'>;

/** A failed call's text for the sync's `errors`. */
export const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));


/** The figures /cluster/resources gives every guest (QEMU's `status` there is its run state: paused, suspended). */
function baseOf(r: PveGuestResource): Omit<SyncedGuest, 'ipv4' | 'ipv6' | 'agent' | 'snapshots'> {
  return {
    vmid: r.vmid, name: r.name ?? `${r.type} ${r.vmid}`, type: r.type, node: r.node, status: r.status,
    cpus: r.maxcpu ?? null, cpu_usage: r.cpu ?? null, mem_used: r.mem ?? null, mem_total: r.maxmem ?? null,
    disk_used: r.disk ?? null, disk_total: r.maxdisk ?? null, uptime_s: r.uptime ?? null,
    tags: tagsOf(r.tags), lock: r.lock ?? null, template: r.template === 1, ha_state: r.hastate ?? null,
  };
}

type Network = Pick<SyncedGuest, 'ipv4' | 'ipv6' | 'agent'>;

/**
 * A VM's addresses need its guest agent: enabled in the config (status/current `agent`) and answering. PVE says
 * "QEMU guest agent is not running" when it is enabled but silent (or the VM is paused): not_running, no IPs.
 */
async function qemuNetwork(api: ProxmoxApi, r: PveGuestResource): Promise<Network> {
  const current = await api.guestStatus(r.node, 'qemu', r.vmid);
  if (current.agent !== 1) return { agent: 'not_configured', ipv4: [], ipv6: [] };
  if (r.status !== 'running') return { agent: 'not_running', ipv4: [], ipv6: [] };
  try {
    return { agent: 'running', ...addressesOf(await agentInterfaces(api, r.node, r.vmid)) };
  } catch (err) {
    if (err instanceof ProxmoxError && /guest agent is not running|VM \d+ is not running/i.test(err.message)) {
      return { agent: 'not_running', ipv4: [], ipv6: [] };
    }
    throw err;
  }
}

/** A container's addresses come from /interfaces (no agent); a stopped one has none. */
async function lxcNetwork(api: ProxmoxApi, r: PveGuestResource): Promise<Network> {
  if (r.status !== 'running') return { agent: 'not_configured', ipv4: [], ipv6: [] };
  return { agent: 'not_configured', ...addressesOf(await lxcInterfaces(api, r.node, r.vmid)) };
}

/**
 * One guest as the sync stores it. On an offline node nothing more is asked (PVE would answer 595); a call that
 * fails keeps what the previous sync saw for its part and says so in `errors`, the rest is still stored.
 */
export async function syncGuest(
  api: ProxmoxApi,
  r: PveGuestResource,
  nodeOnline: boolean,
  prev: ProxmoxGuest | undefined,
  errors: string[],
): Promise<SyncedGuest> {
  const base = baseOf(r);
  const kept = { ipv4: prev?.ipv4 ?? [], ipv6: prev?.ipv6 ?? [], agent: prev?.agent ?? 'not_configured', snapshots: prev?.snapshots ?? 0 };
  if (!nodeOnline) return { ...base, ...kept };
  const what = `${r.type} ${r.vmid} (${base.name})`;
  const [count, network] = await Promise.all([
    snapshots(api, r.node, r.type, r.vmid).then(snapshotCount, (err) => {
      errors.push(`${what}: snapshots: ${reasonOf(err)}`);
      return kept.snapshots;
    }),
    (r.type === 'qemu' ? qemuNetwork(api, r) : lxcNetwork(api, r)).catch((err): Network => {
      errors.push(`${what}: addresses: ${reasonOf(err)}`);
      return { ipv4: kept.ipv4, ipv6: kept.ipv6, agent: kept.agent };
    }),
  ]);
  return { ...base, ...network, snapshots: count };
}
