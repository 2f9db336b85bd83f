// Which lab owns which host index. Several labs run at once on one machine (the shared lab of a test run, private
// labs of fault tests, other people's runs, a lab left up by the CLI), so an index is claimed with an exclusive file
// `/tmp/hl-claims/h<index>.owner`. The directory is the same for every lab root because an index stands for
// machine-wide things (address 127.0.0.(10+index), cgroup, bridge names, iptables comment). A claim whose owner died
// (crashed run) is stale: its leftovers are destroyed and the index reused.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hostPaths } from './config.js';
import { hostDir, hostAddress, LabHostImpl } from './host.js';
import { pidAlive, pidStartTime, readPid } from './procs.js';
import { LabError } from './run.js';
import { portBindable } from './system.js';

export const CLAIMS_DIR = process.env.HOMELAB_LAB_CLAIMS ?? '/tmp/hl-claims';

export interface Owner {
  /** Owning process; null for a lab the CLI left running (it lives until `cli down`). */
  pid: number | null;
  start: string | null;
  /** Lab root holding the host's dir. */
  root: string;
}

export function ownerFile(index: number): string {
  return join(CLAIMS_DIR, `h${index}.owner`);
}

export function currentOwner(root: string): Owner {
  return { pid: process.pid, start: pidStartTime(process.pid), root };
}

export function readOwner(index: number): Owner | null {
  try {
    return JSON.parse(readFileSync(ownerFile(index), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** A claim is live while its owner runs, or (CLI labs) while its dockerd or sshd runs. */
export function claimLive(index: number): boolean {
  const owner = readOwner(index);
  if (!owner) return false;
  if (owner.pid !== null) return pidAlive(owner.pid) && pidStartTime(owner.pid) === owner.start;
  const p = hostPaths(hostDir(owner.root, index));
  return [p.dockerPid, p.sshdPid].some((f) => {
    const pid = readPid(f);
    return pid !== null && pidAlive(pid);
  });
}

function legacyClaimLive(root: string, index: number): boolean {
  try {
    const o = JSON.parse(readFileSync(join(root, `h${index}.owner`), 'utf8')) as Owner;
    return o.pid !== null && pidAlive(o.pid) && pidStartTime(o.pid) === o.start;
  } catch {
    return false;
  }
}

function tryCreate(index: number, owner: Owner): boolean {
  try {
    const fd = openSync(ownerFile(index), 'wx');
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Rewrites the owner of claimed indexes (the CLI hands its lab over to nobody when it exits). */
export function setOwner(indexes: number[], owner: Owner): void {
  for (const i of indexes) rmSync(ownerFile(i), { force: true });
  for (const i of indexes) tryCreate(i, owner);
}

export function release(index: number): void {
  rmSync(ownerFile(index), { force: true });
}

/** Destroys the leftovers of a stale claim (under the root its owner used) and drops the claim. */
export async function reap(index: number): Promise<void> {
  const stale = readOwner(index);
  if (stale) await new LabHostImpl({ root: stale.root, index }).destroy();
  release(index);
}

/** Claims one index: takes over a stale claim after destroying its leftovers; skips addresses someone else listens on. */
async function claim(index: number, owner: Owner): Promise<boolean> {
  if (!tryCreate(index, owner)) {
    if (claimLive(index)) return false;
    await reap(index);
    if (!tryCreate(index, owner)) return false; // another lab won the race
  }
  // Someone else's listener on the address (another tool's sshd), or a lab of an older harness version that kept its
  // claims under its root: not ours to destroy, leave the index alone.
  if (!(await portBindable(hostAddress(index), 22)) || legacyClaimLive(owner.root, index)) {
    release(index);
    return false;
  }
  // Whatever a crashed run without a claim left under this index goes now (processes, mounts, bridges, rules, dir).
  await new LabHostImpl({ root: owner.root, index }).destroy();
  return true;
}

/** Reaps every claim whose owner is gone (crashed runs, test workers that exited without stop()). */
export async function reapStale(): Promise<number[]> {
  if (!existsSync(CLAIMS_DIR)) return [];
  const reaped: number[] = [];
  for (const f of readdirSync(CLAIMS_DIR)) {
    const m = /^h(\d+)\.owner$/.exec(f);
    if (!m || claimLive(Number(m[1]))) continue;
    await reap(Number(m[1]));
    reaped.push(Number(m[1]));
  }
  return reaped;
}

/** Claims `count` indexes from `first` upwards, skipping taken ones. */
export async function claimIndexes(count: number, first: number, owner: Owner): Promise<number[]> {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  mkdirSync(owner.root, { recursive: true });
  const got: number[] = [];
  for (let index = first; got.length < count; index++) {
    if (index > 244) {
      for (const i of got) release(i);
      throw new LabError(`no free lab host index from ${first} upwards for ${count} hosts`);
    }
    if (await claim(index, owner)) got.push(index);
  }
  return got;
}
