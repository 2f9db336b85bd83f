import { b01, bool, fail, str, unsorted, type Ctx, type Routes } from './core.js';
import { digestOf, findGuest, guestConfig, kindWord } from './guests.js';
import { setRunning, setStopped } from './actions.js';
import { requirePrivs } from './server.js';
import type { GuestType, SimGuest } from './state.js';
import { TaskError } from './tasks.js';

/**
 * Snapshots of QEMU and LXC guests (reference §6; qemu-server API2/Qemu.pm, pve-container API2/LXC/Snapshot.pm,
 * pve-guest-common AbstractConfig.pm). The name's format and length are schema checks (400); reserved names are a
 * sync 500; duplicates, templates and locks fail inside the task.
 */

const guestOf = (ctx: Ctx, type: GuestType): SimGuest =>
  findGuest(ctx.sim, type, String(ctx.params.node), Number(ctx.params.vmid));

function reserved(type: GuestType, name: string): boolean {
  if (name === 'current') return true;
  return type === 'qemu' ? name.toLowerCase() === 'pending' : name === 'vzdump';
}

function list(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const g = guestOf(ctx, type);
    const snaps = unsorted(g.snapshots, (s) => s.snaptime + s.name.length).map((s) => ({
      name: s.name,
      description: s.description,
      snaptime: s.snaptime,
      ...(type === 'qemu' ? { vmstate: b01(s.vmstate) } : {}),
      ...(s.parent ? { parent: s.parent } : {}),
    }));
    const current = {
      name: 'current',
      description: 'You are here!',
      digest: digestOf(`${g.vmid}:${g.parent ?? ''}`),
      running: b01(g.status === 'running'),
      ...(g.parent ? { parent: g.parent } : {}),
    };
    return [...snaps, current];
  };
}

function create(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const g = guestOf(ctx, type);
    const name = String(ctx.params.snapname);
    if (reserved(type, name)) throw fail(`unable to use snapshot name '${name}' (reserved name)`);
    const vmstate = (bool(ctx.params, 'vmstate') ?? false) && g.status === 'running';
    const work = (log: (l: string) => void): void => {
      if (g.snapshots.some((s) => s.name === name)) throw new TaskError(`snapshot name '${name}' already used`);
      if (g.template) throw new TaskError("you can't take a snapshot if it's a template");
      if (g.lock) throw new TaskError(`${kindWord(g)} is locked (${g.lock})`);
      if (vmstate) log('saving VM state and RAM using storage \'local-lvm\'');
      g.snapshots.push({
        name, description: str(ctx.params, 'description') ?? '', snaptime: ctx.sim.clock.now(), vmstate, parent: g.parent,
      });
      g.parent = name;
    };
    return ctx.sim.tasks.start(g.node, type === 'qemu' ? 'qmsnapshot' : 'vzsnapshot', String(g.vmid), ctx.auth, work).upid;
  };
}

function remove(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const g = guestOf(ctx, type);
    const name = String(ctx.params.snapname);
    const work = (): void => {
      const snap = g.snapshots.find((s) => s.name === name);
      if (!snap) throw new TaskError(`snapshot '${name}' does not exist`);
      if (g.lock && !bool(ctx.params, 'force')) throw new TaskError(`${kindWord(g)} is locked (${g.lock})`);
      for (const s of g.snapshots) if (s.parent === name) s.parent = snap.parent;
      if (g.parent === name) g.parent = snap.parent;
      g.snapshots = g.snapshots.filter((s) => s !== snap);
    };
    return ctx.sim.tasks.start(g.node, type === 'qemu' ? 'qmdelsnapshot' : 'vzdelsnapshot', String(g.vmid), ctx.auth, work).upid;
  };
}

/** rollback stops a running guest; a QEMU snapshot with RAM leaves it running, `start=1` starts it afterwards */
function rollback(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const g = guestOf(ctx, type);
    const name = String(ctx.params.snapname);
    const start = bool(ctx.params, 'start') ?? false;
    if (start) requirePrivs(ctx.sim, ctx.auth, `/vms/${g.vmid}`, ['VM.PowerMgmt']);
    const work = (): void => {
      const snap = g.snapshots.find((s) => s.name === name);
      if (!snap) throw new TaskError(`snapshot '${name}' does not exist`);
      if (g.lock) throw new TaskError(`${kindWord(g)} is locked (${g.lock})`);
      setStopped(g);
      g.parent = name;
      if ((type === 'qemu' && snap.vmstate) || start) setRunning(g);
    };
    return ctx.sim.tasks.start(g.node, type === 'qemu' ? 'qmrollback' : 'vzrollback', String(g.vmid), ctx.auth, work).upid;
  };
}

function snapOf(ctx: Ctx, type: GuestType): { g: SimGuest; name: string } {
  const g = guestOf(ctx, type);
  const name = String(ctx.params.snapname);
  if (!g.snapshots.some((s) => s.name === name)) throw fail(`snapshot '${name}' does not exist`);
  return { g, name };
}

export const snapshotRoutes: Routes = {};
for (const type of ['qemu', 'lxc'] as const) {
  const base = `/nodes/{node}/${type}/{vmid}/snapshot`;
  Object.assign(snapshotRoutes, {
    [`GET ${base}`]: list(type),
    [`POST ${base}`]: create(type),
    [`DELETE ${base}/{snapname}`]: remove(type),
    [`GET ${base}/{snapname}`]: (ctx: Ctx) => (snapOf(ctx, type), [{ rel: 'rollback' }, { rel: 'config' }]),
    [`POST ${base}/{snapname}/rollback`]: rollback(type),
    [`GET ${base}/{snapname}/config`]: (ctx: Ctx) => {
      const { g, name } = snapOf(ctx, type);
      const snap = g.snapshots.find((s) => s.name === name)!;
      return { ...guestConfig(g), snaptime: snap.snaptime, description: snap.description, ...(snap.parent ? { parent: snap.parent } : {}) };
    },
    [`PUT ${base}/{snapname}/config`]: (ctx: Ctx) => {
      const { g, name } = snapOf(ctx, type);
      g.snapshots.find((s) => s.name === name)!.description = str(ctx.params, 'description') ?? '';
      return null;
    },
  });
}
