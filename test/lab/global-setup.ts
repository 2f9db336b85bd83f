// Vitest global setup of the integration and e2e projects: checks the Debian packages, starts the shared lab
// (HOMELAB_LAB_HOSTS hosts, default 3, from index 1 or the next free ones) and tells the test workers where its
// descriptor is through HOMELAB_LAB_DESCRIPTOR (set here, before any worker is spawned, so workers inherit it).
// If HOMELAB_LAB_DESCRIPTOR already points at a healthy lab (e.g. `npx tsx test/lab/cli.ts up 3`), that lab is used
// as is and left running.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {} from 'vitest'; // for the ProvidedContext augmentation below
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without type declarations (it must run before node_modules exist)
import { ensureSystemDeps } from '../../scripts/system-deps.mjs';
import { attachLab, readDescriptor, removeDescriptor, startLab, writeDescriptor, type LabImpl } from './lab.js';
import { pidAlive } from './procs.js';
import { reapStale } from './claims.js';
import { LAB_DESCRIPTOR_ENV } from './types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labDescriptor: string;
  }
}

/** Both projects (integration, e2e) list this setup; in one run they share one lab, stopped after the last. */
const SHARED = Symbol.for('homelab.lab.shared');
interface SharedState {
  users: number;
  lab: LabImpl;
  path: string;
}
type WithShared = typeof globalThis & { [SHARED]?: SharedState };

async function healthy(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  const d = readDescriptor(path);
  if (d.ownerPid !== null && !pidAlive(d.ownerPid)) return false;
  const lab = attachLab(d);
  const answers = await Promise.all(lab.hosts.map((h) => h.docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 })));
  return answers.every((a) => a.code === 0);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as WithShared;
  const preset = process.env[LAB_DESCRIPTOR_ENV];
  if (g[SHARED]) {
    g[SHARED].users++;
    project.provide('labDescriptor', g[SHARED].path);
    return releaseShared;
  }
  if (preset && (await healthy(preset))) {
    console.log(`[lab] using the lab of ${preset} (left running)`);
    project.provide('labDescriptor', preset);
    return async () => undefined;
  }
  const installed: string[] = ensureSystemDeps();
  // Leftovers of crashed runs cost CPU and addresses: gone before we start.
  const reaped = await reapStale();
  if (reaped.length) console.log(`[lab] removed leftovers of crashed runs (hosts ${reaped.join(' ')})`);
  if (installed.length) console.log(`[lab] installed Debian packages: ${installed.join(' ')}`);
  const hosts = Number.parseInt(process.env.HOMELAB_LAB_HOSTS ?? '3', 10) || 3;
  const t0 = Date.now();
  const lab = await startLab({ hosts, firstIndex: 1 });
  const path = join(lab.root, `shared-${process.pid}.json`);
  writeDescriptor(lab, path);
  process.env[LAB_DESCRIPTOR_ENV] = path;
  g[SHARED] = { users: 1, lab, path };
  project.provide('labDescriptor', path);
  console.log(`[lab] ${hosts} hosts up in ${Date.now() - t0} ms: ${lab.hosts.map((h) => `${h.name}@${h.address}`).join(' ')} (${path})`);
  return releaseShared;
}

async function releaseShared(): Promise<void> {
  const g = globalThis as WithShared;
  const s = g[SHARED];
  if (!s || --s.users > 0) return;
  g[SHARED] = undefined;
  try {
    await s.lab.stop();
    // Private labs of test workers that died before their afterAll.
    await reapStale();
  } finally {
    removeDescriptor(s.path);
    delete process.env[LAB_DESCRIPTOR_ENV];
  }
}
