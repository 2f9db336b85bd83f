/**
 * Pure functions between PVE's wire and the client: parameters (checked before sending, booleans as 1/0), error
 * bodies of every version into ProxmoxError kinds, UPIDs, task outcomes, and the cluster status summary.
 */
import { type Params, type PveClusterStatusEntry, ProxmoxError, type ProxmoxErrorKind } from './types.js';

/** pve-node (pve-common JSONSchema.pm). */
const NODE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** pve-storage-id. */
const STORAGE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
/** §8.1, the server's own parse. */
export const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

const bad = (message: string) => new ProxmoxError('bad_request', message);

export function checkNode(node: string): string {
  if (typeof node !== 'string' || node.length > 63 || !NODE.test(node)) throw bad(`node: ${JSON.stringify(node)} is not a node name (letters, digits and inner dashes)`);
  return node;
}

export function checkVmid(vmid: number): number {
  if (!Number.isInteger(vmid) || vmid < VMID_MIN || vmid > VMID_MAX) throw bad(`vmid: ${vmid} is not a guest id (an integer ${VMID_MIN}–${VMID_MAX})`);
  return vmid;
}

export function checkStorage(storage: string): string {
  if (typeof storage !== 'string' || !STORAGE.test(storage)) throw bad(`storage: ${JSON.stringify(storage)} is not a storage id`);
  return storage;
}

export function checkGuestType(type: string): 'qemu' | 'lxc' {
  if (type !== 'qemu' && type !== 'lxc') throw bad(`type: ${JSON.stringify(type)} is neither qemu nor lxc`);
  return type;
}

export interface ParsedUpid {
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
}

export function parseUpid(upid: string): ParsedUpid {
  const m = UPID_RE.exec(upid);
  if (!m) throw bad(`upid: ${JSON.stringify(upid)} is not a task id`);
  return { node: m[1]!, starttime: parseInt(m[5]!, 16), type: m[6]!, id: m[7]!, user: m[8]! };
}

/** Success = `OK` or `WARNINGS: n` (§8.2); anything else is PVE's error text. */
export function taskSucceeded(exitstatus: string): boolean {
  return exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus);
}

/** Form and query encoding: booleans as 1/0 (PVE refuses `true` in a form), unset keys left out (unknown keys are a 400). */
export function encodeParams(params: Params = {}): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return out.toString();
}

const KIND_BY_STATUS: Record<number, ProxmoxErrorKind> = { 400: 'bad_request', 401: 'auth', 403: 'forbidden', 404: 'not_found', 595: 'node_offline', 596: 'node_offline' };

/**
 * A failed answer as a ProxmoxError. The text: the body's `message` (libpve-http-server ≥ 5.2.0), else the reason
 * phrase (the message's first line, all older versions give); a 400's per-parameter `errors` are appended. 401 and
 * 595 come with an empty body. A missing guest or node is PVE's 500 with its own words: `not_found`.
 */
export function pveError(status: number, reason: string, body: Buffer | string, what: string): ProxmoxError {
  let parsed: { message?: unknown; errors?: unknown } = {};
  try {
    const text = body.toString();
    if (text) parsed = JSON.parse(text) ?? {};
  } catch {
    /* not JSON: the reason phrase says it */
  }
  const errors = parsed.errors && typeof parsed.errors === 'object' ? (parsed.errors as Record<string, string>) : undefined;
  const base = (typeof parsed.message === 'string' && parsed.message.trim()) || reason.trim() || `HTTP ${status}`;
  const detail = errors ? ` (${Object.entries(errors).map(([k, v]) => `${k}: ${String(v).trim()}`).join('; ')})` : '';
  let kind: ProxmoxErrorKind = KIND_BY_STATUS[status] ?? 'failed';
  if (status === 500 && /does not exist|^hostname lookup '.*' failed|^no such (vm|ct|node)/i.test(base)) kind = 'not_found';
  const message = status === 595 || status === 596 ? `${what}: the node is offline (${base})` : `${what}: ${base}${detail}`;
  return new ProxmoxError(kind, message, { status, errors });
}

export interface ClusterSummary {
  /** null for a standalone host. */
  name: string | null;
  /** A standalone host is always quorate. */
  quorate: boolean;
  nodes: { name: string; online: boolean; local: boolean }[];
}

/** GET /cluster/status (§2.2), its 0/1 flags as booleans. */
export function clusterSummary(entries: PveClusterStatusEntry[]): ClusterSummary {
  const cluster = entries.find((e) => e.type === 'cluster');
  const nodes = entries
    .filter((e): e is Extract<PveClusterStatusEntry, { type: 'node' }> => e.type === 'node')
    .map((n) => ({ name: n.name, online: n.online === 1, local: n.local === 1 }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { name: cluster ? cluster.name : null, quorate: cluster ? cluster.quorate === 1 : true, nodes };
}
