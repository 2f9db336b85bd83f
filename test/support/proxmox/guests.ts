import { b01, fail, major, type Sim } from './core.js';
import type { GuestType, SimGuest, SimNode } from './state.js';

/** Lookup and wire shapes of guests and nodes shared by the routes (reference §2.3, §3, §4.1–4.2, §5.1). */

export function findNode(sim: Sim, name: string): SimNode {
  const node = sim.state.nodes.find((n) => n.name === name);
  if (!node) throw fail(`hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`);
  return node;
}

/** the guest of that type on that node, or PVE's missing-config error */
export function findGuest(sim: Sim, type: GuestType, node: string, vmid: number): SimGuest {
  const g = sim.state.guests.find((x) => x.vmid === vmid && x.type === type && x.node === node);
  if (!g) {
    throw fail(`Configuration file 'nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`);
  }
  return g;
}

/** 'VM' or 'CT', as PVE's messages name a guest */
export const kindWord = (g: SimGuest): string => (g.type === 'qemu' ? 'VM' : 'CT');

const pressure = (g: SimGuest): Record<string, number> =>
  g.status === 'running'
    ? {
        pressurecpusome: 0.01, pressurecpufull: 0, pressureiosome: 0.02, pressureiofull: 0.01,
        pressurememorysome: 0, pressurememoryfull: 0,
      }
    : {};

/** an entry of GET /nodes/{node}/qemu (full adds qmpstatus and the QMP-derived fields) */
export function qemuListEntry(sim: Sim, g: SimGuest, full: boolean): Record<string, unknown> {
  const running = g.status === 'running';
  const v9 = major(sim.config) >= 9;
  return {
    vmid: g.vmid,
    status: g.status,
    name: g.name,
    cpus: g.cpus,
    cpu: running ? g.cpu : 0,
    mem: running ? g.mem : 0,
    ...(v9 ? { memhost: running ? Math.round(g.mem * 1.03) : 0 } : {}),
    maxmem: g.maxmem,
    disk: 0,
    maxdisk: g.maxdisk,
    uptime: running ? g.uptime : 0,
    netin: running ? g.netin : 0,
    netout: running ? g.netout : 0,
    ...(running ? { pid: 1000 + g.vmid } : {}),
    ...(g.template ? { template: 1 } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
    ...(g.tags ? { tags: g.tags } : {}),
    ...(v9 ? pressure(g) : {}),
    ...(full
      ? {
          qmpstatus: running ? g.qmpstatus : 'stopped',
          diskread: running ? g.diskread : 0,
          diskwrite: running ? g.diskwrite : 0,
          ...(running
            ? {
                balloon: g.maxmem,
                freemem: g.maxmem - g.mem,
                nics: { [`tap${g.vmid}i0`]: { netin: g.netin, netout: g.netout } },
                blockstat: {},
                'running-machine': 'pc-q35-9.0+pve0',
                'running-qemu': '9.0.2',
                'proxmox-support': {},
              }
            : {}),
        }
      : {}),
  };
}

export function qemuStatusCurrent(sim: Sim, g: SimGuest): Record<string, unknown> {
  return {
    ...qemuListEntry(sim, g, true),
    ha: g.ha ? { managed: 1, state: g.status === 'running' ? 'started' : 'stopped' } : { managed: 0 },
    ...(g.agent.configured ? { agent: 1 } : {}),
  };
}

export function lxcEntry(sim: Sim, g: SimGuest): Record<string, unknown> {
  const running = g.status === 'running';
  return {
    vmid: g.vmid,
    type: 'lxc',
    status: g.status,
    name: g.name,
    cpus: g.cpus,
    cpu: running ? g.cpu : 0,
    mem: running ? g.mem : 0,
    swap: 0,
    maxmem: g.maxmem,
    maxswap: g.maxmem,
    disk: running ? g.disk : 0,
    maxdisk: g.maxdisk,
    uptime: running ? g.uptime : 0,
    netin: running ? g.netin : 0,
    netout: running ? g.netout : 0,
    diskread: running ? g.diskread : 0,
    diskwrite: running ? g.diskwrite : 0,
    ...(running ? { pid: 4000 + g.vmid } : {}),
    ...(g.template ? { template: 1 } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
    ...(g.tags ? { tags: g.tags } : {}),
    ...(major(sim.config) >= 9 ? pressure(g) : {}),
  };
}

/** the flat config map (property strings unparsed) plus a digest */
export function guestConfig(g: SimGuest): Record<string, unknown> {
  const common = {
    cores: g.cpus,
    memory: String(Math.round(g.maxmem / 1024 ** 2)),
    onboot: b01(g.onboot),
    ...(g.tags ? { tags: g.tags } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
    ...(g.template ? { template: 1 } : {}),
    ...(g.parent ? { parent: g.parent } : {}),
  };
  const digest = digestOf(`${g.vmid}:${g.name}:${g.status}:${g.parent ?? ''}:${g.snapshots.length}`);
  if (g.type === 'qemu') {
    return {
      name: g.name,
      ...common,
      sockets: 1,
      ostype: 'l26',
      scsihw: 'virtio-scsi-single',
      scsi0: `local-lvm:vm-${g.vmid}-disk-0,iothread=1,size=${Math.round(g.maxdisk / 1024 ** 3)}G`,
      net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1',
      ...(g.agent.configured ? { agent: '1,fstrim_cloned_disks=1' } : {}),
      digest,
    };
  }
  return {
    hostname: g.name,
    ...common,
    swap: 512,
    arch: 'amd64',
    ostype: 'debian',
    unprivileged: 1,
    rootfs: `local-lvm:vm-${g.vmid}-disk-0,size=${Math.round(g.maxdisk / 1024 ** 3)}G`,
    net0: 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:12:34:56,ip=dhcp,type=veth',
    digest,
  };
}

/** a SHA-1-looking hex digest, stable for the same input */
export function digestOf(s: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 5; round++) {
    for (const c of `${round}${s}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
