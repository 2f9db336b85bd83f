import { bool, fail, unsorted, type Ctx, type Routes } from './core.js';
import { findGuest, guestConfig, lxcEntry, qemuListEntry, qemuStatusCurrent } from './guests.js';
import type { GuestType, SimGuest } from './state.js';

/** Guest lists, status, config, LXC interfaces and the QEMU guest agent (reference §4.1–4.6, §5.1, §5.3–5.4). */

const guestOf = (ctx: Ctx, type: GuestType): SimGuest =>
  findGuest(ctx.sim, type, String(ctx.params.node), Number(ctx.params.vmid));

/** lists show only guests with VM.Audit, in no particular order */
function list(type: GuestType) {
  return (ctx: Ctx): unknown => {
    const { sim, params, auth } = ctx;
    const visible = sim.state.guests.filter(
      (g) => g.type === type && g.node === params.node && sim.access.has(auth.userid ?? '', auth.tokenid, `/vms/${g.vmid}`, 'VM.Audit'),
    );
    const full = bool(params, 'full') ?? false;
    return unsorted(visible, (g) => g.vmid).map((g) => (type === 'qemu' ? qemuListEntry(sim, g, full) : lxcEntry(sim, g)));
  };
}

/**
 * The guest agent (§4.5): its errors in PVE's order — not configured, VM not running, agent not answering — then
 * the qemu-ga result passed through as {result}.
 */
function agent(command: string) {
  return (ctx: Ctx): unknown => {
    const g = guestOf(ctx, 'qemu');
    if (!g.agent.configured) throw fail('No QEMU guest agent configured');
    if (g.status !== 'running') throw fail(`VM ${g.vmid} is not running`);
    if (!g.agent.running || g.qmpstatus !== 'running') throw fail('QEMU guest agent is not running');
    return { result: agentResult(g, command) };
  };
}

function agentResult(g: SimGuest, command: string): unknown {
  switch (command) {
    case 'network-get-interfaces':
      return g.agent.interfaces;
    case 'get-host-name':
      return { 'host-name': g.name };
    case 'get-osinfo':
      return { id: 'debian', name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', 'kernel-release': '6.1.0-25-amd64', machine: 'x86_64', version: '12 (bookworm)', 'version-id': '12' };
    case 'info':
      return { version: '7.2.11', supported_commands: [{ name: 'guest-ping', enabled: true, 'success-response': true }] };
    default:
      return {};
  }
}

/** LXC addresses use inet/inet6, and `inet`/`inet6` keep only the last address of each family; stopped: null */
function lxcInterfaces(ctx: Ctx): unknown {
  const g = guestOf(ctx, 'lxc');
  if (g.status !== 'running') return null;
  return g.agent.interfaces.map((i) => {
    const addrs = (i['ip-addresses'] ?? []).map((a) => ({
      'ip-address': a['ip-address'],
      'ip-address-type': a['ip-address-type'] === 'ipv4' ? 'inet' : 'inet6',
      prefix: a.prefix,
    }));
    const last = (fam: string): string | undefined => {
      const a = addrs.filter((x) => x['ip-address-type'] === fam).pop();
      return a && `${a['ip-address']}/${a.prefix}`;
    };
    const inet = last('inet');
    const inet6 = last('inet6');
    return {
      name: i.name,
      'hardware-address': i['hardware-address'],
      hwaddr: i['hardware-address'],
      ...(inet ? { inet } : {}),
      ...(inet6 ? { inet6 } : {}),
      'ip-addresses': addrs,
    };
  });
}

const dirs = (...names: string[]): { subdir: string }[] => names.map((subdir) => ({ subdir }));

export const guestRoutes: Routes = {
  'GET /nodes/{node}/qemu': list('qemu'),
  'GET /nodes/{node}/lxc': list('lxc'),
  'GET /nodes/{node}/qemu/{vmid}': (ctx) => (guestOf(ctx, 'qemu'), dirs('config', 'pending', 'status', 'unlink', 'vncproxy', 'termproxy', 'migrate', 'resize', 'move', 'rrd', 'rrddata', 'monitor', 'agent', 'snapshot', 'spiceproxy', 'sendkey', 'firewall', 'mtunnel', 'remote_migrate')),
  'GET /nodes/{node}/lxc/{vmid}': (ctx) => (guestOf(ctx, 'lxc'), dirs('config', 'status', 'vncproxy', 'termproxy', 'vncwebsocket', 'spiceproxy', 'migrate', 'clone', 'rrd', 'rrddata', 'firewall', 'snapshot', 'resize', 'interfaces')),
  'GET /nodes/{node}/qemu/{vmid}/status': (ctx) => (guestOf(ctx, 'qemu'), dirs('current', 'start', 'stop', 'reset', 'shutdown', 'suspend', 'reboot')),
  'GET /nodes/{node}/lxc/{vmid}/status': (ctx) => (guestOf(ctx, 'lxc'), dirs('current', 'start', 'stop', 'shutdown', 'migrate')),
  'GET /nodes/{node}/qemu/{vmid}/status/current': (ctx) => qemuStatusCurrent(ctx.sim, guestOf(ctx, 'qemu')),
  'GET /nodes/{node}/lxc/{vmid}/status/current': (ctx) => {
    const g = guestOf(ctx, 'lxc');
    return { ...lxcEntry(ctx.sim, g), ha: g.ha ? { managed: 1, state: 'started' } : { managed: 0 } };
  },
  'GET /nodes/{node}/qemu/{vmid}/config': (ctx) => guestConfig(guestOf(ctx, 'qemu')),
  'GET /nodes/{node}/lxc/{vmid}/config': (ctx) => guestConfig(guestOf(ctx, 'lxc')),
  'GET /nodes/{node}/lxc/{vmid}/interfaces': lxcInterfaces,
  'GET /nodes/{node}/qemu/{vmid}/agent': (ctx) => (guestOf(ctx, 'qemu'), ['get-host-name', 'get-osinfo', 'info', 'network-get-interfaces', 'ping'].map((name) => ({ name }))),
  'POST /nodes/{node}/qemu/{vmid}/agent': (ctx) => agent(String(ctx.params.command))(ctx),
  'POST /nodes/{node}/qemu/{vmid}/agent/ping': agent('ping'),
  'GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': agent('network-get-interfaces'),
  'GET /nodes/{node}/qemu/{vmid}/agent/get-host-name': agent('get-host-name'),
  'GET /nodes/{node}/qemu/{vmid}/agent/get-osinfo': agent('get-osinfo'),
  'GET /nodes/{node}/qemu/{vmid}/agent/info': agent('info'),
};
