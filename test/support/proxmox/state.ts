/**
 * The simulated cluster's state: plain mutable objects that tests may read and change directly (a guest's status, a
 * node's load, a storage's usage). Field names follow the PVE wire names where one exists, so mapping stays obvious.
 */

export type GuestType = 'qemu' | 'lxc';

export interface SimNode {
  name: string;
  online: boolean;
  nodeid: number;
  ip: string;
  level: string; // subscription level: '', 'c', 'b', 's' or 'p'
  cpu: number; // fraction 0..1
  maxcpu: number;
  cpuModel: string;
  mem: number;
  maxmem: number;
  swapUsed: number;
  swapTotal: number;
  rootUsed: number;
  rootTotal: number;
  uptime: number;
  loadavg: [string, string, string]; // PVE sends strings
  kernelRelease: string; // e.g. '6.8.12-15-pve'
  /** the fingerprint /nodes reports; the node the simulator serves from reports its real certificate's */
  fingerprint?: string;
}

export interface AgentAddress {
  'ip-address': string;
  'ip-address-type': 'ipv4' | 'ipv6';
  prefix: number;
}

export interface AgentInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: AgentAddress[];
}

export interface SimAgent {
  /** `agent: 1` in the config (qemu) */
  configured: boolean;
  /** qemu-ga answers inside the guest */
  running: boolean;
  interfaces: AgentInterface[];
}

export interface SimSnapshot {
  name: string;
  description: string;
  snaptime: number;
  vmstate: boolean;
  parent?: string;
}

export interface SimGuest {
  type: GuestType;
  vmid: number;
  name: string;
  node: string;
  status: 'running' | 'stopped';
  /** QEMU's run state while the process runs; 'stopped' otherwise. Unused for LXC. */
  qmpstatus: string;
  cpus: number;
  cpu: number;
  mem: number;
  maxmem: number;
  disk: number;
  maxdisk: number;
  uptime: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  tags?: string; // 'prod;web'
  lock?: string;
  template: boolean;
  onboot: boolean;
  ha: boolean;
  /** qemu: the guest agent; lxc: `agent.interfaces` are what /interfaces reports while running */
  agent: SimAgent;
  snapshots: SimSnapshot[];
  /** the snapshot the current state descends from (the synthetic `current` entry's parent) */
  parent?: string;
  /** a shutdown request is ignored by the guest OS (ACPI off): shutdown times out */
  ignoresShutdown?: boolean;
}

export interface SimVolume {
  volid: string;
  format: string;
  size: number;
  ctime: number;
  vmid?: number;
  content: string; // 'backup', 'iso', 'vztmpl', 'images', 'rootdir'
  subtype?: GuestType;
  notes?: string;
  protected?: boolean;
  /** the node a non-shared storage's volume lives on */
  node: string;
}

export interface SimStorage {
  storage: string;
  type: string; // dir, lvmthin, zfspool, nfs, pbs, ...
  content: string[]; // kept in the configured order: PVE's order is not stable
  /** nodes that see this storage; undefined = all */
  nodes?: string[];
  shared: boolean;
  enabled: boolean;
  active: boolean;
  total: number;
  used: number;
  path?: string;
  volumes: SimVolume[];
}

export interface SimState {
  clusterName: string | null; // null = a standalone host (no cluster entry)
  quorate: boolean;
  configVersion: number;
  nodes: SimNode[];
  guests: SimGuest[];
  storage: SimStorage[];
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function makeNode(name: string, nodeid: number, extra: Partial<SimNode> = {}): SimNode {
  return {
    name,
    online: true,
    nodeid,
    ip: `192.168.1.${9 + nodeid}`,
    level: '',
    cpu: 0.0234 * nodeid,
    maxcpu: 8,
    cpuModel: 'Intel(R) N100',
    mem: 18 * GiB,
    maxmem: 32 * GiB,
    swapUsed: 128 * MiB,
    swapTotal: 8 * GiB,
    rootUsed: 20 * GiB,
    rootTotal: 94 * GiB,
    uptime: 1_699_284,
    loadavg: ['0.41', '0.37', '0.30'],
    kernelRelease: '6.8.12-15-pve',
    ...extra,
  };
}

export function makeGuest(
  type: GuestType,
  vmid: number,
  node: string,
  extra: Partial<SimGuest> = {},
): SimGuest {
  const running = (extra.status ?? 'stopped') === 'running';
  return {
    type,
    vmid,
    name: type === 'qemu' ? `VM ${vmid}` : `CT${vmid}`,
    node,
    status: running ? 'running' : 'stopped',
    qmpstatus: running ? 'running' : 'stopped',
    cpus: 2,
    cpu: running ? 0.05 : 0,
    mem: running ? 1 * GiB : 0,
    maxmem: 2 * GiB,
    disk: 0,
    maxdisk: 32 * GiB,
    uptime: running ? 86_400 : 0,
    netin: running ? 123_456_789 : 0,
    netout: running ? 98_765_432 : 0,
    diskread: running ? 2 * GiB : 0,
    diskwrite: running ? 1 * GiB : 0,
    template: false,
    onboot: false,
    ha: false,
    agent: { configured: false, running: false, interfaces: [] },
    snapshots: [],
    ...extra,
  };
}

/** Two nodes, three VMs (running, paused, a template), two containers and three storages: the reference's examples. */
export function defaultState(): SimState {
  return {
    clusterName: 'homelab',
    quorate: true,
    configVersion: 4,
    nodes: [makeNode('pve1', 1), makeNode('pve2', 2, { loadavg: ['1.74', '1.86', '1.50'] })],
    guests: [
      makeGuest('qemu', 100, 'pve1', {
        name: 'nextcloud',
        status: 'running',
        cpus: 4,
        maxmem: 4 * GiB,
        mem: 3 * GiB,
        tags: 'prod;web',
        onboot: true,
        agent: {
          configured: true,
          running: true,
          interfaces: [
            {
              name: 'lo',
              'hardware-address': '00:00:00:00:00:00',
              'ip-addresses': [
                { 'ip-address-type': 'ipv4', prefix: 8, 'ip-address': '127.0.0.1' },
                { 'ip-address-type': 'ipv6', prefix: 128, 'ip-address': '::1' },
              ],
            },
            {
              name: 'ens18',
              'hardware-address': 'be:2a:81:98:bc:ad',
              'ip-addresses': [
                { 'ip-address-type': 'ipv4', prefix: 24, 'ip-address': '192.168.1.20' },
                { 'ip-address-type': 'ipv6', prefix: 64, 'ip-address': 'fe80::bc2a:81ff:fe98:bcad' },
              ],
            },
            { name: 'ens19', 'hardware-address': 'be:2a:81:98:bc:ae' },
          ],
        },
      }),
      makeGuest('qemu', 101, 'pve1', { name: 'win11', status: 'running', qmpstatus: 'paused', maxmem: 8 * GiB }),
      makeGuest('qemu', 102, 'pve2', { template: true, maxdisk: 0 }),
      makeGuest('lxc', 200, 'pve1', {
        name: 'pihole',
        status: 'running',
        cpus: 1,
        maxmem: 512 * MiB,
        mem: 80 * MiB,
        disk: 1 * GiB,
        maxdisk: 8 * GiB,
        onboot: true,
        agent: {
          configured: false,
          running: false,
          interfaces: [
            {
              name: 'lo',
              'hardware-address': '00:00:00:00:00:00',
              'ip-addresses': [
                { 'ip-address-type': 'ipv4', prefix: 8, 'ip-address': '127.0.0.1' },
                { 'ip-address-type': 'ipv6', prefix: 128, 'ip-address': '::1' },
              ],
            },
            {
              name: 'eth0',
              'hardware-address': 'bc:24:11:12:34:56',
              'ip-addresses': [
                { 'ip-address-type': 'ipv4', prefix: 24, 'ip-address': '192.168.1.53' },
                { 'ip-address-type': 'ipv6', prefix: 64, 'ip-address': 'fe80::be24:11ff:fe12:3456' },
              ],
            },
          ],
        },
      }),
      makeGuest('lxc', 201, 'pve2', { name: 'media', maxmem: 1024 * MiB, maxdisk: 16 * GiB }),
    ],
    storage: [
      {
        storage: 'local',
        type: 'dir',
        content: ['iso', 'vztmpl', 'backup'],
        shared: false,
        enabled: true,
        active: true,
        total: 93_985_794_048,
        used: 39_187_787_776,
        path: '/var/lib/vz',
        volumes: [],
      },
      {
        storage: 'local-lvm',
        type: 'lvmthin',
        content: ['rootdir', 'images'],
        shared: false,
        enabled: true,
        active: true,
        total: 1_394_081_792_000,
        used: 87_896_381_440,
        volumes: [],
      },
      {
        storage: 'nas-nfs',
        type: 'nfs',
        content: ['backup'],
        shared: true,
        enabled: true,
        active: false,
        total: 0,
        used: 0,
        path: '/mnt/pve/nas-nfs',
        volumes: [],
      },
    ],
  };
}
