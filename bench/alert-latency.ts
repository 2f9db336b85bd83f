// Bench: alert latency end to end. `docker kill` of a monitored container on a lab host -> the "opened" notification
// at a loopback ntfy receiver (the zero-config channel from HOMELAB_NTFY_URL), with the grace at 0 and at its
// default (10 s). Collection is hourly, so the `docker events` stream is what notices; the cooldown is 0 so every
// kill notifies. Seed figure: alert within 60 s and notification within 5 s of it; our aim: < 2 s beyond the grace.
import { startNtfyReceiver, type NtfyReceiver } from '../test/support/receivers/index.js';
import type { LabHost } from '../test/lab/index.js';
import type { Bench } from './lib/context.js';
import { serverWatching } from './lib/server.js';
import { median, ms, p95, sleep, table } from './lib/stats.js';

const CONTAINER = 'alert-bench';
const DEFAULT_GRACE_S = 10;

async function runContainer(h: LabHost): Promise<void> {
  await h.docker(['rm', '-f', CONTAINER]);
  const r = await h.docker(['run', '-d', '--name', CONTAINER, '--init', '--label', 'homelab.monitor=true', 'homelab/busybox:1', 'sh', '-c', 'while true; do sleep 1; done']);
  if (r.code !== 0) throw new Error(`docker run on ${h.name}: ${r.stderr}`);
}

const about = (prefix: string) => (m: { title?: string; message: string }) => !!m.title?.startsWith(prefix) && m.message.startsWith(`${CONTAINER}:`);

/** Kill -> opened notification, `runs` times; waits for the resolved message after each restart. */
async function measure(h: LabHost, ntfy: NtfyReceiver, runs: number, log: (s: string) => void): Promise<number[]> {
  const out: number[] = [];
  for (let i = -1; i < runs; i++) {
    const before = ntfy.messages.count(about('🚨'));
    const t0 = Date.now();
    const r = await h.docker(['kill', CONTAINER]);
    if (r.code !== 0) throw new Error(`docker kill on ${h.name}: ${r.stderr}`);
    const m = (await ntfy.messages.waitForCount(before + 1, about('🚨'), 60_000))[before]!;
    if (i >= 0) out.push(m.receivedAt - t0); // run -1 warms up (stream dialing, first queries), not counted
    const resolvedBefore = ntfy.messages.count(about('✅'));
    await h.docker(['start', CONTAINER]);
    await ntfy.messages.waitForCount(resolvedBefore + 1, about('✅'), 60_000);
    await sleep(300);
    if (i >= 0 && (i + 1) % 5 === 0) log(`${i + 1}/${runs}`);
  }
  return out;
}

export const alertLatencyBench: Bench = {
  name: 'alert-latency',
  summary: 'docker kill -> alert notification at an ntfy receiver (grace 0 and default)',
  async run(ctx) {
    const lab = await ctx.lab(3);
    const h = lab.hosts[0]!;
    const runs = ctx.runs(20);
    const rows: string[][] = [];
    for (const grace of [0, DEFAULT_GRACE_S]) {
      const ntfy = await startNtfyReceiver();
      await runContainer(h);
      const { ts } = await serverWatching(lab, [h], {
        scheduler: true,
        env: { HOMELAB_NTFY_URL: ntfy.url, HOMELAB_ALERT_GRACE: String(grace), HOMELAB_ALERT_COOLDOWN: '0', HOMELAB_DOCKER_COLLECT_INTERVAL: '3600' },
      });
      try {
        await sleep(2_000); // the events stream and its catch-up collection
        ctx.log(`grace ${grace} s: ${runs} kills`);
        const l = await measure(h, ntfy, runs, ctx.log.bind(ctx));
        const beyond = l.map((x) => x - grace * 1000);
        rows.push([`grace ${grace} s: kill -> notification`, ms(median(l)), ms(p95(l)), ms(Math.min(...l)), ms(Math.max(...l))]);
        if (grace > 0) rows.push([`grace ${grace} s: beyond the grace`, ms(median(beyond)), ms(p95(beyond)), ms(Math.min(...beyond)), ms(Math.max(...beyond))]);
      } finally {
        await ts.destroy();
        await ntfy.close();
        await h.docker(['rm', '-f', CONTAINER]);
      }
    }
    ctx.print(table(`alert-latency: docker kill -> ntfy notification (${runs} kills each, events path, cooldown 0)`, ['measure', 'median', 'p95', 'min', 'max'], rows));
  },
};

export default alertLatencyBench;
