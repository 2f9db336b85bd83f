// Proxmox snapshots and backups through the real API on real SQLite, against the strict PVE simulator: the snapshot
// name rule (a valid name kept, a missing, invalid or reserved one generated), delete and rollback, vzdump with the
// seed's options as an object or as option=value text, the default storage, bad options refused (422) with nothing
// sent, and a PVE user without the backup privileges refused with PVE's text.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { type ProxmoxSim, startProxmoxSim } from '../support/proxmox/sim.js';
import { addCluster, setRunning, settled, setStopped, simTask, taskCount } from './proxmox-actions-support.js';

let ts: TestServer;
let sim: ProxmoxSim;
let id: number;
let readOnly: number;
beforeAll(async () => {
  [ts, sim] = await Promise.all([startTestServer(), startProxmoxSim({ taskDelayMs: 40, unauthorizedDelayMs: 0 })]);
  id = await addCluster(ts, sim, 'homelab');
  readOnly = await addCluster(ts, sim, 'audited', 'audit', 'audit');
});
afterAll(async () => {
  await ts?.destroy();
  await sim?.stop();
});
beforeEach(() => sim.tasksIdle());

const base = (vmid: number, cluster = id) => `/api/proxmox/clusters/${cluster}/guests/${vmid}`;
const snap = (vmid: number, body: unknown, cluster = id) => ts.api('POST', `${base(vmid, cluster)}/snapshots`, { role: 'operator', body });
const backup = (vmid: number, body: unknown, cluster = id) => ts.api('POST', `${base(vmid, cluster)}/backup`, { role: 'operator', body });
const names = (vmid: number) => sim.guest(vmid).snapshots.map((s) => s.name);

describe('taking a snapshot', () => {
  it('keeps a valid name and says so; the snapshot exists in PVE with its description', async () => {
    const r = await snap(100, { name: 'before_upgrade', description: 'pre 8.2' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ success: true, task_id: expect.any(Number), upid: expect.stringContaining(':qmsnapshot:100:'), name: 'before_upgrade', generated: false });
    const task = await settled(ts, r.body.task_id);
    expect(task).toMatchObject({ status: 'success', action: 'proxmox.snapshot.create', target: 'homelab qemu/100 (nextcloud) @before_upgrade' });
    expect(sim.guest(100).snapshots.find((s) => s.name === 'before_upgrade')).toMatchObject({ description: 'pre 8.2' });
  });

  it('generates a valid name for a missing, invalid or reserved one, and says which', async () => {
    for (const name of [undefined, 'my snap!', 'current', 'Pending', 'vzdump', '9lives', 'a', 'pre-upgrade', 'x'.repeat(41)]) {
      const r = await snap(200, name === undefined ? {} : { name });
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.generated, String(name)).toBe(true);
      expect(r.body.name).toMatch(/^snap_\d{8}_\d{6}(_\d+)?$/);
      expect((await settled(ts, r.body.task_id)).status).toBe('success');
      expect(names(200)).toContain(r.body.name);
    }
    // Several in the same second: each its own name.
    expect(new Set(names(200).filter((n) => n.startsWith('snap_'))).size).toBe(9);
  });

  it('saves the RAM of a running VM with vmstate; vmstate on a container is a 422 and nothing is sent', async () => {
    setRunning(sim.guest(100));
    const r = await snap(100, { name: 'with_ram', vmstate: true });
    expect((await settled(ts, r.body.task_id)).output).toContain('saving VM state and RAM');
    expect(sim.guest(100).snapshots.find((s) => s.name === 'with_ram')?.vmstate).toBe(true);
    const before = sim.requestCount('POST /nodes/{node}/lxc/{vmid}/snapshot');
    const ct = await snap(200, { name: 'nope', vmstate: true });
    expect(ct.status).toBe(422);
    expect(ct.body.message).toContain('vmstate');
    expect(sim.requestCount('POST /nodes/{node}/lxc/{vmid}/snapshot')).toBe(before);
  });

  it('a name the guest already has, a template or a locked guest: 409 before anything is sent', async () => {
    const tasks = await taskCount(ts);
    const dup = await snap(100, { name: 'before_upgrade' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('snapshot_exists');
    expect((await snap(102, { name: 'tpl' })).body).toMatchObject({ error: 'wrong_state', message: expect.stringContaining('template') });
    sim.guest(201).lock = 'backup';
    try {
      expect((await snap(201, { name: 'locked' })).body).toMatchObject({ error: 'wrong_state', message: expect.stringContaining('locked (backup)') });
    } finally {
      delete sim.guest(201).lock;
    }
    expect(await taskCount(ts)).toBe(tasks);
  });

  it('a PVE user without VM.Snapshot gets PVE\'s text and no snapshot is made', async () => {
    const r = await snap(201, { name: 'ro_try' }, readOnly);
    expect(r.status).toBe(502);
    expect(r.body.message).toContain('Permission check failed (/vms/201, VM.Snapshot)');
    expect(names(201)).not.toContain('ro_try');
  });
});

describe('deleting and rolling back a snapshot (admin)', () => {
  it('rollback returns the guest to the snapshot (a running container is stopped), delete removes it', async () => {
    const ct = sim.guest(201);
    setStopped(ct);
    const taken = await snap(201, { name: 'clean_state' });
    await settled(ts, taken.body.task_id);
    setRunning(ct);
    const rb = await ts.api('POST', `${base(201)}/snapshots/clean_state/rollback`, { role: 'admin' });
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect(rb.body.upid).toContain(':vzrollback:201:');
    expect(await settled(ts, rb.body.task_id)).toMatchObject({ status: 'success', action: 'proxmox.snapshot.rollback' });
    expect(ct).toMatchObject({ status: 'stopped', parent: 'clean_state' });

    const del = await ts.api('DELETE', `${base(201)}/snapshots/clean_state`, { role: 'admin' });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(await settled(ts, del.body.task_id)).toMatchObject({ status: 'success', action: 'proxmox.snapshot.delete' });
    expect(names(201)).not.toContain('clean_state');
  });

  it('a snapshot that does not exist (or PVE\'s synthetic current) is a 404 with nothing sent', async () => {
    const before = sim.requestCount('DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}');
    expect((await ts.api('DELETE', `${base(201)}/snapshots/never_taken`, { role: 'admin' })).status).toBe(404);
    expect((await ts.api('DELETE', `${base(201)}/snapshots/current`, { role: 'admin' })).status).toBe(404);
    expect((await ts.api('POST', `${base(201)}/snapshots/never_taken/rollback`, { role: 'admin' })).status).toBe(404);
    expect(sim.requestCount('DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}')).toBe(before);
  });
});

describe('backups', () => {
  const local = () => sim.state.storage.find((s) => s.storage === 'local')!;

  it('with the options as an object: vzdump runs with them and writes the backup into the storage', async () => {
    const volumes = local().volumes.length;
    const r = await backup(100, { options: { storage: 'local', mode: 'stop', compress: 'zstd', remove: 0, mailnotification: 'failure' }, email: 'ops@example.org' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ success: true, task_id: expect.any(Number), upid: expect.stringContaining(':vzdump:100:'), storage: 'local' });
    const task = await settled(ts, r.body.task_id);
    expect(task).toMatchObject({ status: 'success', action: 'proxmox.backup', target: 'homelab qemu/100 (nextcloud) -> local' });
    expect(task.output).toContain('vzdump 100 --storage local --mode stop --compress zstd');
    expect(task.output).toContain('INFO: Backup job finished successfully');
    expect(local().volumes.length).toBe(volumes + 1);
    expect(local().volumes.at(-1)!.volid).toMatch(/^local:backup\/vzdump-qemu-100-.*\.vma\.zst$/);
  });

  it('with the options as option=value text (lines, spaces or ;), and the default storage: the first available with backup content', async () => {
    const r = await backup(200, { options: 'mode=suspend; compress=gzip\nremove=1' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // nas-nfs takes backups too but is inactive: local is the first available one.
    expect(r.body.storage).toBe('local');
    const task = await settled(ts, r.body.task_id);
    expect(task.status).toBe('success');
    expect(task.output).toContain('vzdump 200 --storage local --mode suspend --compress gzip');
    expect(local().volumes.at(-1)!.volid).toMatch(/vzdump-lxc-200-.*\.tar\.gz$/);
  });

  it('refuses a bad option with a 422 naming it, and sends nothing', async () => {
    const before = { vzdump: sim.requestCount('POST /nodes/{node}/vzdump'), tasks: await taskCount(ts) };
    const cases: [unknown, string][] = [
      [{ options: 'compres=zstd' }, 'options.compres: unknown backup option'],
      [{ options: 'mode=fast' }, 'options.mode: "fast" is not valid'],
      [{ options: { compress: 'xz' } }, 'options.compress'],
      [{ options: { remove: 2 } }, 'options.remove'],
      [{ options: { stdout: 1 } }, 'options.stdout: unknown backup option'],
      [{ options: 'mode' }, 'is not option=value'],
      [{ options: 'mode=stop mode=snapshot' }, 'options.mode: given twice'],
      [{ options: { storage: 'local-lvm' } }, 'options.storage: local-lvm does not take backups'],
      [{ options: { storage: 'nowhere' } }, 'options.storage: node pve1 has no storage nowhere'],
      [{ email: 'not an address' }, 'email:'],
    ];
    for (const [body, message] of cases) {
      const r = await backup(100, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.message, JSON.stringify(body)).toContain(message);
    }
    expect(sim.requestCount('POST /nodes/{node}/vzdump')).toBe(before.vzdump);
    expect(await taskCount(ts)).toBe(before.tasks);
  });

  it('an unavailable storage is a 409; a backup PVE fails ends failed with its log', async () => {
    const nfs = await backup(100, { options: { storage: 'nas-nfs' } });
    expect(nfs.status).toBe(409);
    expect(nfs.body.error).toBe('storage_unavailable');
    sim.failNextTask('job errors', 'vzdump');
    const r = await backup(100, {});
    expect(r.status).toBe(200);
    const task = await settled(ts, r.body.task_id);
    expect(task).toMatchObject({ status: 'failed', error: expect.stringContaining('job errors') });
    expect(task.output).toContain('TASK ERROR: job errors');
    expect(simTask(sim, r.body.upid).exitstatus).toBe('job errors');
  });

  it('a PVE user without VM.Backup / Datastore.AllocateSpace gets PVE\'s text and nothing is written', async () => {
    const volumes = local().volumes.length;
    const r = await backup(100, {}, readOnly);
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('proxmox_forbidden');
    expect(r.body.message).toContain('Permission check failed (/storage/local, Datastore.AllocateSpace)');
    expect(local().volumes.length).toBe(volumes);
  });
});
