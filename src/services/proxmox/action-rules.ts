/**
 * Pure rules of the Proxmox actions, checked before anything is sent: which power action makes sense in which state
 * (reference §4.3–4.4, §5.2), the snapshot name rule (the seed's, within PVE's §6.1), and the backup options (the
 * seed's, as an object or as `option=value` text, §7).
 */
import { invalid } from '../../core/errors.js';
import type { GuestPowerAction, GuestType } from '../../providers/proxmox/types.js';

// --- power actions and the guest's state -----------------------------------------------------------------------

export interface GuestState {
  type: GuestType;
  /** PVE's `status`: whether the QEMU process / the container runs. */
  status: string;
  /** QEMU's run state while the process runs (`paused`, `suspended`, `prelaunch`, …). */
  qmpstatus?: string;
  lock?: string;
  template?: number | boolean;
}

/** What the user sees: running, paused (QEMU paused, prelaunch or suspended to RAM), hibernated (to disk), stopped. */
export type RunState = 'running' | 'paused' | 'hibernated' | 'stopped';

export function runState(s: GuestState): RunState {
  if (s.status === 'running') return s.type === 'qemu' && ['paused', 'prelaunch', 'suspended'].includes(s.qmpstatus ?? '') ? 'paused' : 'running';
  return s.type === 'qemu' && s.lock === 'suspended' ? 'hibernated' : 'stopped';
}

/** Run states in which each action makes sense. A hibernated VM is started or resumed: both restore its RAM. */
const ALLOWED: Record<GuestType, Record<GuestPowerAction, RunState[]>> = {
  qemu: {
    start: ['stopped', 'hibernated'],
    stop: ['running', 'paused'],
    shutdown: ['running'],
    reboot: ['running'],
    suspend: ['running'],
    resume: ['paused', 'hibernated'],
  },
  // LXC suspend is a CRIU checkpoint: the container stops, and resume starts it from the checkpoint.
  lxc: { start: ['stopped'], stop: ['running'], shutdown: ['running'], reboot: ['running'], suspend: ['running'], resume: ['stopped'] },
};

const HINT: Record<RunState, string> = {
  running: 'it is running',
  paused: 'it is paused: resume it first (or stop it)',
  hibernated: 'it is hibernated (suspended to disk): start or resume it',
  stopped: 'it is stopped',
};

/** Why `action` makes no sense now (the API's 409), or null when it may be sent. */
export function refusal(action: GuestPowerAction, s: GuestState, label: string): string | null {
  if (s.template === 1 || s.template === true) return `${label} is a template: it cannot be powered on or off (clone it to get a guest)`;
  if (s.lock && s.lock !== 'suspended') return `${label} is locked (${s.lock}): try again when the ${s.lock} is over`;
  const state = runState(s);
  if (ALLOWED[s.type][action].includes(state)) return null;
  return `cannot ${action} ${label}: ${HINT[state]}`;
}

// --- snapshot names ------------------------------------------------------------------------------------------------

/** The seed's rule: letters, digits and `_`, starting with a letter; PVE's length (2–40). */
const SNAPSHOT_NAME = /^[A-Za-z][A-Za-z0-9_]{1,39}$/;
/** PVE refuses these (`current` for both kinds, `pending` for QEMU, `vzdump` for LXC): refused for both here. */
const RESERVED = new Set(['current', 'pending', 'vzdump']);

export function validSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME.test(name) && !RESERVED.has(name.toLowerCase());
}

/** `snap_20250314_093000` (UTC), with `_2`, `_3`… when the guest already has one of that name. */
export function generateSnapshotName(taken: readonly string[], now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const base = `snap_${stamp}`;
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}_${i}`;
  return name;
}

/** The name given when it follows the rule; a generated one when it is missing, invalid or reserved. */
export function chooseSnapshotName(given: string | undefined, taken: readonly string[], now: Date): { name: string; generated: boolean } {
  const trimmed = given?.trim();
  if (trimmed && validSnapshotName(trimmed)) return { name: trimmed, generated: false };
  return { name: generateSnapshotName(taken, now), generated: true };
}

// --- backup options ------------------------------------------------------------------------------------------------

export interface BackupOptions {
  storage?: string;
  mode?: 'snapshot' | 'suspend' | 'stop';
  compress?: '0' | 'gzip' | 'lzo' | 'zstd';
  mailnotification?: 'always' | 'failure';
  remove?: 0 | 1;
}

type OptionName = keyof BackupOptions;
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;

const CHECKS: Record<OptionName, (v: string) => BackupOptions[OptionName] | undefined> = {
  storage: (v) => (STORAGE_ID.test(v) && v.length <= 100 ? v : undefined),
  mode: (v) => (['snapshot', 'suspend', 'stop'].includes(v) ? (v as BackupOptions['mode']) : undefined),
  compress: (v) => (['0', 'gzip', 'lzo', 'zstd'].includes(v) ? (v as BackupOptions['compress']) : undefined),
  mailnotification: (v) => (['always', 'failure'].includes(v) ? (v as BackupOptions['mailnotification']) : undefined),
  remove: (v) => (v === '1' || v === 'true' ? 1 : v === '0' || v === 'false' ? 0 : undefined),
};

const EXPECTED: Record<OptionName, string> = {
  storage: 'a storage id (e.g. local, nas-backup)',
  mode: 'snapshot, suspend or stop',
  compress: '0, gzip, lzo or zstd',
  mailnotification: 'always or failure',
  remove: '0 or 1',
};

const KNOWN = Object.keys(CHECKS) as OptionName[];

/**
 * The seed's backup options, as an object (`{mode: "stop", remove: 0}`) or as text (`mode=stop remove=0`: one per
 * line, or separated by spaces or `;`). 422 naming the option for an unknown one, a bad value or a repeated one.
 */
export function parseBackupOptions(raw: string | Record<string, unknown> | undefined | null): BackupOptions {
  if (raw === undefined || raw === null) return {};
  const pairs: [string, unknown][] = typeof raw === 'string' ? textPairs(raw) : Object.entries(raw);
  const out: BackupOptions = {};
  for (const [key, value] of pairs) {
    if (!(KNOWN as string[]).includes(key)) {
      throw invalid(`options.${key}: unknown backup option (the options are ${KNOWN.join(', ')})`, 'invalid_backup_option');
    }
    const name = key as OptionName;
    if (out[name] !== undefined) throw invalid(`options.${name}: given twice`, 'invalid_backup_option');
    const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    const parsed = text === undefined ? undefined : CHECKS[name](text);
    if (parsed === undefined) {
      throw invalid(`options.${name}: ${JSON.stringify(value)} is not valid (expected ${EXPECTED[name]})`, 'invalid_backup_option');
    }
    (out as Record<string, unknown>)[name] = parsed;
  }
  return out;
}

function textPairs(text: string): [string, string][] {
  return text
    .split(/[\s;]+/)
    .filter(Boolean)
    .map((item) => {
      const eq = item.indexOf('=');
      if (eq <= 0) throw invalid(`options: ${JSON.stringify(item)} is not option=value (e.g. mode=snapshot compress=zstd)`, 'invalid_backup_option');
      return [item.slice(0, eq), item.slice(eq + 1)];
    });
}

/** One address, the way PVE's email-or-username-list takes it (no list: the seed has one address). */
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export function checkEmail(email: string | undefined): string | undefined {
  if (email === undefined || email.trim() === '') return undefined;
  if (!EMAIL.test(email.trim()) || email.length > 254) throw invalid(`email: ${JSON.stringify(email)} is not an e-mail address`, 'invalid_backup_option');
  return email.trim();
}
