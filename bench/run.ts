// `npm run bench [-- NAME...] [--minutes N] [--runs N]`: runs the benches (all, or those named) one after another
// and prints a table per bench. Figures only: nothing is asserted (DESIGN.md, "Tests").
import { existsSync } from 'node:fs';
import os from 'node:os';
import { actionBench } from './action.js';
import { collectBench } from './collect.js';
import { detectBench } from './detect.js';
import { BenchContext, type Bench, type BenchArgs } from './lib/context.js';
import { memoryBench } from './memory.js';
import { portainerDetectBench } from './portainer-detect.js';

// Order: the small labs first, so that one 3-host lab serves action, detect and the first half of collect.
const BENCHES: Bench[] = [actionBench, detectBench, portainerDetectBench, collectBench, memoryBench];

/** bench/alert-latency.ts belongs to the alerting work: run here when it is present and exports a Bench. */
async function optional(): Promise<Bench[]> {
  const file = new URL('./alert-latency.ts', import.meta.url);
  if (!existsSync(file)) return [];
  const mod = (await import(file.href)) as { default?: Bench; alertLatencyBench?: Bench };
  const b = mod.alertLatencyBench ?? mod.default;
  return b && typeof b.run === 'function' ? [b] : [];
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

function parseArgs(argv: string[]): { names: string[]; args: BenchArgs } {
  const names: string[] = [];
  const args: BenchArgs = { minutes: 10, runs: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (flag: string) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number`);
      return v;
    };
    if (a === '--minutes') args.minutes = num(a);
    else if (a === '--runs') args.runs = Math.round(num(a));
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (known: --minutes N, --runs N)`);
    else names.push(a);
  }
  return { names, args };
}

async function main(): Promise<void> {
  const { names, args } = parseArgs(process.argv.slice(2));
  const all = [...BENCHES, ...(await optional())];
  const unknown = names.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  const chosen = names.length ? all.filter((b) => names.includes(b.name)) : all;
  const ctx = new BenchContext(args);
  // Ctrl-C: stop the lab (its processes, mounts, iptables rules) before leaving.
  process.once('SIGINT', () => void ctx.stop().finally(() => process.exit(130)));
  console.log(`# homelab benches — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores, load ${load()}`);
  try {
    for (const b of chosen) {
      ctx.log(`${b.name}: ${b.summary}`);
      const t0 = Date.now();
      await b.run(ctx);
      // The machine's load beside each table: figures taken on a busy 2-core box read differently.
      ctx.print(`(${b.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${load()})`);
    }
  } finally {
    await ctx.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
