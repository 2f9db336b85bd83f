// Lab by hand, for benches and manual work:
//   npx tsx test/lab/cli.ts up [N=3] [firstIndex=1]   start N hosts, leave them running, print the descriptor
//   npx tsx test/lab/cli.ts status                    show the CLI lab and whether each host answers
//   npx tsx test/lab/cli.ts down                      stop the CLI lab
//   npx tsx test/lab/cli.ts clean                     remove leftovers of crashed runs (claims whose owner died)
// `export HOMELAB_LAB_DESCRIPTOR=<root>/cli-lab.json` makes sharedLab() and the test global setup use this lab.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reapStale, release, setOwner } from './claims.js';
import { attachLab, readDescriptor, removeDescriptor, startLab, writeDescriptor } from './lab.js';
import { sshBanner } from './system.js';
import { DEFAULT_LAB_ROOT, LAB_DESCRIPTOR_ENV } from './types.js';

const root = process.env.HOMELAB_LAB_ROOT ?? DEFAULT_LAB_ROOT;
const descriptorPath = join(root, 'cli-lab.json');

async function up(count: number, firstIndex: number): Promise<void> {
  if (existsSync(descriptorPath)) throw new Error(`a CLI lab is already up (${descriptorPath}); run \`down\` first`);
  const t0 = Date.now();
  const lab = await startLab({ hosts: count, firstIndex, root });
  // Hand the hosts over to nobody: they outlive this process until `down`.
  setOwner(lab.hosts.map((h) => h.index), { pid: null, start: null, root });
  writeDescriptor(lab, descriptorPath, null);
  console.error(`[lab] ${count} hosts up in ${Date.now() - t0} ms`);
  console.log(JSON.stringify(readDescriptor(descriptorPath), null, 2));
  console.error(`export ${LAB_DESCRIPTOR_ENV}=${descriptorPath}`);
}

async function down(): Promise<void> {
  if (!existsSync(descriptorPath)) {
    console.error('[lab] no CLI lab is up');
    return;
  }
  const t0 = Date.now();
  const lab = attachLab(readDescriptor(descriptorPath));
  await lab.destroy();
  for (const h of lab.hosts) release(h.index);
  removeDescriptor(descriptorPath);
  console.error(`[lab] down in ${Date.now() - t0} ms`);
}

async function status(): Promise<void> {
  if (!existsSync(descriptorPath)) {
    console.error('[lab] no CLI lab is up');
    return;
  }
  const lab = attachLab(readDescriptor(descriptorPath));
  for (const h of lab.hosts) {
    const docker = await h.docker(['info', '--format', '{{.Name}} {{.ContainersRunning}} running'], { timeoutMs: 5_000 });
    const ssh = await sshBanner(h.address, h.port, 1_000).then(() => 'up', (e: Error) => `down (${e.message})`);
    console.log(`${h.name} ${h.address}:${h.port} ssh ${ssh}; docker ${docker.code === 0 ? docker.stdout.trim() : 'down'}`);
  }
}

async function clean(): Promise<void> {
  const reaped = await reapStale();
  console.error(reaped.length ? `[lab] cleaned leftovers of hosts ${reaped.join(' ')}` : '[lab] nothing to clean');
}

const [cmd, a, b] = process.argv.slice(2);
const commands: Record<string, () => Promise<void>> = {
  up: () => up(Number(a ?? 3), Number(b ?? 1)),
  down,
  status,
  clean,
};
const fn = cmd ? commands[cmd] : undefined;
if (!fn) {
  console.error('usage: tsx test/lab/cli.ts up [N] [firstIndex] | status | down | clean');
  process.exit(2);
}
fn().catch((err: unknown) => {
  console.error(`[lab] ${cmd} failed:`, err);
  process.exit(1);
});
