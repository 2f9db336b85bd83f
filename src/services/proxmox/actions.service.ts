import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import type {
  ProxmoxActionResult,
  ProxmoxBackupInput,
  ProxmoxBackupResult,
  ProxmoxGuestAction,
  ProxmoxSnapshotInput,
  ProxmoxSnapshotResult,
} from '../../core/types.js';
import type { ProxmoxClusterRow } from '../../db/schema.js';
import * as pve from '../../providers/proxmox/actions.js';
import type { GuestRef } from '../../providers/proxmox/actions.js';
import { type Params, type ProxmoxApi, ProxmoxError, type PveGuestResource, type PveNodeStorage } from '../../providers/proxmox/types.js';
import type { TaskService } from '../task.service.js';
import { chooseSnapshotName, checkEmail, parseBackupOptions, refusal } from './action-rules.js';
import type { ProxmoxClusterService } from './cluster.service.js';

export type ProxmoxNodeAction = 'startall' | 'stopall' | 'reboot' | 'shutdown';

/** How long a task row follows PVE's task before giving up on it (the task goes on in PVE). */
const FOLLOW_MS = { power: 15 * 60_000, snapshot: 60 * 60_000, backup: 24 * 3600_000, node: 2 * 3600_000 };

interface Guest extends GuestRef {
  name: string;
  /** `homelab qemu/100 (nextcloud)`: the task's target and the subject of messages. */
  label: string;
}

interface Located {
  row: ProxmoxClusterRow;
  api: ProxmoxApi;
  guest: Guest;
}

interface Job {
  row: ProxmoxClusterRow;
  api: ProxmoxApi;
  action: string;
  target: string;
  lockKey: string;
  by: string;
  timeoutMs: number;
  /** Sends the action to PVE: its UPID, or null when PVE starts no task. */
  send: () => Promise<string | null>;
  /** The task's output when PVE starts no task. */
  noTask?: string;
}

export interface ProxmoxActionsOptions {
  /** Called when an action's task has ended (e.g. to sync the cluster at once). */
  afterAction?: (clusterId: number) => void | Promise<void>;
}

/**
 * Proxmox actions (issue 10, "Actions"). Each one: the guest's node found from /cluster/resources at action time
 * (the guest may have migrated since the last sync), its state read from status/current and an action that makes no
 * sense refused with a 409 before anything is sent, then a task row under a per-guest (or per-node) lock that
 * follows PVE's task through its UPID until it ends — success or failed with PVE's exit status and its log. The API
 * answers once PVE accepted the action: a backup may run for an hour.
 */
export class ProxmoxActionsService {
  constructor(
    private readonly clusters: Pick<ProxmoxClusterService, 'row' | 'client' | 'failed'>,
    private readonly tasks: TaskService,
    private readonly opts: ProxmoxActionsOptions = {},
  ) {}

  async guestAction(clusterId: number, vmid: number, action: ProxmoxGuestAction, by: string): Promise<ProxmoxActionResult> {
    const { row, api, guest } = await this.locate(clusterId, vmid);
    const state = await this.call(row, guest.label, () => api.guestStatus(guest.node, guest.type, guest.vmid));
    const why = refusal(action, { ...state, type: guest.type }, guest.label);
    if (why) throw conflict('wrong_state', why);
    return this.track({
      ...this.guestJob(row, api, guest, `proxmox.guest.${action}`, by), timeoutMs: FOLLOW_MS.power,
      send: () => api.guestPower(guest.node, guest.type, guest.vmid, action),
    });
  }

  async snapshot(clusterId: number, vmid: number, body: ProxmoxSnapshotInput, by: string): Promise<ProxmoxSnapshotResult> {
    const { row, api, guest } = await this.locate(clusterId, vmid);
    if (body.vmstate && guest.type === 'lxc') throw invalid('vmstate: only QEMU VMs can save their RAM in a snapshot', 'invalid_snapshot');
    const existing = await this.editable(row, api, guest, 'take a snapshot of');
    const chosen = chooseSnapshotName(body.name, existing, new Date());
    if (existing.includes(chosen.name)) throw conflict('snapshot_exists', `${guest.label} already has a snapshot named ${chosen.name}`);
    const answer = await this.track({
      ...this.guestJob(row, api, guest, 'proxmox.snapshot.create', by), timeoutMs: FOLLOW_MS.snapshot,
      target: `${guest.label} @${chosen.name}`,
      send: () => pve.createSnapshot(api, guest, { name: chosen.name, description: body.description, vmstate: body.vmstate }),
    });
    return { ...answer, ...chosen };
  }

  async deleteSnapshot(clusterId: number, vmid: number, name: string, by: string): Promise<ProxmoxActionResult> {
    return this.onSnapshot(clusterId, vmid, name, by, 'delete', (api, g) => pve.deleteSnapshot(api, g, name));
  }

  async rollback(clusterId: number, vmid: number, name: string, by: string): Promise<ProxmoxActionResult> {
    return this.onSnapshot(clusterId, vmid, name, by, 'rollback', (api, g) => pve.rollbackSnapshot(api, g, name));
  }

  async backup(clusterId: number, vmid: number, body: ProxmoxBackupInput, by: string): Promise<ProxmoxBackupResult> {
    const options = parseBackupOptions(body.options as string | Record<string, unknown> | undefined);
    const mailto = checkEmail(body.email);
    const { row, api, guest } = await this.locate(clusterId, vmid);
    const state = await this.call(row, guest.label, () => api.guestStatus(guest.node, guest.type, guest.vmid));
    if (state.lock) throw conflict('wrong_state', `${guest.label} is locked (${state.lock}): try again when the ${state.lock} is over`);
    const storage = await this.backupStorage(row, api, guest, options.storage);
    const params: Params = { ...options, storage, ...(mailto ? { mailto } : {}) };
    const answer = await this.track({
      ...this.guestJob(row, api, guest, 'proxmox.backup', by), timeoutMs: FOLLOW_MS.backup,
      target: `${guest.label} -> ${storage}`,
      send: async () => {
        const upid = await pve.vzdump(api, guest, params);
        if (upid === null) {
          throw conflict('guest_moved', `PVE answered OK without starting a backup: ${guest.label} is no longer on ${guest.node}. Nothing was backed up; try again`);
        }
        return upid;
      },
    });
    return { ...answer, storage };
  }

  async nodeAction(clusterId: number, node: string, action: ProxmoxNodeAction, by: string): Promise<ProxmoxActionResult> {
    const row = await this.enabledRow(clusterId);
    const api = this.clusters.client(row);
    const power = action === 'reboot' || action === 'shutdown';
    return this.track({
      row, api, by, action: `proxmox.node.${action}`, target: `${row.name} node ${node}`, lockKey: `proxmox:${row.id}:node:${node}`,
      timeoutMs: FOLLOW_MS.node,
      send: power ? () => pve.nodePower(api, node, action).then(() => null) : () => pve.nodeBulk(api, node, action),
      noTask: `PVE accepted the ${action} of ${node} (it starts no task): every guest on it is stopped first, and the node goes down in a few seconds`,
    });
  }

  // --- steps ---------------------------------------------------------------------------------------------------------

  private async enabledRow(clusterId: number): Promise<ProxmoxClusterRow> {
    const row = await this.clusters.row(clusterId);
    if (row.enabled !== 1) throw conflict('cluster_disabled', `Proxmox cluster ${row.name} is disabled: enable it to act on it`);
    return row;
  }

  /** The guest and the node it is on now, from /cluster/resources (not from the last sync: it may have migrated). */
  private async locate(clusterId: number, vmid: number): Promise<Located> {
    const row = await this.enabledRow(clusterId);
    const api = this.clusters.client(row);
    const resources = await this.call(row, `guest ${vmid}`, () => api.resources('vm'));
    const g = resources.find((r): r is PveGuestResource => (r.type === 'qemu' || r.type === 'lxc') && r.vmid === vmid);
    if (!g) throw new AppError(404, 'not_found', `guest ${vmid} not found in Proxmox cluster ${row.name} (or its PVE user may not see it: VM.Audit)`);
    const name = g.name ?? '';
    return { row, api, guest: { node: g.node, type: g.type, vmid, name, label: `${row.name} ${g.type}/${vmid}${name ? ` (${name})` : ''}` } };
  }

  /** The guest's snapshot names, after refusing a template or a locked guest (PVE would fail the task). */
  private async editable(row: ProxmoxClusterRow, api: ProxmoxApi, guest: Guest, what: string): Promise<string[]> {
    const state = await this.call(row, guest.label, () => api.guestStatus(guest.node, guest.type, guest.vmid));
    if (state.template === 1) throw conflict('wrong_state', `cannot ${what} ${guest.label}: it is a template`);
    if (state.lock) throw conflict('wrong_state', `${guest.label} is locked (${state.lock}): try again when the ${state.lock} is over`);
    return (await this.call(row, guest.label, () => pve.listSnapshots(api, guest))).map((s) => s.name);
  }

  private async onSnapshot(
    clusterId: number, vmid: number, name: string, by: string, verb: 'delete' | 'rollback', send: (api: ProxmoxApi, g: Guest) => Promise<string>,
  ): Promise<ProxmoxActionResult> {
    const { row, api, guest } = await this.locate(clusterId, vmid);
    const existing = await this.editable(row, api, guest, `${verb} a snapshot of`);
    if (!existing.includes(name)) throw notFound(`snapshot of ${guest.label}`, name);
    return this.track({
      ...this.guestJob(row, api, guest, `proxmox.snapshot.${verb}`, by), timeoutMs: FOLLOW_MS.snapshot,
      target: `${guest.label} @${name}`,
      send: () => send(api, guest),
    });
  }

  /** The storage asked for (422 when the node has none of that name or it takes no backups), else the first available one with backup content. */
  private async backupStorage(row: ProxmoxClusterRow, api: ProxmoxApi, guest: Guest, asked: string | undefined): Promise<string> {
    const all = await this.call(row, guest.label, () => api.storage(guest.node));
    const usable = (s: PveNodeStorage) => s.enabled === 1 && s.active === 1;
    const takesBackups = (s: PveNodeStorage) => s.content.split(',').includes('backup');
    if (asked === undefined) {
      const first = all.find((s) => takesBackups(s) && usable(s));
      if (!first) throw conflict('no_backup_storage', `node ${guest.node} has no available storage with backup content (or its PVE user may not see it: Datastore.Audit)`);
      return first.storage;
    }
    const s = all.find((x) => x.storage === asked);
    if (!s) throw invalid(`options.storage: node ${guest.node} has no storage ${asked} (it has ${all.map((x) => x.storage).join(', ') || 'none visible'})`, 'invalid_backup_option');
    if (!takesBackups(s)) throw invalid(`options.storage: ${asked} does not take backups (its content: ${s.content || 'none'})`, 'invalid_backup_option');
    if (!usable(s)) throw conflict('storage_unavailable', `storage ${asked} is not available on ${guest.node} now (${s.enabled ? 'inactive' : 'disabled'})`);
    return asked;
  }

  private guestJob(row: ProxmoxClusterRow, api: ProxmoxApi, guest: Guest, action: string, by: string) {
    return { row, api, by, action, target: guest.label, lockKey: `proxmox:${row.id}:guest:${guest.vmid}` };
  }

  /**
   * Runs a job as a task and answers once PVE has accepted it; the task row goes on following PVE's task in the
   * background. A refusal before the task started (PVE's 403, an offline node) fails the row and is the answer.
   */
  private async track(job: Job): Promise<ProxmoxActionResult> {
    if (this.tasks.isLocked(job.lockKey)) throw conflict('busy', `${job.target}: another action on it is still running (see its task in the Activity view)`);
    type Accepted = { task_id: number; upid: string | null };
    let accepted!: (v: Accepted) => void;
    const sent = new Promise<Accepted>((resolve) => (accepted = resolve));
    const run = this.tasks.run({ action: job.action, host_id: null, target: job.target, requested_by: job.by, lockKey: job.lockKey }, async (task) => {
      const upid = await job.send();
      accepted({ task_id: task.id, upid });
      if (upid === null) return { output: job.noTask ?? null, value: null };
      const result = await pve.followTask(job.api, upid, { timeoutMs: job.timeoutMs });
      const output = result.log.join('\n');
      if (!result.ok) throw Object.assign(new Error(`PVE task ${result.type} on ${result.node} failed: ${result.exitstatus}`), { output });
      return { output, value: null };
    });
    // The task's end is awaited by nobody but the hook; a failure after PVE accepted it is the task row's, not the answer's.
    const ended = run.then(() => ({ failed: false as const }), (err: unknown) => ({ failed: true as const, err }));
    void ended.then(() => this.opts.afterAction?.(job.row.id)).catch(() => undefined);
    const first = await Promise.race([sent.then((a) => ({ accepted: a })), ended]);
    if ('accepted' in first) return { success: true, ...first.accepted };
    if (first.failed) throw await this.mapError(job.row, first.err, job.target);
    throw new AppError(500, 'internal', `${job.target}: the task ended before PVE answered`);
  }

  /** A PVE call before any task: its failure as the API's answer. */
  private async call<T>(row: ProxmoxClusterRow, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await this.mapError(row, err, what);
    }
  }

  /**
   * PVE's refusals keep PVE's text: a 403 names the missing privilege (`Permission check failed (/vms/100,
   * VM.PowerMgmt)`) — the dashboard's PVE user lacks it, not the dashboard user, so it is a 502, not our 403.
   * Connection and login failures go through the cluster service (they are the cluster's status too).
   */
  private async mapError(row: ProxmoxClusterRow, err: unknown, what: string): Promise<AppError> {
    const task = (err as { task?: { id: number } }).task;
    const inTask = task ? ` (task ${task.id})` : '';
    if (err instanceof AppError) return inTask ? new AppError(err.statusCode, err.code, `${err.message}${inTask}`, { cause: err }) : err;
    if (!(err instanceof ProxmoxError)) return new AppError(500, 'internal', (err as Error).message, { cause: err });
    const say = (status: number, code: string, text: string) => new AppError(status, code, `${text}${inTask}`, { cause: err });
    switch (err.kind) {
      case 'forbidden':
        return say(502, 'proxmox_forbidden', `Proxmox cluster ${row.name} refused it for ${what}: ${err.message} (the PVE user or token the dashboard uses lacks that privilege)`);
      case 'node_offline':
        return say(502, 'proxmox_node_offline', `${what}: ${err.message}; nothing was done`);
      case 'not_found':
        return say(404, 'not_found', `${what}: ${err.message}`);
      case 'bad_request':
        return err.status === undefined ? say(422, 'invalid_input', err.message) : say(502, 'proxmox_bad_request', `${what}: PVE refused the parameters: ${err.message}`);
      case 'failed':
        return say(502, 'proxmox_failed', `${what}: ${err.message}`);
      default: {
        const mapped = await this.clusters.failed(row, err);
        return new AppError(mapped.statusCode, mapped.code, `${mapped.message}${inTask}`, { cause: err });
      }
    }
  }
}
