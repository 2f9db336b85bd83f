import { b01, bool, fail, int, paramError, str, type Ctx, type Routes, type Sim } from './core.js';
import { digestOf, findNode } from './guests.js';
import { requirePrivs } from './server.js';
import type { SimGuest, SimStorage } from './state.js';
import { TaskError } from './tasks.js';

/** Storage (reference §9) and vzdump backups writing volumes into a storage's content (§7, §9.3). */

const visibleOn = (s: SimStorage, node: string): boolean => !s.nodes || s.nodes.includes(node);

function storageEntry(s: SimStorage): Record<string, unknown> {
  const active = s.enabled && s.active;
  return {
    type: s.type, content: s.content.join(','), shared: b01(s.shared), active: b01(active), enabled: b01(s.enabled),
    total: active ? s.total : 0, used: active ? s.used : 0, avail: active ? s.total - s.used : 0,
    ...(active && s.total > 0 ? { used_fraction: s.used / s.total } : {}),
  };
}

function findStorage(sim: Sim, node: string, id: string): SimStorage {
  const s = sim.state.storage.find((x) => x.storage === id && visibleOn(x, node));
  if (!s) throw fail(`storage '${id}' does not exist`);
  return s;
}

const canSee = (ctx: Ctx, s: SimStorage): boolean =>
  ['Datastore.Audit', 'Datastore.AllocateSpace'].some((p) => ctx.sim.access.has(ctx.auth.userid ?? '', ctx.auth.tokenid, `/storage/${s.storage}`, p));

function nodeStorage(ctx: Ctx): unknown {
  const { sim, params } = ctx;
  const node = findNode(sim, String(params.node)).name;
  const content = str(params, 'content');
  const only = str(params, 'storage');
  const enabled = bool(params, 'enabled');
  if (only && !sim.state.storage.some((s) => s.storage === only && visibleOn(s, node))) {
    throw paramError({ storage: 'No such storage.' });
  }
  return sim.state.storage
    .filter((s) => visibleOn(s, node) && canSee(ctx, s))
    .filter((s) => (!only || s.storage === only) && (!enabled || s.enabled))
    .filter((s) => !content || (s.enabled && s.content.includes(content)))
    .map((s) => ({ storage: s.storage, ...storageEntry(s) }));
}

function content(ctx: Ctx): unknown {
  const node = String(ctx.params.node);
  const s = findStorage(ctx.sim, node, String(ctx.params.storage));
  if (!s.enabled || !s.active) throw fail(`storage '${s.storage}' is not online`);
  const kind = str(ctx.params, 'content');
  const vmid = int(ctx.params, 'vmid');
  return s.volumes
    .filter((v) => s.shared || v.node === node)
    .filter((v) => (!kind || v.content === kind) && (vmid === undefined || v.vmid === vmid))
    .map((v) => ({
      volid: v.volid, format: v.format, size: v.size, ctime: v.ctime, content: v.content,
      ...(v.vmid !== undefined ? { vmid: v.vmid } : {}), ...(v.subtype ? { subtype: v.subtype } : {}),
      ...(v.notes !== undefined ? { notes: v.notes } : {}), ...(v.protected ? { protected: 1 } : {}),
    }));
}

const EXT: Record<string, string> = { '0': '', '1': '.lzo', gzip: '.gz', lzo: '.lzo', zstd: '.zst' };

/**
 * POST /nodes/{node}/vzdump. Returns a UPID whose id is the vmid only for exactly one local guest; the plain string
 * "OK" when nothing listed is on this node or `node` names another node. Each backup writes a volume.
 */
function vzdump(ctx: Ctx): unknown {
  const { sim, params, auth } = ctx;
  const node = findNode(sim, String(params.node)).name;
  if (params.stdout !== undefined) throw paramError({ stdout: 'option is only allowed on the command line interface.' });
  const all = bool(params, 'all') ?? false;
  const ids = str(params, 'vmid')?.split(/[,;\s]+/).filter(Boolean).map(Number);
  for (const k of ['all', 'exclude', 'pool']) {
    if (ids && params[k] !== undefined) throw paramError({ [k]: "option conflicts with option 'vmid'" });
  }
  if (!ids && !all && params.exclude === undefined && params.pool === undefined && !bool(params, 'stop')) {
    throw paramError({ vmid: 'property is missing' });
  }
  const storageId = str(params, 'storage') ?? 'local';
  const store = findStorage(sim, node, storageId);
  if (!store.content.includes('backup')) throw fail(`can't use storage '${storageId}' for backups - wrong content type`);
  requirePrivs(sim, auth, `/storage/${storageId}`, ['Datastore.AllocateSpace']);
  const excluded = str(params, 'exclude')?.split(/[,;\s]+/).map(Number) ?? [];
  const guests = sim.state.guests.filter(
    (g) => g.node === node && (ids ? ids.includes(g.vmid) : !excluded.includes(g.vmid)),
  );
  for (const g of guests) requirePrivs(sim, auth, `/vms/${g.vmid}`, ['VM.Backup']);
  if ((params.node !== undefined && str(params, 'node') !== node) || guests.length === 0) return 'OK';
  const id = guests.length === 1 ? String(guests[0].vmid) : '';
  const compress = str(params, 'compress') ?? '0';
  const mode = str(params, 'mode') ?? 'snapshot';
  return sim.tasks.start(node, 'vzdump', id, auth, (log) => {
    log(`INFO: starting new backup job: vzdump ${guests.map((g) => g.vmid).join(' ')} --storage ${storageId} --mode ${mode} --compress ${compress}`);
    let errors = 0;
    for (const g of guests) {
      if (!backupOne(sim, g, store, node, compress, log, str(params, 'notes-template'))) errors++;
    }
    if (errors > 0) throw new TaskError('job errors');
    log('INFO: Backup job finished successfully');
  }).upid;
}

function backupOne(sim: Sim, g: SimGuest, store: SimStorage, node: string, compress: string, log: (l: string) => void, notes?: string): boolean {
  log(`INFO: Starting Backup of VM ${g.vmid} (${g.type})`);
  const problem = !store.active ? `storage '${store.storage}' is not online` : g.lock ? `${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.lock})` : null;
  if (problem) {
    log(`ERROR: Backup of VM ${g.vmid} failed - ${problem}`);
    return false;
  }
  const now = sim.clock.now();
  const stamp = new Date(now * 1000).toISOString().replace(/T/, '-').replace(/:/g, '_').replace(/\..*$/, '').replace(/-(\d\d)-(\d\d)-/, '_$1_$2-');
  const format = `${g.type === 'qemu' ? 'vma' : 'tar'}${EXT[compress] ?? ''}`;
  const size = Math.max(1, Math.round((g.maxdisk || 4 * 1024 ** 3) / 10));
  store.volumes.push({
    volid: `${store.storage}:backup/vzdump-${g.type}-${g.vmid}-${stamp}.${format}`,
    format, size, ctime: now, vmid: g.vmid, content: 'backup', subtype: g.type, node,
    ...(notes ? { notes: notes.replace(/\{\{guestname\}\}/g, g.name).replace(/\{\{vmid\}\}/g, String(g.vmid)).replace(/\{\{node\}\}/g, node).replace(/\{\{cluster\}\}/g, sim.state.clusterName ?? '') } : {}),
  });
  store.used += size;
  log(`INFO: Finished Backup of VM ${g.vmid} (00:00:01)`);
  return true;
}

function storageConfig(ctx: Ctx): unknown {
  const type = str(ctx.params, 'type');
  const digest = digestOf(ctx.sim.state.storage.map((s) => s.storage).join(','));
  return ctx.sim.state.storage
    .filter((s) => (!type || s.type === type) && canSee(ctx, s))
    .map((s) => ({
      storage: s.storage, type: s.type, content: s.content.join(',') || 'none', digest,
      ...(s.path ? { path: s.path } : {}), ...(s.type === 'dir' || s.type === 'nfs' ? { shared: b01(s.shared) } : {}),
      ...(s.nodes ? { nodes: s.nodes.join(',') } : {}), ...(!s.enabled ? { disable: 1 } : {}),
      ...(s.type === 'lvmthin' ? { vgname: 'pve', thinpool: 'data' } : {}),
    }));
}

export const storageRoutes: Routes = {
  'GET /storage': storageConfig,
  'GET /nodes/{node}/storage': nodeStorage,
  'GET /nodes/{node}/storage/{storage}': (ctx) => (findStorage(ctx.sim, String(ctx.params.node), String(ctx.params.storage)), [{ subdir: 'status' }, { subdir: 'content' }, { subdir: 'upload' }, { subdir: 'rrd' }, { subdir: 'rrddata' }]),
  'GET /nodes/{node}/storage/{storage}/status': (ctx) => storageEntry(findStorage(ctx.sim, String(ctx.params.node), String(ctx.params.storage))),
  'GET /nodes/{node}/storage/{storage}/content': content,
  'POST /nodes/{node}/vzdump': vzdump,
};
