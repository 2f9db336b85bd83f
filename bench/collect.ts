// Bench 1: one collection cycle of N lab hosts (all collected at once, connections already pooled), beside the floor
// (the same collect script straight on each host's docker socket, no SSH) and a naive client (a new SSH connection
// per docker command). Steady = what the scheduler runs every minute (no container inspect unless something
// changed); full = every container inspected (first cycle, every Nth, manual "collect now").
import { LAB_USER, type LabHost } from '../test/lab/index.js';
import { collectScript } from '../src/providers/docker/commands.js';
import type { CollectResult } from '../src/services/docker/collector.js';
import type { Bench, BenchContext } from './lib/context.js';
import { runInOwnSession } from './lib/own-session.js';
import { naiveCycle, naiveTarget, type NaiveTarget } from './lib/naive-ssh.js';
import { serverWatching } from './lib/server.js';
import { median, ms, ratio, table, timed } from './lib/stats.js';

type Variant = 'steady' | 'full';
const VARIANTS: Variant[] = ['steady', 'full'];

/** The collect script through `sh -c`, as sshd would run it (own session too), with the host's socket as DOCKER_HOST. */
async function floorCycle(h: LabHost, variant: Variant): Promise<void> {
  const script = collectScript({ inspect: variant === 'full' ? 'all' : [] });
  const r = await runInOwnSession('sh', ['-c', script], { DOCKER_HOST: h.dockerHost });
  if (r.code !== 0) throw new Error(`floor on ${h.name}: exit ${r.code}: ${r.stderr.slice(0, 200)}`);
}

/** A failed collection returns fast: a figure is only worth something if every host answered. */
function online(r: CollectResult): void {
  if (r.docker_status !== 'online' || r.errors.length) throw new Error(`host ${r.host_id}: collection ${r.docker_status}: ${JSON.stringify(r.errors).slice(0, 300)}`);
}

async function benchSize(ctx: BenchContext, n: number): Promise<(string | number)[][]> {
  const lab = await ctx.lab(n);
  // A long full-inspect period: "steady" cycles must not turn into full ones on the 10th run.
  const { ts, ids, enableMs } = await serverWatching(lab, lab.hosts, { scheduler: false, env: { HOMELAB_DOCKER_INSPECT_FULL_EVERY: '1000' } });
  const naive: NaiveTarget[] = lab.hosts.map((h) => naiveTarget(h.address, h.port, LAB_USER, lab.clientKeyPath));
  const svc = ts.container.docker.service;
  const t: Record<string, number[]> = {};
  const push = (k: string, v: number) => (t[k] ??= []).push(v);
  const cmds: Record<Variant, number> = { steady: 0, full: 0 };
  try {
    const runs = ctx.runs(10);
    // Interleaved rounds: load from the rest of the machine drifts, and it then weighs on every column alike.
    for (let i = 0; i < runs; i++) {
      for (const v of VARIANTS) {
        push(`ours:${v}`, await timed(() => Promise.all(ids.map((id) => svc.collect(id, { full: v === 'full' }).then(online)))));
        push(`floor:${v}`, await timed(() => Promise.all(lab.hosts.map((h) => floorCycle(h, v)))));
        push(`naive:${v}`, await timed(async () => (cmds[v] = (await Promise.all(naive.map((x) => naiveCycle(x, v === 'full'))))[0]!)));
      }
      ctx.log(`${n} hosts: round ${i + 1}/${runs}`);
    }
    ctx.log(`ssh pool after the rounds: ${JSON.stringify(ts.container.pool.stats())}`);
  } finally {
    await ts.destroy();
  }
  const rows: (string | number)[][] = VARIANTS.map((v) => {
    const [ours, floor, nv] = ['ours', 'floor', 'naive'].map((k) => median(t[`${k}:${v}`]!));
    return [`${n} hosts, ${v}`, ms(ours!), ms(floor!), `${ms(nv!)} (${cmds[v] * n} conns)`, ratio(ours!, floor!), ratio(nv!, ours!)];
  });
  rows.push([`${n} hosts, first (cold: API enable = dial + full)`, ms(enableMs), '', '', '', '']);
  return rows;
}

export const collectBench: Bench = {
  name: 'collect',
  summary: 'one collection cycle of 3 and 10 hosts: ours (pooled SSH) vs floor (no SSH) vs naive (new SSH connection per command)',
  async run(ctx) {
    const rows = [...(await benchSize(ctx, 3)), ...(await benchSize(ctx, 10))];
    ctx.print(
      table(
        `collect: wall time of one cycle, all hosts at once (median of ${ctx.runs(10)})`,
        ['cycle', 'ours', 'floor (no SSH)', 'naive (SSH per command)', 'ours/floor', 'naive/ours'],
        rows,
      ),
    );
  },
};
