// One lab host: a real dockerd and a real sshd, each under `unshare --uts` with the host's name, plus the ways to
// break it on purpose. Everything it needs is on disk under its dir, so another process (a test worker reading the
// descriptor, the CLI) can drive the same host.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { composeFile, daemonJson, defaultBridge, dockerdArgs, hostPaths, hostTag, sshdConfig, type HostPaths } from './config.js';
import { hostProcesses, killAndWait, killCgroup, pidAlive, readPid, unmountUnder, utsInode } from './procs.js';
import { LabError, must, run, waitFor } from './run.js';
import { seedHost } from './seed.js';
import { DOCKER_GROUP, sshBanner, portClosed } from './system.js';
import { LAB_IMAGE, type ExecOut, type LabHost } from './types.js';

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface HostSpec {
  root: string;
  index: number;
}

export function hostAddress(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > 244) throw new LabError(`lab host index out of range (1..244): ${index}`);
  return `127.0.0.${10 + index}`;
}

export function hostDir(root: string, index: number): string {
  return join(root, `h${index}`);
}

export class LabHostImpl implements LabHost {
  readonly index: number;
  readonly name: string;
  readonly address: string;
  readonly port = 22;
  readonly dir: string;
  readonly dockerHost: string;
  readonly root: string;
  private readonly p: HostPaths;

  constructor(spec: HostSpec) {
    this.root = spec.root;
    this.index = spec.index;
    this.name = `lab${spec.index}`;
    this.address = hostAddress(spec.index);
    this.dir = hostDir(spec.root, spec.index);
    this.p = hostPaths(this.dir);
    this.dockerHost = `unix://${this.p.socket}`;
  }

  get paths(): HostPaths {
    return this.p;
  }

  /** Writes the host's files (configs, host key, compose file). The dir must not hold a previous run. */
  async prepare(authorizedKeysPath: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    // The host lives in memory: dockerd, containerd and vfs write and fsync a lot per container, which on a shared
    // disk makes seeding crawl. HOMELAB_LAB_TMPFS=0 keeps it on disk. destroy() unmounts it.
    if (process.env.HOMELAB_LAB_TMPFS !== '0') {
      await must('mount', ['-t', 'tmpfs', '-o', 'size=1g,mode=0755', `tmpfs-${hostTag(this.index)}`, this.dir], { timeoutMs: 10_000 });
    }
    mkdirSync(this.p.composeDir, { recursive: true });
    writeFileSync(this.p.daemonJson, daemonJson(this.p, this.index));
    writeFileSync(this.p.sshdConfig, sshdConfig(this.p, this.address, this.port, authorizedKeysPath));
    writeFileSync(this.p.composeFile, composeFile(this.index, LAB_IMAGE));
    await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${this.name}`, '-f', this.p.hostKey]);
  }

  docker(args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecOut> {
    return run('docker', ['-H', this.dockerHost, ...args], {
      timeoutMs: opts.timeoutMs ?? 30_000,
      env: { ...process.env, DOCKER_HOST: this.dockerHost, DOCKER_CLI_HINTS: 'false', PATH: `${process.env.PATH ?? ''}:${SYSTEM_PATH}` },
    });
  }

  /** docker-compose v1 on this host's socket, in the compose project's dir. */
  compose(args: string[], timeoutMs = 60_000): Promise<ExecOut> {
    return run('docker-compose', ['-p', 'shop', '-f', this.p.composeFile, ...args], {
      timeoutMs,
      cwd: this.p.composeDir,
      env: { ...process.env, DOCKER_HOST: this.dockerHost, COMPOSE_INTERACTIVE_NO_CLI: '1' },
    });
  }

  async hostKeyFingerprint(): Promise<string> {
    const blob = readFileSync(`${this.p.hostKey}.pub`, 'utf8').trim().split(/\s+/)[1];
    if (!blob) throw new LabError(`host key of ${this.name} is unreadable`);
    const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '');
    return `SHA256:${digest}`;
  }

  /** Starts `cmd` detached (it outlives this process: the CLI leaves labs up) in a UTS namespace named after the host. */
  private spawnInUts(cmd: string, args: string[], logFile: string): number {
    const log = openSync(logFile, 'a');
    // containerd drops stack dumps in TMPDIR when dockerd finds it slow (a loaded machine): keep them in the host dir.
    const tmp = join(this.dir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    try {
      const child = spawn('unshare', ['--uts', '--', '/bin/sh', '-c', 'hostname "$0" && exec "$@"', this.name, cmd, ...args], {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...process.env, TMPDIR: tmp, PATH: `${SYSTEM_PATH}:${process.env.PATH ?? ''}` },
      });
      child.on('error', () => undefined); // reported by the readiness wait below
      child.unref();
      if (!child.pid) throw new LabError(`could not start ${cmd} for ${this.name}`);
      return child.pid;
    } finally {
      closeSync(log);
    }
  }

  /** The pid in `file` if that process runs and is this host's (a stale pidfile may name a reused pid). */
  private livePid(file: string): number | null {
    const pid = readPid(file);
    if (pid === null || !pidAlive(pid)) return null;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${this.dir}/`) ? pid : null;
    } catch {
      return null;
    }
  }

  private logTail(file: string): string {
    try {
      return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async startDocker(): Promise<void> {
    if (this.livePid(this.p.dockerPid)) return;
    // Leftovers of a killed dockerd: its pidfiles (containerd's makes the start hang) and its socket.
    rmSync(this.p.containerdPid, { force: true });
    rmSync(this.p.dockerPid, { force: true });
    rmSync(this.p.socket, { force: true });
    await this.ensureDefaultBridge();
    const pid = this.spawnInUts('dockerd', dockerdArgs(this.p, DOCKER_GROUP), this.p.dockerLog);
    try {
      await waitFor(
        `dockerd of ${this.name}`,
        async () => {
          if (!pidAlive(pid)) throw new LabError(`dockerd of ${this.name} exited:\n${this.logTail(this.p.dockerLog)}`);
          return existsSync(this.p.socket) && (await this.docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 })).code === 0;
        },
        60_000,
        150,
      );
    } catch (err) {
      throw new LabError(`dockerd of ${this.name} did not become ready:\n${this.logTail(this.p.dockerLog)}`, { cause: err });
    }
    writeFileSync(this.p.utsDocker, utsInode(pid) ?? '');
  }

  private async ensureDefaultBridge(): Promise<void> {
    const { name, cidr } = defaultBridge(this.index);
    if ((await run('ip', ['link', 'show', name], { timeoutMs: 5_000 })).code !== 0) {
      await must('ip', ['link', 'add', 'name', name, 'type', 'bridge'], { timeoutMs: 5_000 });
    }
    if (!(await must('ip', ['-4', 'addr', 'show', 'dev', name], { timeoutMs: 5_000 })).includes(cidr)) {
      await must('ip', ['addr', 'add', cidr, 'dev', name], { timeoutMs: 5_000 });
    }
    await must('ip', ['link', 'set', name, 'up'], { timeoutMs: 5_000 });
  }

  async stopDocker(): Promise<void> {
    const pid = this.livePid(this.p.dockerPid);
    if (pid) {
      const left = await killAndWait([pid], 'SIGTERM', 30_000);
      if (left.length > 0) await killAndWait(left, 'SIGKILL', 5_000);
    }
    // containerd normally leaves with dockerd; a straggler would keep the next start waiting.
    const containerd = this.livePid(this.p.containerdPid);
    if (containerd) await killAndWait([containerd], 'SIGKILL', 5_000);
  }

  async startSshd(): Promise<void> {
    if (this.livePid(this.p.sshdPid)) return;
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const pid = this.spawnInUts('/usr/sbin/sshd', ['-D', '-e', '-f', this.p.sshdConfig], this.p.sshdLog);
    writeFileSync(this.p.sshdPid, `${pid}\n`);
    try {
      await waitFor(
        `sshd of ${this.name}`,
        async () => {
          if (!pidAlive(pid)) throw new LabError(`sshd of ${this.name} exited:\n${this.logTail(this.p.sshdLog)}`);
          return (await sshBanner(this.address, this.port, 1_000)).startsWith('SSH-2.0');
        },
        10_000,
        50,
      );
    } catch (err) {
      throw new LabError(`sshd of ${this.name} did not become ready:\n${this.logTail(this.p.sshdLog)}`, { cause: err });
    }
    writeFileSync(this.p.utsSshd, utsInode(pid) ?? '');
  }

  async stopSshd(): Promise<void> {
    const pid = this.livePid(this.p.sshdPid);
    if (pid) {
      const left = await killAndWait([pid], 'SIGTERM', 5_000);
      if (left.length > 0) await killAndWait(left, 'SIGKILL', 2_000);
    }
    rmSync(this.p.sshdPid, { force: true });
    await waitFor(`port ${this.address}:${this.port} to close`, () => portClosed(this.address, this.port, 500), 5_000, 50);
  }

  private ruleSpec(): string[] {
    return ['INPUT', '-d', `${this.address}/32`, '-p', 'tcp', '--dport', String(this.port), '-m', 'comment', '--comment', hostTag(this.index), '-j', 'DROP'];
  }

  async hang(): Promise<void> {
    const [chain, ...rest] = this.ruleSpec();
    if ((await run('iptables', ['-w', '5', '-C', chain, ...rest])).code === 0) return;
    await must('iptables', ['-w', '5', '-I', chain, ...rest]);
  }

  async unhang(): Promise<void> {
    const [chain, ...rest] = this.ruleSpec();
    // Delete until none is left: a crashed run may have added ours twice.
    for (let i = 0; i < 10; i++) {
      if ((await run('iptables', ['-w', '5', '-C', chain, ...rest])).code !== 0) return;
      await must('iptables', ['-w', '5', '-D', chain, ...rest]);
    }
  }

  async regenerateHostKey(): Promise<void> {
    const wasRunning = this.livePid(this.p.sshdPid) !== null;
    rmSync(this.p.hostKey, { force: true });
    rmSync(`${this.p.hostKey}.pub`, { force: true });
    await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${this.name}`, '-f', this.p.hostKey]);
    if (wasRunning) await this.stopSshd();
    await this.startSshd();
  }

  seed(): Promise<void> {
    return seedHost(this, join(this.root, 'image', 'busybox-rootfs.tar'));
  }

  /**
   * Removes every trace of this host: iptables rule, processes (sshd and its sessions, dockerd, containerd, shims,
   * docker-proxy, containers), mounts, bridges, cgroups, its dir. Works on the leftovers of a crashed run too.
   */
  async destroy(): Promise<void> {
    await this.unhang().catch(() => undefined);
    const uts = [this.p.utsDocker, this.p.utsSshd].map((f) => (existsSync(f) ? readFileSync(f, 'utf8').trim() : ''));
    await killCgroup(hostTag(this.index));
    const procs = hostProcesses(this.dir, uts);
    const left = await killAndWait(procs, 'SIGKILL', 5_000);
    if (left.length > 0) throw new LabError(`could not kill processes of ${this.name}: ${left.join(' ')}`);
    await killCgroup(hostTag(this.index)); // containers a dying dockerd was still starting
    await unmountUnder(this.dir);
    for (const bridge of [`hlw${this.index}`, `hls${this.index}`, defaultBridge(this.index).name]) await run('ip', ['link', 'del', bridge], { timeoutMs: 5_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
