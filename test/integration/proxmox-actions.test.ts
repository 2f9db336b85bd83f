// Proxmox guest and node actions through the real API on real SQLite, against the strict PVE simulator: each action
// changes the simulated guest and its task row ends success with PVE's log; an action that makes no sense in the
// guest's state is a 409 with nothing sent; a failed PVE task fails the row with PVE's exit status; a read-only PVE
// user gets PVE's 403 text and nothing is done; an offline node (595) is a clear error; startall/stopall/reboot.
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
beforeEach(async () => {
  await sim.tasksIdle();
  for (const node of ['pve1', 'pve2']) sim.setNodeOnline(node, true);
});

const act = (vmid: number, action: string, role: 'operator' | 'admin' = 'operator', cluster = id) =>
  ts.api('POST', `/api/proxmox/clusters/${cluster}/guests/${vmid}/${action}`, { role });

/** Runs an action, expects PVE to accept it and its task row to end success; answers the row. */
async function succeeds(vmid: number, action: string) {
  const r = await act(vmid, action);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toEqual({ success: true, task_id: expect.any(Number), upid: expect.stringMatching(/^UPID:/) });
  const task = await settled(ts, r.body.task_id);
  expect(task, JSON.stringify(task)).toMatchObject({ status: 'success', action: `proxmox.guest.${action}`, requested_by: 'operator', error: null });
  expect(task.output.split('\n').at(-1)).toBe('TASK OK');
  expect(simTask(sim, r.body.upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK', id: String(vmid) });
  return { task, upid: r.body.upid as string };
}

describe('guest power actions', () => {
  it('QEMU: suspend pauses, resume continues, reboot, shutdown, start, stop — each changes the VM and its task ends success', async () => {
    const vm = sim.guest(100);
    setRunning(vm);
    await succeeds(100, 'suspend');
    expect(vm).toMatchObject({ status: 'running', qmpstatus: 'paused' });
    await succeeds(100, 'resume');
    expect(vm).toMatchObject({ status: 'running', qmpstatus: 'running' });
    vm.uptime = 5000;
    const { upid } = await succeeds(100, 'reboot');
    expect(upid).toContain(':qmreboot:100:dash@pve:');
    expect(vm.uptime).toBe(1);
    await succeeds(100, 'shutdown');
    expect(vm.status).toBe('stopped');
    await succeeds(100, 'start');
    expect(vm).toMatchObject({ status: 'running', qmpstatus: 'running' });
    const stop = await succeeds(100, 'stop');
    expect(stop.task.target).toBe('homelab qemu/100 (nextcloud)');
    expect(vm.status).toBe('stopped');
  });

  it('LXC: shutdown, start, reboot, suspend, resume, stop', async () => {
    const ct = sim.guest(200);
    setRunning(ct);
    await succeeds(200, 'shutdown');
    expect(ct.status).toBe('stopped');
    await succeeds(200, 'start');
    expect(ct.status).toBe('running');
    await succeeds(200, 'reboot');
    expect(ct.status).toBe('running');
    await succeeds(200, 'suspend');
    expect(ct.status).toBe('stopped');
    await succeeds(200, 'resume');
    expect(ct.status).toBe('running');
    await succeeds(200, 'stop');
    expect(ct.status).toBe('stopped');
  });

  it('finds the guest on the node it is on now (from cluster/resources), not on a node assumed', async () => {
    setStopped(sim.guest(201));
    const { upid } = await succeeds(201, 'start');
    expect(upid.startsWith('UPID:pve2:')).toBe(true);
    expect(sim.requests.some((q) => q.method === 'POST' && q.path === '/nodes/pve2/lxc/201/status/start')).toBe(true);
    expect(sim.guest(201).status).toBe('running');
  });

  it('a task PVE fails ends failed with PVE\'s exit status and the log', async () => {
    setRunning(sim.guest(100));
    sim.guest(100).ignoresShutdown = true;
    try {
      const r = await act(100, 'shutdown');
      expect(r.status).toBe(200);
      const task = await settled(ts, r.body.task_id);
      expect(task.status).toBe('failed');
      expect(task.error).toContain('VM quit/powerdown failed - got timeout');
      expect(task.output).toContain('TASK ERROR: VM quit/powerdown failed - got timeout');
      expect(sim.guest(100).status).toBe('running');
    } finally {
      sim.guest(100).ignoresShutdown = false;
    }
  });

  it('an unknown guest is a 404, and an unknown action a 422', async () => {
    const r = await act(4242, 'start');
    expect(r.status).toBe(404);
    expect(r.body.message).toContain('guest 4242 not found');
    expect((await act(100, 'explode')).status).toBe(422);
  });
});

describe('an action that makes no sense in the guest\'s state', () => {
  /** Expects a 409 naming the reason, with no action call sent to PVE and no task row written. */
  async function refused(vmid: number, action: string, reason: string | RegExp) {
    const before = { posts: sim.requests.filter((q) => q.method === 'POST').length, tasks: await taskCount(ts), pve: sim.tasks.length };
    const r = await act(vmid, action);
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error).toBe('wrong_state');
    expect(r.body.message).toMatch(reason);
    expect(sim.requests.filter((q) => q.method === 'POST').length).toBe(before.posts);
    expect(sim.tasks.length).toBe(before.pve);
    expect(await taskCount(ts)).toBe(before.tasks);
  }

  it('is a 409 before anything is sent: start a running VM, resume a running one, shutdown a paused one', async () => {
    setRunning(sim.guest(100));
    await refused(100, 'start', /cannot start homelab qemu\/100 \(nextcloud\): it is running/);
    await refused(100, 'resume', /it is running/);
    sim.guest(101).qmpstatus = 'paused';
    await refused(101, 'shutdown', /it is paused: resume it first/);
    await refused(101, 'reboot', /paused/);
    await refused(101, 'suspend', /paused/);
  });

  it('stop or reboot a stopped guest, start a template, act on a locked guest', async () => {
    setStopped(sim.guest(201));
    await refused(201, 'stop', /it is stopped/);
    await refused(201, 'reboot', /it is stopped/);
    await refused(102, 'start', /is a template/);
    setRunning(sim.guest(200));
    sim.guest(200).lock = 'backup';
    try {
      await refused(200, 'shutdown', /is locked \(backup\)/);
    } finally {
      delete sim.guest(200).lock;
    }
  });

  it('a hibernated VM (suspended to disk) may be resumed, and is then running', async () => {
    const vm = sim.guest(100);
    setStopped(vm);
    vm.lock = 'suspended';
    await refused(100, 'stop', /hibernated/);
    await succeeds(100, 'resume');
    expect(vm).toMatchObject({ status: 'running', qmpstatus: 'running' });
    expect(vm.lock).toBeUndefined();
  });

  it('a second action while one runs on the same guest is a 409 busy', async () => {
    setRunning(sim.guest(100));
    sim.config.taskDelayMs = 1500;
    try {
      const first = await act(100, 'reboot');
      expect(first.status).toBe(200);
      const second = await act(100, 'stop');
      expect(second.status).toBe(409);
      expect(second.body.error).toBe('busy');
      expect((await settled(ts, first.body.task_id)).status).toBe('success');
    } finally {
      sim.config.taskDelayMs = 40;
    }
  });
});

describe('a PVE user without the privilege', () => {
  it('gets PVE\'s 403 text, the guest is untouched and the task row ends failed (nothing half-done)', async () => {
    setStopped(sim.guest(201));
    const pveTasks = sim.tasks.length;
    const r = await act(201, 'start', 'operator', readOnly);
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('proxmox_forbidden');
    expect(r.body.message).toContain('Permission check failed (/vms/201, VM.PowerMgmt)');
    expect(sim.guest(201).status).toBe('stopped');
    expect(sim.tasks.length).toBe(pveTasks);
    const task = await settled(ts, Number(/\(task (\d+)\)/.exec(r.body.message)![1]));
    expect(task).toMatchObject({ status: 'failed', action: 'proxmox.guest.start' });
    expect(task.error).toContain('Permission check failed (/vms/201, VM.PowerMgmt)');
    // The cluster itself is fine: its status is not turned into an error by a refused action.
    expect((await ts.api('GET', `/api/proxmox/clusters/${readOnly}`)).body.status_reason).toBeNull();
  });

  it('node actions too: startall needs VM.PowerMgmt on /', async () => {
    const r = await ts.api('POST', `/api/proxmox/clusters/${readOnly}/nodes/pve1/startall`, { role: 'operator' });
    expect(r.status).toBe(502);
    expect(r.body.message).toContain('Permission check failed (/, VM.PowerMgmt)');
  });
});

describe('an offline node', () => {
  it('answers PVE\'s 595 as a clear error and nothing is done', async () => {
    setStopped(sim.guest(201));
    sim.setNodeOnline('pve2', false);
    const pveTasks = sim.tasks.length;
    const r = await act(201, 'start');
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('proxmox_node_offline');
    expect(r.body.message).toMatch(/homelab lxc\/201 \(media\): .*the node is offline/);
    expect(sim.tasks.length).toBe(pveTasks);
    const node = await ts.api('POST', `/api/proxmox/clusters/${id}/nodes/pve2/stopall`, { role: 'operator' });
    expect(node.status).toBe(502);
    expect(node.body.error).toBe('proxmox_node_offline');
    expect(sim.guest(201).status).toBe('stopped');
  });
});

describe('node actions', () => {
  const node = (n: string, action: string, role: 'operator' | 'admin' = 'operator') =>
    ts.api('POST', `/api/proxmox/clusters/${id}/nodes/${n}/${action}`, { role });

  it('startall starts the guests with "start at boot", stopall shuts every running one down', async () => {
    for (const vmid of [100, 101, 200]) setStopped(sim.guest(vmid));
    const start = await node('pve1', 'startall');
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect(start.body.upid).toMatch(/^UPID:pve1:.*:startall::dash@pve:$/);
    const task = await settled(ts, start.body.task_id);
    expect(task).toMatchObject({ status: 'success', action: 'proxmox.node.startall', target: 'homelab node pve1' });
    expect(task.output).toContain('Starting VM 100');
    expect(task.output).toContain('Starting CT 200');
    expect([sim.guest(100).status, sim.guest(200).status, sim.guest(101).status]).toEqual(['running', 'running', 'stopped']);

    const stop = await node('pve1', 'stopall');
    expect(stop.status).toBe(200);
    expect((await settled(ts, stop.body.task_id)).status).toBe('success');
    expect([sim.guest(100).status, sim.guest(200).status]).toEqual(['stopped', 'stopped']);
  });

  it('reboot (admin): PVE starts no task, so the row ends at once and the answer has no upid', async () => {
    setRunning(sim.guest(201));
    const r = await node('pve2', 'reboot', 'admin');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ success: true, task_id: expect.any(Number), upid: null });
    const task = await settled(ts, r.body.task_id);
    expect(task).toMatchObject({ status: 'success', action: 'proxmox.node.reboot' });
    expect(task.output).toContain('every guest on it is stopped first');
    expect(sim.requestCount('POST /nodes/pve2/status')).toBe(1);
    await new Promise((res) => setTimeout(res, 100));
    expect(sim.guest(201).status).toBe('stopped');
  });

  it('an unknown node is a 404', async () => {
    const r = await node('pve9', 'startall');
    expect(r.status).toBe(404);
  });
});
