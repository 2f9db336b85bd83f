import { bool, fail, paramError, str, type Ctx, type Routes } from './core.js';
import { findGuest, findNode } from './guests.js';
import { requirePrivs } from './server.js';
import type { SimGuest } from './state.js';
import { TaskError, type TaskWork } from './tasks.js';

/**
 * Power actions and their wrong-state matrix (reference §4.4 for QEMU, §5.2 for LXC, §3.4 for startall & co.):
 * a "sync" error fails the HTTP call with 500; an "async" one becomes the task's exitstatus; some are no-op successes.
 * The check order inside tasks follows qemu-server vm_start/_do_vm_stop and pve-container.
 */

const ROOT_ONLY = ['skiplock', 'keepActive', 'nocheck', 'migratedfrom'];

export function setRunning(g: SimGuest): void {
  Object.assign(g, { status: 'running', qmpstatus: 'running', uptime: 1, cpu: 0.02, mem: Math.round(g.maxmem / 2) });
  if (g.lock === 'suspended') delete g.lock;
}

export function setStopped(g: SimGuest): void {
  Object.assign(g, { status: 'stopped', qmpstatus: 'stopped', uptime: 0, cpu: 0, mem: 0 });
}

function rootOnly(ctx: Ctx): void {
  if (ctx.auth.userid === 'root@pam' && !ctx.auth.tokenid) return;
  for (const k of ROOT_ONLY) if (ctx.params[k] !== undefined) throw paramError({ [k]: 'Only root may use this option.' });
}

const checkLock = (g: SimGuest, skiplock: boolean | undefined): void => {
  if (g.lock && !skiplock) throw new TaskError(`${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.lock})`);
};

const isPaused = (g: SimGuest): boolean =>
  g.status === 'running' && ['paused', 'prelaunch', 'suspended'].includes(g.qmpstatus);

/** the guest's shutdown: ACPI or agent; a guest that ignores it times out unless forceStop */
function shutdownWork(g: SimGuest, forceStop: boolean, timeoutText: string): TaskWork {
  return (log) => {
    if (g.status !== 'running') return; // already stopped: a no-op success
    checkLock(g, false);
    if (g.ignoresShutdown) {
      if (!forceStop) throw new TaskError(timeoutText);
      log(`${timeoutText.replace(/ - got timeout$/, '')} - terminating now with SIGTERM`);
    }
    setStopped(g);
  };
}

type Action = (ctx: Ctx, g: SimGuest) => { type: string; work: TaskWork };

const QEMU: Record<string, Action> = {
  start: ({ params }, g) => ({
    type: g.ha ? 'hastart' : 'qmstart',
    work: (log) => {
      if (g.ha) log(`Requesting HA start for VM ${g.vmid}`);
      if (g.template) throw new TaskError("you can't start a vm if it's a template");
      if (g.lock !== 'suspended') checkLock(g, bool(params, 'skiplock'));
      if (g.status === 'running') throw new TaskError(`VM ${g.vmid} already running`);
      setRunning(g);
    },
  }),
  stop: ({ params }, g) => ({
    type: g.ha ? 'hastop' : 'qmstop',
    work: () => {
      if (g.status !== 'running') return; // _do_vm_stop returns before the lock check
      checkLock(g, bool(params, 'skiplock'));
      setStopped(g);
    },
  }),
  shutdown: ({ params }, g) => {
    const forceStop = bool(params, 'forceStop') ?? false;
    if (isPaused(g) && !forceStop) throw fail('VM is paused - cannot shutdown');
    return { type: g.ha ? 'hastop' : 'qmshutdown', work: shutdownWork(g, forceStop, 'VM quit/powerdown failed - got timeout') };
  },
  reboot: (_ctx, g) => {
    if (g.status !== 'running') throw fail(`VM ${g.vmid} not running`);
    if (isPaused(g)) throw fail('VM is paused - cannot shutdown');
    return {
      type: 'qmreboot',
      work: () => {
        checkLock(g, false);
        if (g.ignoresShutdown) throw new TaskError('VM quit/powerdown failed - got timeout');
        setRunning(g);
      },
    };
  },
  suspend: ({ params }, g) => {
    const todisk = bool(params, 'todisk') ?? false;
    if (g.status !== 'running') throw fail(`VM ${g.vmid} not running`);
    if (todisk && g.ha) throw fail('Cannot suspend HA managed VM to disk');
    return {
      type: todisk ? 'qmsuspend' : 'qmpause',
      work: () => {
        checkLock(g, bool(params, 'skiplock'));
        if (todisk) {
          setStopped(g);
          g.lock = 'suspended';
        } else g.qmpstatus = 'paused';
      },
    };
  },
  resume: ({ params }, g) => {
    if (g.status !== 'running' && g.lock !== 'suspended') throw fail(`VM ${g.vmid} not running`);
    return {
      type: 'qmresume',
      work: () => {
        if (g.template) throw new TaskError(`VM ${g.vmid} is a template and cannot be resumed!`);
        if (g.lock === 'suspended') return setRunning(g); // restores the hibernated state
        checkLock(g, bool(params, 'skiplock'));
        g.qmpstatus = 'running'; // continue (paused) or wake-up (suspended); a running VM: no-op
      },
    };
  },
  reset: ({ params }, g) => {
    if (g.status !== 'running') throw fail(`VM ${g.vmid} not running`);
    return { type: 'qmreset', work: () => (checkLock(g, bool(params, 'skiplock')), void (g.qmpstatus = 'running')) };
  },
};

const LXC: Record<string, Action> = {
  start: ({ params }, g) => {
    if (g.status === 'running') throw fail(`CT ${g.vmid} already running`);
    return {
      type: g.ha ? 'hastart' : 'vzstart',
      work: (log) => {
        if (g.ha) log(`Requesting HA start for CT ${g.vmid}`);
        if (g.template) throw new TaskError("you can't start a CT if it's a template");
        checkLock(g, bool(params, 'skiplock'));
        setRunning(g);
      },
    };
  },
  stop: ({ params }, g) => {
    if (g.status !== 'running') throw fail(`CT ${g.vmid} not running`);
    return { type: g.ha ? 'hastop' : 'vzstop', work: () => (checkLock(g, bool(params, 'skiplock')), setStopped(g)) };
  },
  shutdown: ({ params }, g) => {
    if (g.status !== 'running') throw fail(`CT ${g.vmid} not running`);
    return { type: g.ha ? 'hastop' : 'vzshutdown', work: shutdownWork(g, bool(params, 'forceStop') ?? false, 'container did not stop') };
  },
  reboot: (_ctx, g) => {
    // sic: pve-container says "VM" here
    if (g.status !== 'running') throw fail(`VM ${g.vmid} not running`);
    return { type: 'vzreboot', work: () => (checkLock(g, false), setRunning(g)) };
  },
  suspend: (_ctx, g) => {
    if (g.status !== 'running') throw fail(`CT ${g.vmid} not running`);
    // CRIU checkpoint: the container's processes are dumped and it stops
    return { type: 'vzsuspend', work: () => (checkLock(g, false), setStopped(g)) };
  },
  resume: (_ctx, g) => {
    if (g.status === 'running') throw fail(`CT ${g.vmid} already running`);
    return { type: 'vzresume', work: () => (checkLock(g, false), setRunning(g)) };
  },
};

function guestAction(type: 'qemu' | 'lxc', action: Action) {
  return (ctx: Ctx): unknown => {
    const g = findGuest(ctx.sim, type, String(ctx.params.node), Number(ctx.params.vmid));
    rootOnly(ctx);
    const { type: taskType, work } = action(ctx, g);
    return ctx.sim.tasks.start(g.node, taskType, String(g.vmid), ctx.auth, work).upid;
  };
}

/** startall / stopall / suspendall: VM.PowerMgmt on '/', or on each guest listed in `vms` */
function bulk(kind: 'startall' | 'stopall' | 'suspendall') {
  return (ctx: Ctx): unknown => {
    const { sim, params, auth } = ctx;
    const node = findNode(sim, String(params.node)).name;
    const vms = str(params, 'vms')?.split(/[,;\s]+/).filter(Boolean).map(Number);
    if (vms) for (const id of vms) requirePrivs(sim, auth, `/vms/${id}`, ['VM.PowerMgmt']);
    else requirePrivs(sim, auth, '/', ['VM.PowerMgmt']);
    const guests = sim.state.guests.filter((g) => g.node === node && (!vms || vms.includes(g.vmid)));
    return sim.tasks.start(node, kind, '', auth, bulkWork(kind, guests, ctx)).upid;
  };
}

function bulkWork(kind: string, guests: SimGuest[], { params }: Ctx): TaskWork {
  const force = bool(params, 'force') ?? false;
  const forceStop = bool(params, 'force-stop') ?? true;
  return (log) => {
    for (const g of guests) {
      const label = `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`;
      if (kind === 'startall') {
        if (g.status === 'running' || g.template || (!force && !g.onboot)) continue;
        log(`Starting ${label}`);
        setRunning(g);
      } else if (kind === 'stopall') {
        if (g.status !== 'running') continue;
        log(`Stopping ${label} (shutdown)`);
        if (!g.ignoresShutdown || forceStop) setStopped(g);
      } else if (g.type === 'qemu' && g.status === 'running') {
        log(`Suspending ${label}`);
        setStopped(g);
        g.lock = 'suspended';
      }
    }
  };
}

export const actionRoutes: Routes = {
  'POST /nodes/{node}/startall': bulk('startall'),
  'POST /nodes/{node}/stopall': bulk('stopall'),
  'POST /nodes/{node}/suspendall': bulk('suspendall'),
};
for (const [name, action] of Object.entries(QEMU)) {
  actionRoutes[`POST /nodes/{node}/qemu/{vmid}/status/${name}`] = guestAction('qemu', action);
}
for (const [name, action] of Object.entries(LXC)) {
  actionRoutes[`POST /nodes/{node}/lxc/{vmid}/status/${name}`] = guestAction('lxc', action);
}
