// The files one lab host runs from: dockerd's daemon.json, sshd_config and the compose project. Pure text builders.
import { join } from 'node:path';
import { LAB_USER } from './types.js';

export interface HostPaths {
  dir: string;
  socket: string;
  dockerPid: string;
  daemonJson: string;
  dockerLog: string;
  /** containerd's pidfile inside dockerd's exec-root: a stale one makes the next start hang ~15 s (LAB.md). */
  containerdPid: string;
  sshdConfig: string;
  sshdPid: string;
  sshdLog: string;
  hostKey: string;
  composeDir: string;
  composeFile: string;
  /** Recorded UTS namespace ids, so a later cleanup finds sessions and docker-proxy processes. */
  utsDocker: string;
  utsSshd: string;
}

/** 4096 /24s in 10.224.0.0/12, clear of the lab's fixed 10.200-10.201 networks. */
export const ADDRESS_POOLS = [{ base: '10.224.0.0/12', size: 24 }];

export function hostPaths(dir: string): HostPaths {
  return {
    dir,
    socket: join(dir, 'd.sock'),
    dockerPid: join(dir, 'docker.pid'),
    daemonJson: join(dir, 'daemon.json'),
    dockerLog: join(dir, 'dockerd.log'),
    containerdPid: join(dir, 'x', 'containerd', 'containerd.pid'),
    sshdConfig: join(dir, 'sshd_config'),
    sshdPid: join(dir, 'sshd.pid'),
    sshdLog: join(dir, 'sshd.log'),
    hostKey: join(dir, 'ssh_host_ed25519_key'),
    composeDir: join(dir, 'shop'),
    composeFile: join(dir, 'shop', 'docker-compose.yml'),
    utsDocker: join(dir, 'uts-docker'),
    utsSshd: join(dir, 'uts-sshd'),
  };
}

/** Per-host names of things that live outside the host dir (cgroups, bridge interfaces, iptables comments). */
export function hostTag(index: number): string {
  return `hl-h${index}`;
}

export function daemonJson(p: HostPaths, index: number): string {
  return `${JSON.stringify(
    {
      // Own key file: otherwise every dockerd reports the same `docker info` ID.
      'deprecated-key-path': join(p.dir, 'key.json'),
      // Own cgroup parent: a later cleanup can find (and kill) this host's containers after a crash.
      'cgroup-parent': `/${hostTag(index)}`,
      // Short: stopping dockerd (a fault test) should not wait 15 s per stubborn container.
      'shutdown-timeout': 3,
      'log-driver': 'json-file',
      // Own default bridge (made by the harness, see defaultBridge()): plain `docker run` gets an IP as on a real
      // host, without the hosts' dockerds fighting over one docker0.
      bridge: defaultBridge(index).name,
      // Networks made without a subnet (compose's <project>_default) take one from a wide pool: the default pools
      // hold 31 subnets for the whole machine, and a dockerd killed mid-run leaves its bridges (and their routes)
      // behind, which every later dockerd must avoid, until `docker network create` fails for want of a pool.
      'default-address-pools': ADDRESS_POOLS,
    },
    null,
    2,
  )}\n`;
}

/** The Linux bridge a host's dockerd uses as its default "bridge" network, with the subnet it serves. */
export function defaultBridge(index: number): { name: string; cidr: string } {
  return { name: `hlb${index}`, cidr: `10.202.${index}.1/24` };
}

export function dockerdArgs(p: HostPaths, group: string): string[] {
  return [
    '--iptables=false',
    '--ip-masq=false',
    '--storage-driver=vfs',
    '--data-root', join(p.dir, 'data'),
    '--exec-root', join(p.dir, 'x'),
    '-H', `unix://${p.socket}`,
    '--pidfile', p.dockerPid,
    '--group', group,
    '--config-file', p.daemonJson,
  ];
}

export function sshdConfig(p: HostPaths, address: string, port: number, authorizedKeys: string): string {
  return [
    `ListenAddress ${address}:${port}`,
    `HostKey ${p.hostKey}`,
    `PidFile ${p.sshdPid}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    // Key only, one user, like a hardened homelab host.
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    `AllowUsers ${LAB_USER}`,
    // No PAM here (no init system); with it off a locked account ("!") is refused, hence "*" in /etc/shadow.
    'UsePAM no',
    // The authorized_keys file lives under /tmp, which StrictModes would reject.
    'StrictModes no',
    // Room for many channels on one pooled connection and many fresh connections at once.
    'MaxSessions 64',
    'MaxStartups 100:30:200',
    // Sessions find the host's dockerd exactly like on a real host: the client sets nothing.
    `SetEnv DOCKER_HOST=unix://${p.socket}`,
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding yes',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    '',
  ].join('\n');
}

/** A real compose project (compose v1 file format 2.4: init and healthcheck supported) with its own bridge name. */
export function composeFile(index: number, image: string): string {
  return `# Seed compose project of lab host ${index}; \`docker-compose -p shop -f <this file> up -d\` recreates it.
version: "2.4"
services:
  web:
    image: ${image}
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    init: true
    labels:
      homelab.monitor: "true"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 5s
      timeout: 10s
      retries: 3
  db:
    image: ${image}
    command: ["sh", "-c", "while true; do sleep 1; done"]
    init: true
    labels:
      homelab.monitor: "true"
networks:
  default:
    driver_opts:
      com.docker.network.bridge.name: hls${index}
    ipam:
      config:
        - subnet: 10.201.${index}.0/24
`;
}
