import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { vzdumpUpid } from '../../providers/proxmox/actions.js';
import { ProxmoxError } from '../../providers/proxmox/types.js';
import { checkEmail, chooseSnapshotName, generateSnapshotName, parseBackupOptions, refusal, runState, validSnapshotName } from './action-rules.js';

const qemu = (status: string, qmpstatus = status, extra = {}) => ({ type: 'qemu' as const, status, qmpstatus, ...extra });
const lxc = (status: string, extra = {}) => ({ type: 'lxc' as const, status, ...extra });

describe('the run state a user sees', () => {
  it('tells paused and hibernated apart from running and stopped (status vs qmpstatus, lock suspended)', () => {
    expect(runState(qemu('running'))).toBe('running');
    expect(runState(qemu('running', 'paused'))).toBe('paused');
    expect(runState(qemu('running', 'suspended'))).toBe('paused');
    expect(runState(qemu('running', 'prelaunch'))).toBe('paused');
    expect(runState(qemu('stopped', 'stopped', { lock: 'suspended' }))).toBe('hibernated');
    expect(runState(qemu('stopped'))).toBe('stopped');
    expect(runState(lxc('running'))).toBe('running');
  });
});

describe('which action makes sense', () => {
  it('QEMU: the matrix of the reference, refusals saying why', () => {
    expect(refusal('start', qemu('stopped'), 'vm')).toBeNull();
    expect(refusal('start', qemu('running'), 'vm')).toBe('cannot start vm: it is running');
    expect(refusal('start', qemu('running', 'paused'), 'vm')).toMatch(/paused: resume it first/);
    expect(refusal('stop', qemu('running', 'paused'), 'vm')).toBeNull();
    expect(refusal('stop', qemu('stopped'), 'vm')).toMatch(/it is stopped/);
    expect(refusal('shutdown', qemu('running', 'paused'), 'vm')).not.toBeNull();
    expect(refusal('resume', qemu('running', 'paused'), 'vm')).toBeNull();
    expect(refusal('resume', qemu('stopped', 'stopped', { lock: 'suspended' }), 'vm')).toBeNull();
    expect(refusal('start', qemu('stopped', 'stopped', { lock: 'suspended' }), 'vm')).toBeNull();
    expect(refusal('resume', qemu('running'), 'vm')).not.toBeNull();
    expect(refusal('suspend', qemu('running'), 'vm')).toBeNull();
  });

  it('LXC, templates and locks', () => {
    expect(refusal('stop', lxc('stopped'), 'ct')).toMatch(/stopped/);
    expect(refusal('resume', lxc('stopped'), 'ct')).toBeNull();
    expect(refusal('resume', lxc('running'), 'ct')).toMatch(/running/);
    expect(refusal('start', qemu('stopped', 'stopped', { template: 1 }), 'tpl')).toMatch(/template/);
    expect(refusal('stop', lxc('running', { lock: 'backup' }), 'ct')).toBe('ct is locked (backup): try again when the backup is over');
  });
});

describe('snapshot names', () => {
  it('follow the seed\'s rule within PVE\'s limits', () => {
    for (const ok of ['before_upgrade', 'A1', 'x'.repeat(40), 'Snap_2']) expect(validSnapshotName(ok), ok).toBe(true);
    for (const bad of ['', 'a', '1abc', 'with space', 'pre-upgrade', 'é_accent', 'x'.repeat(41), 'current', 'PENDING', 'vzdump']) {
      expect(validSnapshotName(bad), bad).toBe(false);
    }
  });

  it('a generated name is valid, dated (UTC) and unique among the guest\'s', () => {
    const now = new Date('2025-03-14T09:30:05.123Z');
    expect(generateSnapshotName([], now)).toBe('snap_20250314_093005');
    expect(generateSnapshotName(['snap_20250314_093005', 'snap_20250314_093005_2'], now)).toBe('snap_20250314_093005_3');
    expect(validSnapshotName(generateSnapshotName([], now))).toBe(true);
    expect(chooseSnapshotName(' kept ', [], now)).toEqual({ name: 'kept', generated: false });
    expect(chooseSnapshotName('current', [], now)).toEqual({ name: 'snap_20250314_093005', generated: true });
    expect(chooseSnapshotName(undefined, [], now).generated).toBe(true);
  });
});

describe('backup options', () => {
  it('as an object or as option=value text, normalised for vzdump', () => {
    const want = { storage: 'nas', mode: 'stop', compress: 'zstd', mailnotification: 'failure', remove: 0 };
    expect(parseBackupOptions({ storage: 'nas', mode: 'stop', compress: 'zstd', mailnotification: 'failure', remove: false })).toEqual(want);
    expect(parseBackupOptions('storage=nas\nmode=stop;compress=zstd  mailnotification=failure ; remove=0\n')).toEqual(want);
    expect(parseBackupOptions({ compress: 0, remove: 1 })).toEqual({ compress: '0', remove: 1 });
    expect(parseBackupOptions(undefined)).toEqual({});
    expect(parseBackupOptions('')).toEqual({});
  });

  it('422 naming the bad option', () => {
    const fails = (raw: Parameters<typeof parseBackupOptions>[0], text: string) => {
      let err: unknown;
      try {
        parseBackupOptions(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).statusCode).toBe(422);
      expect((err as AppError).message).toContain(text);
    };
    fails('bwlimit=10', 'options.bwlimit: unknown');
    fails({ mode: 'hot' }, 'options.mode: "hot"');
    fails({ compress: '1' }, 'options.compress');
    fails({ storage: '../etc' }, 'options.storage');
    fails({ remove: null }, 'options.remove');
    fails('=x', 'option=value');
  });

  it('one e-mail address', () => {
    expect(checkEmail(' ops@example.org ')).toBe('ops@example.org');
    expect(checkEmail(undefined)).toBeUndefined();
    expect(() => checkEmail('a@b')).toThrow(/e-mail/);
  });
});

describe("vzdump's answer", () => {
  it('a UPID, or null for its plain "OK" (nothing listed is on that node); anything else is a failure', () => {
    const upid = 'UPID:pve1:000A1B2C:0A3F5E21:66F1A2B3:vzdump:100:root@pam:';
    expect(vzdumpUpid(upid)).toBe(upid);
    expect(vzdumpUpid('OK')).toBeNull();
    expect(() => vzdumpUpid(null)).toThrow(ProxmoxError);
    expect(() => vzdumpUpid('UPID:broken')).toThrow(/no task id/);
  });
});
