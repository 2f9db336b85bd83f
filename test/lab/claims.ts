// Which lab owns which host index. Several labs run at once on one machine (the shared lab of a test run, private
// labs of fault tests, other people's runs, a lab left up by the CLI), so an index is claimed with an exclusive file
// `<root>/h<index>.owner`. A claim whose owner died (crashed run) is stale: its leftovers are destroyed and the
// index reused.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hostPaths } from './config.js';
import { hostDir, hostAddress, LabHostImpl } from './host.js';
import { pidAlive, pidStartTime, readPid } from './procs.js';
import { LabError } from './run.js';
import { portBindable } from './system.js';

export interface Owner {
  /** Owning process; null for a lab the CLI left running (it lives until `cli down`). */
  pid: number | null;
  start: string | null;
}

export function ownerFile(root: string, index: number): string {
  return join(root, `h${index}.owner`);
}

export function currentOwner(): Owner {
  return { pid: process.pid, start: pidStartTime(process.pid) };
}

function readOwner(root: string, index: number): Owner | null {
  try {
    return JSON.parse(readFileSync(ownerFile(root, index), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** A claim is live while its owner runs, or (CLI labs) while its dockerd or sshd runs. */
export function claimLive(root: string, index: number): boolean {
  const owner = readOwner(root, index);
  if (!owner) return false;
  if (owner.pid !== null) return pidAlive(owner.pid) && pidStartTime(owner.pid) === owner.start;
  const p = hostPaths(hostDir(root, index));
  return [p.dockerPid, p.sshdPid].some((f) => {
    const pid = readPid(f);
    return pid !== null && pidAlive(pid);
  });
}

function tryCreate(root: string, index: number, owner: Owner): boolean {
  try {
    const fd = openSync(ownerFile(root, index), 'wx');
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Rewrites the owner of claimed indexes (the CLI hands its lab over to nobody when it exits). */
export function setOwner(root: string, indexes: number[], owner: Owner): void {
  for (const i of indexes) rmSync(ownerFile(root, i), { force: true });
  for (const i of indexes) tryCreate(root, i, owner);
}

export function release(root: string, index: number): void {
  rmSync(ownerFile(root, index), { force: true });
}

/** Claims one index: takes over a stale claim after destroying its leftovers; skips addresses someone else listens on. */
async function claim(root: string, index: number, owner: Owner): Promise<boolean> {
  if (!tryCreate(root, index, owner)) {
    if (claimLive(root, index)) return false;
    release(root, index);
    if (!tryCreate(root, index, owner)) return false; // another lab won the race
  }
  // Whatever a crashed run left under this index goes now (processes, mounts, bridges, rules, dir).
  await new LabHostImpl({ root, index }).destroy();
  if (!(await portBindable(hostAddress(index), 22))) {
    // Not ours (another tool's sshd on that address): leave the index alone.
    release(root, index);
    return false;
  }
  return true;
}

/** Claims `count` indexes from `first` upwards, skipping taken ones. */
export async function claimIndexes(root: string, count: number, first: number, owner: Owner): Promise<number[]> {
  mkdirSync(root, { recursive: true });
  const got: number[] = [];
  for (let index = first; got.length < count; index++) {
    if (index > 244) {
      for (const i of got) release(root, i);
      throw new LabError(`no free lab host index from ${first} upwards for ${count} hosts`);
    }
    if (await claim(root, index, owner)) got.push(index);
  }
  return got;
}
