import { b01, major, PveError, str, type AuthInfo, type Ctx, type Routes, type Sim } from './core.js';
import { findNode } from './guests.js';
import { requirePrivs } from './server.js';
import type { SimGuest, SimNode } from './state.js';

/** Login, version, cluster status and resources, node list and node status (reference §1.1, §2, §3.1–3.3). */

const can = (sim: Sim, auth: AuthInfo, path: string, priv: string): boolean =>
  sim.access.has(auth.userid ?? '', auth.tokenid, path, priv);

function login({ sim, params }: Ctx): unknown {
  // PVE appends the realm whenever it is given, even to a name that already has one (AccessControl.pm)
  const realm = str(params, 'realm');
  const username = realm ? `${str(params, 'username')}@${realm}` : String(params.username);
  const password = String(params.password);
  const user = sim.access.users.get(username);
  const realmOk = sim.access.realms.has(username.split('@').pop() ?? '');
  const ok = !!user && user.enabled !== false && realmOk &&
    (user.password === password || (password.startsWith('PVE:') && sim.access.verifyTicket(password) === username));
  if (!ok) {
    sim.counters.loginFailures++;
    throw new PveError(401, 'authentication failure');
  }
  sim.counters.logins++;
  const auth: AuthInfo = { userid: username, kind: 'ticket' };
  if (params.path !== undefined && params.privs !== undefined) {
    requirePrivs(sim, auth, String(params.path), String(params.privs).split(/[,;\s]+/));
    return { username };
  }
  const clustered = sim.state.clusterName !== null && can(sim, auth, '/', 'Sys.Audit');
  return {
    username,
    ticket: sim.access.makeTicket(username),
    CSRFPreventionToken: sim.access.makeCsrf(username),
    ...(clustered ? { clustername: sim.state.clusterName } : {}),
    cap: sim.access.capabilities(username),
  };
}

function clusterStatus({ sim }: Ctx): unknown {
  const { state, config } = sim;
  if (state.clusterName === null) {
    const n = state.nodes[0];
    return [{ type: 'node', id: `node/${n.name}`, name: n.name, nodeid: 0, local: 1, online: 1, ip: n.ip, level: n.level }];
  }
  return [
    { type: 'cluster', id: 'cluster', name: state.clusterName, nodes: state.nodes.length, version: state.configVersion, quorate: b01(state.quorate) },
    ...state.nodes.map((n) => ({
      type: 'node', id: `node/${n.name}`, name: n.name, nodeid: n.nodeid, local: b01(n.name === config.localNode),
      online: b01(n.online), ip: n.ip, level: n.level,
    })),
  ];
}

function nodeStats(n: SimNode): Record<string, number> {
  return { uptime: n.uptime, cpu: n.cpu, maxcpu: n.maxcpu, mem: n.mem, maxmem: n.maxmem, disk: n.rootUsed, maxdisk: n.rootTotal };
}

function nodeResource(sim: Sim, auth: AuthInfo, n: SimNode): Record<string, unknown> {
  // without Sys.Audit on the node the stats are dropped (PVE/API2Tools.pm), not refused
  const stats = n.online && can(sim, auth, `/nodes/${n.name}`, 'Sys.Audit') ? nodeStats(n) : {};
  return { id: `node/${n.name}`, type: 'node', node: n.name, status: n.online ? 'online' : 'offline', ...stats, level: n.level, 'cgroup-mode': 2 };
}

function guestResource(sim: Sim, g: SimGuest): Record<string, unknown> {
  const online = sim.state.nodes.find((n) => n.name === g.node)?.online ?? false;
  const running = g.status === 'running';
  // QEMU reports its qmpstatus as `status` here: a paused VM is "paused", not "running"
  const status = !online ? 'unknown' : g.type === 'qemu' && running ? g.qmpstatus : g.status;
  return {
    id: `${g.type}/${g.vmid}`, type: g.type, vmid: g.vmid, node: g.node, name: g.name, status,
    uptime: running ? g.uptime : 0, template: b01(g.template), maxcpu: g.cpus, cpu: running ? g.cpu : 0,
    maxmem: g.maxmem, mem: running ? g.mem : 0,
    ...(g.type === 'qemu' && major(sim.config) >= 9 ? { memhost: running ? Math.round(g.mem * 1.03) : 0 } : {}),
    maxdisk: g.maxdisk, disk: g.type === 'lxc' && running ? g.disk : 0,
    netin: running ? g.netin : 0, netout: running ? g.netout : 0,
    diskread: running ? g.diskread : 0, diskwrite: running ? g.diskwrite : 0,
    ...(g.tags ? { tags: g.tags } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
    ...(g.ha ? { hastate: running ? 'started' : 'stopped' } : {}),
  };
}

function clusterResources({ sim, params, auth }: Ctx): unknown {
  const type = str(params, 'type');
  const out: unknown[] = [];
  if (!type || type === 'node') out.push(...sim.state.nodes.map((n) => nodeResource(sim, auth, n)));
  if (!type || type === 'vm') {
    for (const g of sim.state.guests) if (can(sim, auth, `/vms/${g.vmid}`, 'VM.Audit')) out.push(guestResource(sim, g));
  }
  if (!type || type === 'storage') {
    for (const s of sim.state.storage) {
      if (!s.enabled || !can(sim, auth, `/storage/${s.storage}`, 'Datastore.Audit')) continue;
      for (const n of sim.state.nodes) {
        if (s.nodes && !s.nodes.includes(n.name)) continue;
        const available = s.active && n.online;
        out.push({
          id: `storage/${n.name}/${s.storage}`, type: 'storage', storage: s.storage, node: n.name, plugintype: s.type,
          status: available ? 'available' : 'unknown', shared: b01(s.shared), content: s.content.join(','),
          ...(available ? { disk: s.used, maxdisk: s.total } : {}),
        });
      }
    }
  }
  return out;
}

function clusterTasks({ sim, auth }: Ctx): unknown {
  const all = can(sim, auth, '/', 'Sys.Audit');
  const me = auth.tokenid ?? auth.userid;
  return [...sim.tasks.tasks]
    .reverse()
    .filter((t) => all || t.user === me)
    .map((t) => {
      const [user, tokenid] = t.user.split('!');
      return {
        upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user,
        ...(tokenid ? { tokenid } : {}), saved: t.status === 'stopped' ? '1' : '0',
        ...(t.status === 'stopped' ? { endtime: t.endtime, status: t.exitstatus } : {}),
      };
    });
}

function nodesList({ sim, auth }: Ctx): unknown {
  return sim.state.nodes.map((n) => ({
    node: n.name, status: n.online ? 'online' : 'offline', id: `node/${n.name}`, type: 'node', level: n.level,
    ssl_fingerprint: n.name === sim.config.localNode ? sim.fingerprint() : (n.fingerprint ?? fakeFingerprint(n.nodeid)),
    ...(n.online && can(sim, auth, `/nodes/${n.name}`, 'Sys.Audit') ? nodeStats(n) : {}),
  }));
}

const fakeFingerprint = (seed: number): string =>
  Array.from({ length: 32 }, (_, i) => ((seed * 37 + i * 11) & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':');

function nodeStatus({ sim, params }: Ctx): unknown {
  const n = findNode(sim, String(params.node));
  const v9 = major(sim.config) >= 9;
  const kver = `#1 SMP PREEMPT_DYNAMIC PMX ${n.kernelRelease.replace(/-pve$/, '')} (2025-09-12T11:02Z)`;
  return {
    uptime: n.uptime, idle: 0, cpu: n.cpu, wait: 0.0054, loadavg: n.loadavg,
    cpuinfo: { model: n.cpuModel, cpus: n.maxcpu, sockets: 1, cores: Math.max(1, n.maxcpu / 2), mhz: '2895.985', hvm: '1', user_hz: 100, flags: 'fpu vme de pse tsc msr pae mce' },
    memory: { total: n.maxmem, used: n.mem, free: n.maxmem - n.mem, ...(v9 ? { available: n.maxmem - n.mem } : {}) },
    swap: { total: n.swapTotal, used: n.swapUsed, free: n.swapTotal - n.swapUsed },
    ksm: { shared: 0 },
    rootfs: { total: n.rootTotal, used: n.rootUsed, avail: n.rootTotal - n.rootUsed, free: n.rootTotal - n.rootUsed },
    kversion: `Linux ${n.kernelRelease} ${kver}`,
    'current-kernel': { sysname: 'Linux', release: n.kernelRelease, version: kver, machine: 'x86_64' },
    'boot-info': { mode: 'efi', ...(v9 ? { secureboot: 0 } : {}) },
    pveversion: `pve-manager/${sim.config.version}/${sim.config.repoid}`,
  };
}

/** POST /nodes/{node}/status: {"data":null} at once, no task; the host goes down about 2 s later */
function nodePower({ sim, params }: Ctx): unknown {
  const n = findNode(sim, String(params.node));
  const command = String(params.command);
  setTimeout(() => {
    for (const g of sim.state.guests.filter((x) => x.node === n.name)) {
      Object.assign(g, { status: 'stopped', qmpstatus: 'stopped', uptime: 0 });
      if (command === 'reboot' && g.onboot) Object.assign(g, { status: 'running', qmpstatus: 'running' });
    }
    if (command === 'shutdown') n.online = false;
    else n.uptime = 0;
  }, sim.config.taskDelayMs);
  return null;
}

const NODE_DIRS = ['apt', 'capabilities', 'ceph', 'disks', 'dns', 'firewall', 'hosts', 'lxc', 'netstat', 'network', 'qemu', 'rrd', 'rrddata', 'scan', 'services', 'startall', 'status', 'stopall', 'storage', 'subscription', 'suspendall', 'syslog', 'tasks', 'time', 'version', 'vzdump'];

export const clusterRoutes: Routes = {
  'GET /access/ticket': () => null,
  'POST /access/ticket': login,
  'GET /access/domains': ({ sim }) =>
    [...sim.access.realms].map(([realm, type]) => ({
      realm, type, comment: type === 'pam' ? 'Linux PAM standard authentication' : 'Proxmox VE authentication server',
    })),
  'GET /version': ({ sim }) => ({
    version: sim.config.version, release: sim.config.version.split('.').slice(0, 2).join('.'), repoid: sim.config.repoid,
  }),
  'GET /cluster/status': clusterStatus,
  'GET /cluster/resources': clusterResources,
  'GET /cluster/tasks': clusterTasks,
  'GET /nodes': nodesList,
  'GET /nodes/{node}': ({ sim, params }) => (findNode(sim, String(params.node)), NODE_DIRS.map((name) => ({ name }))),
  'GET /nodes/{node}/status': nodeStatus,
  'POST /nodes/{node}/status': nodePower,
};
