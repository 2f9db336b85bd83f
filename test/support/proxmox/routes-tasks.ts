import { bool, int, major, paramError, str, type Ctx, type Routes } from './core.js';
import { findGuest, findNode } from './guests.js';
import { requirePrivs } from './server.js';
import type { GuestType } from './state.js';
import { taskStatus, UPID_RE, type SimTask } from './tasks.js';

/** Task status, log and list (reference §8.2–8.4), and RRD history (§10). */

function taskOf(ctx: Ctx): SimTask {
  const upid = String(ctx.params.upid);
  if (!UPID_RE.test(upid)) throw paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.sim.tasks.find(upid);
  if (!task || task.node !== ctx.params.node) throw paramError({ upid: 'no such task' });
  // the owner may always look; others need Sys.Audit on the node
  const me = ctx.auth.tokenid ?? ctx.auth.userid;
  if (task.user !== me) requirePrivs(ctx.sim, ctx.auth, `/nodes/${task.node}`, ['Sys.Audit']);
  return task;
}

function taskLog(ctx: Ctx): unknown {
  const task = taskOf(ctx);
  const lines = task.log.length > 0 ? task.log : ['no content'];
  const start = int(ctx.params, 'start') ?? 0;
  const limit = int(ctx.params, 'limit') ?? 50;
  ctx.setTotal(lines.length);
  const slice = bool(ctx.params, 'download') ? lines : lines.slice(start, limit === 0 ? undefined : start + limit);
  return slice.map((t, i) => ({ n: start + i + 1, t }));
}

function taskList(ctx: Ctx): unknown {
  const { sim, params, auth } = ctx;
  const node = String(params.node);
  const source = str(params, 'source') ?? 'archive';
  const all = sim.access.has(auth.userid ?? '', auth.tokenid, `/nodes/${node}`, 'Sys.Audit');
  const me = auth.tokenid ?? auth.userid;
  const vmid = str(params, 'vmid');
  const rows = [...sim.tasks.tasks]
    .reverse()
    .filter((t) => t.node === node && (all || t.user === me))
    .filter((t) => (source === 'all' ? true : source === 'active' ? t.status === 'running' : t.status === 'stopped'))
    .filter((t) => (!vmid || t.id === vmid) && (!params.typefilter || t.type === params.typefilter))
    .filter((t) => !params.userfilter || t.user.includes(String(params.userfilter)))
    .filter((t) => !bool(params, 'errors') || (t.status === 'stopped' && t.exitstatus !== 'OK'));
  ctx.setTotal(rows.length);
  const start = int(params, 'start') ?? 0;
  const limit = int(params, 'limit') ?? 50;
  return rows.slice(start, start + limit).map((t) => {
    const [user, tokenid] = t.user.split('!');
    return {
      upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user,
      ...(tokenid ? { tokenid } : {}),
      ...(t.status === 'stopped' ? { endtime: t.endtime, status: t.exitstatus } : { status: 'RUNNING' }),
    };
  });
}

const NODE_FIELDS = ['loadavg', 'maxcpu', 'cpu', 'iowait', 'memtotal', 'memused', 'swaptotal', 'swapused', 'roottotal', 'rootused', 'netin', 'netout', 'memavailable', 'arcsize', 'pressurecpusome', 'pressureiosome', 'pressureiofull', 'pressurememorysome', 'pressurememoryfull'];
const GUEST_FIELDS = ['maxcpu', 'cpu', 'maxmem', 'mem', 'maxdisk', 'disk', 'netin', 'netout', 'diskread', 'diskwrite', 'memhost', 'pressurecpusome', 'pressurecpufull', 'pressureiosome', 'pressureiofull', 'pressurememorysome', 'pressurememoryfull'];

/** [points, step seconds] per timeframe: PVE 9's new RRD layout, PVE 8's 70 points */
const FRAMES: Record<number, Record<string, [number, number]>> = {
  9: { hour: [60, 60], day: [1440, 60], week: [336, 1800], month: [1440, 1800], year: [1440, 21600], decade: [570, 604800] },
  8: { hour: [70, 60], day: [70, 1800], week: [70, 10800], month: [70, 43200], year: [70, 604800] },
};

/**
 * Oldest first; fields without a value are left out (the newest bucket has only `time`; a stopped guest no
 * usage fields). Values are floats; rates in bytes/s.
 */
function rrd(ctx: Ctx, fields: string[], value: (f: string, i: number) => number | undefined): unknown {
  const v = major(ctx.sim.config) >= 9 ? 9 : 8;
  const timeframe = String(ctx.params.timeframe);
  const frame = FRAMES[v][timeframe];
  if (!frame) throw paramError({ timeframe: `value '${timeframe}' does not have a value in the enumeration '${Object.keys(FRAMES[v]).join(', ')}'` });
  const [count, step] = frame;
  const used = v === 9 ? fields : fields.slice(0, fields === NODE_FIELDS ? 12 : 10);
  const peak = ctx.params.cf === 'MAX' ? 1.25 : 1;
  const last = Math.floor(ctx.sim.clock.now() / step) * step;
  return Array.from({ length: count }, (_, i) => {
    const point: Record<string, number> = { time: last - (count - 1 - i) * step };
    if (i === count - 1) return point;
    for (const f of used) {
      const x = value(f, i);
      if (x !== undefined) point[f] = x * (f.startsWith('max') || f.endsWith('total') ? 1 : peak);
    }
    return point;
  });
}

const wave = (i: number): number => 0.5 + 0.5 * Math.sin(i / 7);

function nodeRrd(ctx: Ctx): unknown {
  const n = findNode(ctx.sim, String(ctx.params.node));
  const values: Record<string, number> = {
    loadavg: Number(n.loadavg[0]), maxcpu: n.maxcpu, cpu: n.cpu, iowait: 0.0009, memtotal: n.maxmem, memused: n.mem,
    swaptotal: n.swapTotal, swapused: n.swapUsed, roottotal: n.rootTotal, rootused: n.rootUsed, netin: 10503.2, netout: 8321.7,
    memavailable: n.maxmem - n.mem, arcsize: 0,
  };
  return rrd(ctx, NODE_FIELDS, (f, i) => (f in values ? values[f] * (f.startsWith('max') || f.endsWith('total') ? 1 : 0.8 + 0.4 * wave(i)) : 0.01));
}

function guestRrd(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const g = findGuest(ctx.sim, type, String(ctx.params.node), Number(ctx.params.vmid));
    const running = g.status === 'running';
    const values: Record<string, number> = {
      maxcpu: g.cpus, cpu: g.cpu, maxmem: g.maxmem, mem: g.mem, maxdisk: g.maxdisk, disk: g.disk, netin: 2048.5,
      netout: 1024.25, diskread: 4096, diskwrite: 8192, memhost: g.mem * 1.03,
    };
    const always = new Set(['maxcpu', 'maxmem', 'maxdisk', 'disk']);
    return rrd(ctx, GUEST_FIELDS, (f, i) => {
      if (!running && !always.has(f)) return undefined;
      return f in values ? values[f] * (always.has(f) ? 1 : 0.8 + 0.4 * wave(i)) : 0.01;
    });
  };
}

export const taskRoutes: Routes = {
  'GET /nodes/{node}/tasks': taskList,
  'GET /nodes/{node}/tasks/{upid}': (ctx) => (taskOf(ctx), [{ name: 'log' }, { name: 'status' }]),
  'GET /nodes/{node}/tasks/{upid}/status': (ctx) => taskStatus(taskOf(ctx)),
  'GET /nodes/{node}/tasks/{upid}/log': taskLog,
  'DELETE /nodes/{node}/tasks/{upid}': (ctx) => (ctx.sim.tasks.stop(taskOf(ctx)), null),
  'GET /nodes/{node}/rrddata': nodeRrd,
  'GET /nodes/{node}/qemu/{vmid}/rrddata': guestRrd('qemu'),
  'GET /nodes/{node}/lxc/{vmid}/rrddata': guestRrd('lxc'),
  'GET /nodes/{node}/storage/{storage}/rrddata': (ctx) => {
    const s = ctx.sim.state.storage.find((x) => x.storage === ctx.params.storage);
    return rrd(ctx, ['total', 'used'], (f) => (s ? (f === 'total' ? s.total : s.used) : undefined));
  },
};
