/**
 * The PVE calls behind the dashboard's actions (reference §3.3–3.4, §4.4, §5.2, §6, §7, §8), over the generic calls
 * of `ProxmoxApi`: every path segment checked before sending, every answer that should be a UPID checked to be one,
 * and tasks followed to their end with their log. What an answer means for the user is the service's business.
 */
import { checkGuestType, checkNode, checkVmid, parseUpid, taskSucceeded, UPID_RE } from './mapping.js';
import { type GuestType, type Params, type ProxmoxApi, ProxmoxError, type PveSnapshot, type PveTaskResult } from './types.js';

export interface GuestRef {
  node: string;
  type: GuestType;
  vmid: number;
}

/** pve-configid, the format of a snapshot name in a path (§6.1). */
const CONFIG_ID = /^[a-z][a-z0-9_-]+$/i;

const guestPath = (g: GuestRef) => `/nodes/${checkNode(g.node)}/${checkGuestType(g.type)}/${checkVmid(g.vmid)}`;

function snapPath(g: GuestRef, name: string): string {
  if (!CONFIG_ID.test(name) || name.length > 40) throw new ProxmoxError('bad_request', `snapname: ${JSON.stringify(name)} is not a snapshot name`);
  return `${guestPath(g)}/snapshot/${encodeURIComponent(name)}`;
}

/** A task id, or a failure saying what PVE answered instead. */
export function expectUpid(answer: unknown, what: string): string {
  if (typeof answer !== 'string' || !UPID_RE.test(answer)) throw new ProxmoxError('failed', `${what}: PVE answered no task id (${JSON.stringify(answer)})`);
  return answer;
}

/**
 * vzdump answers a UPID, or the plain string "OK" when none of the guests listed is on the node it was sent to (§7):
 * null then — nothing was backed up. Anything else is a failure.
 */
export function vzdumpUpid(answer: unknown): string | null {
  if (answer === 'OK') return null;
  return expectUpid(answer, 'vzdump');
}

/** The guest's snapshots, without PVE's synthetic `current` entry. */
export async function listSnapshots(api: ProxmoxApi, g: GuestRef): Promise<PveSnapshot[]> {
  const all = await api.get<PveSnapshot[]>(`${guestPath(g)}/snapshot`);
  return all.filter((s) => s.name !== 'current');
}

export async function createSnapshot(api: ProxmoxApi, g: GuestRef, p: { name: string; description?: string; vmstate?: boolean }): Promise<string> {
  const params: Params = { snapname: p.name, description: p.description, ...(g.type === 'qemu' ? { vmstate: p.vmstate } : {}) };
  return expectUpid(await api.post(`${guestPath(g)}/snapshot`, params), 'snapshot');
}

export async function deleteSnapshot(api: ProxmoxApi, g: GuestRef, name: string): Promise<string> {
  return expectUpid(await api.delete(snapPath(g, name)), 'delete snapshot');
}

export async function rollbackSnapshot(api: ProxmoxApi, g: GuestRef, name: string): Promise<string> {
  return expectUpid(await api.post(`${snapPath(g, name)}/rollback`), 'rollback');
}

/** One guest's backup on its node; null for vzdump's plain "OK". */
export async function vzdump(api: ProxmoxApi, g: GuestRef, params: Params): Promise<string | null> {
  return vzdumpUpid(await api.post(`/nodes/${checkNode(g.node)}/vzdump`, { ...params, vmid: String(checkVmid(g.vmid)) }));
}

/** startall (guests with "start at boot") / stopall (a shutdown of every running guest) of one node (§3.4). */
export async function nodeBulk(api: ProxmoxApi, node: string, action: 'startall' | 'stopall'): Promise<string> {
  return expectUpid(await api.post(`/nodes/${checkNode(node)}/${action}`), action);
}

/** Reboot or power off a node (§3.3): PVE answers null at once and starts no task. */
export async function nodePower(api: ProxmoxApi, node: string, command: 'reboot' | 'shutdown'): Promise<void> {
  await api.post(`/nodes/${checkNode(node)}/status`, { command });
}

export interface FollowedTask extends PveTaskResult {
  log: string[];
}

/** Polls soon, then every second: most tasks end within a second, and a long backup must not be polled 5 times a second. */
const pollDelay = (n: number) => Math.min(200 * 2 ** n, 1000);
/** Polls that may fail in a row (a blip of the network, a node busy) before following the task is given up. */
const POLL_RETRIES = 5;
const TRANSIENT = new Set(['unreachable', 'timeout', 'failed']);

/**
 * Follows a task until PVE says `stopped` (§8.2), then reads its log (§8.3). A failed task is a result (`ok: false`
 * with PVE's exit status), not a throw; past the deadline, or after POLL_RETRIES failed polls in a row, it throws.
 */
export async function followTask(api: ProxmoxApi, upid: string, o: { timeoutMs: number }): Promise<FollowedTask> {
  const { node, type } = parseUpid(upid);
  const deadline = Date.now() + o.timeoutMs;
  let failures = 0;
  for (let n = 0; ; n++) {
    await new Promise((r) => setTimeout(r, pollDelay(n)));
    try {
      const st = await api.taskStatus(upid);
      failures = 0;
      if (st.status === 'stopped') {
        const exitstatus = st.exitstatus ?? 'unexpected status';
        const log = await api.taskLog(upid).catch((err: Error) => [`(the task log could not be read: ${err.message})`]);
        return { upid, node, type, exitstatus, ok: taskSucceeded(exitstatus), log };
      }
    } catch (err) {
      if (!(err instanceof ProxmoxError) || !TRANSIENT.has(err.kind) || ++failures >= POLL_RETRIES) throw err;
    }
    if (Date.now() >= deadline) {
      throw new ProxmoxError('timeout', `task ${type} on ${node} still running after ${Math.round(o.timeoutMs / 1000)} s; it goes on in PVE (${upid})`);
    }
  }
}
