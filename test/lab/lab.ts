// startLab(): N hosts started in parallel, and the Lab object that stops them. attachLab(): the same hosts driven
// from another process through the descriptor (test workers, the CLI's `down`).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { claimIndexes, currentOwner, release } from './claims.js';
import { LabHostImpl } from './host.js';
import { LabError } from './run.js';
import { ensureImage } from './seed.js';
import { assertRoot, ensureClientKey, ensureImageTar, ensureUser } from './system.js';
import { DEFAULT_LAB_ROOT, LAB_IMAGE, LAB_USER, type Lab, type LabDescriptor, type StartLabOptions } from './types.js';

export class LabImpl implements Lab {
  readonly image = LAB_IMAGE;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly root: string,
    readonly hosts: LabHostImpl[],
    readonly clientKeyPath: string,
    readonly clientPublicKey: string,
    readonly ownerPid: number | null,
    /** False for an attached lab: its owner (global setup, CLI) stops it, not the tests using it. */
    private readonly owned: boolean,
  ) {}

  descriptor(): LabDescriptor {
    return {
      root: this.root,
      image: this.image,
      clientKeyPath: this.clientKeyPath,
      clientPublicKey: this.clientPublicKey,
      user: LAB_USER,
      ownerPid: this.ownerPid,
      hosts: this.hosts.map((h) => ({ index: h.index, name: h.name, address: h.address, port: h.port, dir: h.dir, dockerHost: h.dockerHost })),
    };
  }

  stop(): Promise<void> {
    if (!this.owned) return Promise.resolve();
    this.stopping ??= destroyHosts(this.root, this.hosts);
    return this.stopping;
  }

  /** Stops an attached lab too (the CLI's `down`). */
  destroy(): Promise<void> {
    this.stopping ??= destroyHosts(this.root, this.hosts);
    return this.stopping;
  }
}

async function destroyHosts(root: string, hosts: LabHostImpl[]): Promise<void> {
  const results = await Promise.allSettled(hosts.map((h) => h.destroy()));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ host: hosts[i], reason: r.reason as unknown }] : []));
  for (const h of hosts) if (!failed.some((f) => f.host === h)) release(h.index);
  if (failed.length > 0) {
    throw new LabError(`could not fully stop lab hosts ${failed.map((f) => f.host.name).join(', ')}`, { cause: failed[0].reason });
  }
}

async function startHost(host: LabHostImpl, authorizedKeys: string, imageTar: string, seed: boolean): Promise<void> {
  // HOMELAB_LAB_TRACE=1 prints where a slow start spends its time.
  const trace = process.env.HOMELAB_LAB_TRACE ? traceFor(host.name) : () => undefined;
  await host.prepare(authorizedKeys);
  await Promise.all([host.startDocker().then(() => trace('dockerd ready')), host.startSshd().then(() => trace('sshd ready'))]);
  if (seed) await host.seed();
  else await ensureImage(host, imageTar);
  trace(seed ? 'seeded' : 'image imported');
}

function traceFor(name: string): (what: string) => void {
  const t0 = Date.now();
  return (what) => console.error(`[lab] ${name}: ${what} after ${Date.now() - t0} ms`);
}

export async function startLab(opts: StartLabOptions): Promise<LabImpl> {
  assertRoot();
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1) throw new LabError(`startLab: hosts must be a positive integer, got ${opts.hosts}`);
  const root = opts.root ?? process.env.HOMELAB_LAB_ROOT ?? DEFAULT_LAB_ROOT;
  const [, key, imageTar] = await Promise.all([ensureUser(LAB_USER), ensureClientKey(root), ensureImageTar(root)]);
  const indexes = await claimIndexes(opts.hosts, opts.firstIndex ?? 1, currentOwner(root));
  const hosts = indexes.map((index) => new LabHostImpl({ root, index }));
  const lab = new LabImpl(root, hosts, key.path, key.publicKey, process.pid, true);
  const started = await Promise.allSettled(hosts.map((h) => startHost(h, key.authorizedKeysPath, imageTar, opts.seed !== false)));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await lab.stop().catch(() => undefined);
    throw new LabError(`lab did not start: ${(failure.reason as Error)?.message ?? failure.reason}`, { cause: failure.reason });
  }
  return lab;
}

export function writeDescriptor(lab: LabImpl, path: string, ownerPid: number | null = lab.ownerPid): void {
  writeFileSync(path, `${JSON.stringify({ ...lab.descriptor(), ownerPid }, null, 2)}\n`);
}

export function readDescriptor(path: string): LabDescriptor {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabDescriptor;
  } catch (err) {
    throw new LabError(`cannot read lab descriptor ${path}`, { cause: err });
  }
}

/** A Lab over hosts started elsewhere; its stop() does nothing (destroy() really stops). */
export function attachLab(d: LabDescriptor): LabImpl {
  const hosts = d.hosts.map((h) => new LabHostImpl({ root: d.root, index: h.index }));
  return new LabImpl(d.root, hosts, d.clientKeyPath, d.clientPublicKey, d.ownerPid, false);
}

export function removeDescriptor(path: string): void {
  rmSync(path, { force: true });
}
