// Finding and ending what a lab host left on the machine: processes, container cgroups, mounts.
// Used by stop() and by the cleanup of a crashed earlier run, so it relies only on what is on disk and in /proc.
import { readdirSync, readFileSync, readlinkSync, rmdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, sleep } from './run.js';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The fields of /proc/<pid>/stat after the command name (state is [0], start time is [19]). */
function statFields(pid: number): string[] | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** True when the process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const f = statFields(pid);
  return f !== null && f[0] !== 'Z' && f[0] !== 'X';
}

/** Start time in clock ticks since boot: with the pid, it identifies a process even after pid reuse. */
export function pidStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

export function readPid(file: string): number | null {
  const text = readText(file);
  const pid = text ? Number.parseInt(text.trim(), 10) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function utsInode(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/uts`);
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/**
 * Processes that belong to a host: their command line names the host dir (dockerd, containerd, shims, sshd),
 * or they live in one of the host's UTS namespaces (sshd sessions, docker-proxy).
 */
export function hostProcesses(dir: string, utsNamespaces: string[]): number[] {
  const needle = dir.endsWith('/') ? dir : `${dir}/`;
  const uts = new Set(utsNamespaces.filter(Boolean));
  const mine = new Set([process.pid, process.ppid]);
  const found: number[] = [];
  for (const pid of allPids()) {
    if (mine.has(pid)) continue;
    const cmdline = readText(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ') ?? '';
    if (cmdline.includes(needle) || (uts.size > 0 && uts.has(utsInode(pid) ?? ''))) found.push(pid);
  }
  return found;
}

/** Sends `signal` to each pid, then waits up to timeoutMs for all to be gone. Returns the ones still alive. */
export async function killAndWait(pids: number[], signal: NodeJS.Signals, timeoutMs: number): Promise<number[]> {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(pidAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(25);
    alive = alive.filter(pidAlive);
  }
  return alive;
}

/** Mount points of every cgroup hierarchy (v1 controllers and v2 unified). */
function cgroupMounts(): Array<{ path: string; freezer: boolean }> {
  const info = readText('/proc/self/mountinfo') ?? '';
  const out: Array<{ path: string; freezer: boolean }> = [];
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fstype = right.split(' ')[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const options = right.split(' ')[2] ?? '';
    out.push({ path: left.split(' ')[4], freezer: fstype === 'cgroup' && options.split(',').includes('freezer') });
  }
  return out;
}

function cgroupDirs(top: string): string[] {
  const dirs: string[] = [];
  const walk = (d: string) => {
    dirs.push(d);
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      try {
        if (statSync(p).isDirectory()) walk(p);
      } catch {
        // raced with removal
      }
    }
  };
  if (existsSync(top)) walk(top);
  return dirs;
}

/**
 * Kills every process in the cgroup subtree the host's dockerd gives its containers (cgroup-parent), thawing paused
 * ones first (a frozen task does not die), then removes the empty cgroups.
 */
export async function killCgroup(name: string): Promise<void> {
  const mounts = cgroupMounts();
  for (const m of mounts.filter((x) => x.freezer)) {
    for (const d of cgroupDirs(join(m.path, name))) {
      try {
        writeFileSync(join(d, 'freezer.state'), 'THAWED');
      } catch {
        // not a freezer dir or already gone
      }
    }
  }
  for (const m of mounts) {
    for (const d of cgroupDirs(join(m.path, name))) {
      try {
        writeFileSync(join(d, 'cgroup.freeze'), '0');
      } catch {
        // v1, or gone
      }
    }
  }
  const pids = new Set<number>();
  for (const m of mounts) {
    for (const d of cgroupDirs(join(m.path, name))) {
      for (const p of (readText(join(d, 'cgroup.procs')) ?? '').split('\n')) if (p.trim()) pids.add(Number(p));
    }
  }
  await killAndWait([...pids], 'SIGKILL', 5_000);
  for (const m of mounts) {
    for (const d of cgroupDirs(join(m.path, name)).reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // busy or gone: a later cleanup retries
      }
    }
  }
}

/** Lazily unmounts everything mounted at or below `dir` (netns bind mounts of dockerd survive a SIGKILL). */
export async function unmountUnder(dir: string): Promise<void> {
  const info = readText('/proc/self/mountinfo') ?? '';
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const p of new Set(points)) await run('umount', ['-l', p], { timeoutMs: 10_000 });
}
