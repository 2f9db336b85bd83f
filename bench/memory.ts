// Bench 4: the server's resident memory while it watches 10 lab hosts (Docker enabled on all, scheduler on, default
// 60 s collection, one `docker events` stream per host, host metrics, one browser-like WebSocket client) for N
// minutes, sampled every 5 s from /proc. The server runs as `node dist/main.js` in its own process. Budget: 150 MB.
import { WsTestClient } from '../test/support/ws-client.js';
import { LAB_USER } from '../test/lab/index.js';
import type { Bench } from './lib/context.js';
import { ServerProcess } from './lib/server-process.js';
import { mib, sleep, table } from './lib/stats.js';

const BUDGET_MB = 150;
const EVERY_MS = 5_000;

/** Least-squares slope of (t, y) in y-units per hour. */
function slopePerHour(points: { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den ? (num / den) * 3600_000 : Number.NaN;
}

export const memoryBench: Bench = {
  name: 'memory',
  summary: 'server RSS (own process) while watching 10 hosts for --minutes N (default 10), sampled every 5 s',
  async run(ctx) {
    const lab = await ctx.lab(10);
    const srv = await ServerProcess.start({ HOMELAB_SSH_KEY_FILE: lab.clientKeyPath });
    let ws: WsTestClient | null = null;
    const samples: { t: number; rssKb: number; cpuS: number }[] = [];
    let idle, watching, last;
    try {
      idle = srv.sample();
      const ids: number[] = [];
      for (const h of lab.hosts) ids.push((await srv.api('POST', '/api/hosts', { name: h.name, host: h.address, port: h.port, username: LAB_USER })).id);
      await Promise.all(ids.map((id) => srv.api('POST', `/api/docker/hosts/${id}/enable`)));
      ws = WsTestClient.connect(srv.url, srv.token);
      await ws.waitFor((m) => m.type === 'hello');
      watching = srv.sample();
      const t0 = Date.now();
      const end = t0 + ctx.args.minutes * 60_000;
      let nextLog = t0 + 60_000;
      while (Date.now() < end) {
        await sleep(EVERY_MS);
        if (srv.child.exitCode !== null) throw new Error(`server died: ${srv.lastLogs().join('\n')}`);
        const s = srv.sample();
        samples.push({ t: Date.now() - t0, rssKb: s.rssKb, cpuS: s.cpuS });
        if (Date.now() >= nextLog) {
          ctx.log(`memory: minute ${Math.round((Date.now() - t0) / 60_000)}: RSS ${mib(s.rssKb)}, ${ws.received.length} WS messages`);
          nextLog += 60_000;
        }
      }
      last = srv.sample();
      const summary = await srv.api('GET', '/api/docker/hosts');
      const online = summary.hosts.filter((h: { docker_status: string }) => h.docker_status === 'online').length;
      ctx.log(`memory: ${online}/${ids.length} hosts online at the end; ${srv.logLines} log lines (warn+) from the server`);
      if (srv.logLines) ctx.log(`last server logs:\n${srv.lastLogs().slice(-5).join('\n')}`);
    } finally {
      ws?.close();
      await srv.stop();
    }
    const peak = Math.max(...samples.map((s) => s.rssKb));
    const peakAt = samples.find((s) => s.rssKb === peak)!.t / 1000;
    const minutes = samples.at(-1)!.t / 60_000;
    // The first minute holds the warm-up (first collections, JIT, SQLite cache): the trend is taken after it.
    const trend = slopePerHour(samples.filter((s) => s.t >= 60_000).map((s) => ({ t: s.t, y: s.rssKb / 1024 })));
    const cpuPct = ((last.cpuS - watching.cpuS) / (samples.at(-1)!.t / 1000)) * 100;
    ctx.print(
      table(
        `memory: server RSS watching ${lab.hosts.length} hosts for ${minutes.toFixed(1)} min (${samples.length} samples, every ${EVERY_MS / 1000} s; budget ${BUDGET_MB} MB)`,
        ['measure', 'value'],
        [
          ['boot (first health answer)', mib(srv.bootRssKb)],
          ['idle (admin logged in, no hosts)', mib(idle.rssKb)],
          ['start (10 hosts enabled, WS client on)', mib(watching.rssKb)],
          ['peak (sampled)', `${mib(peak)} at ${peakAt.toFixed(0)} s`],
          ['peak (kernel VmHWM, whole life)', mib(last.hwmKb)],
          ['end', mib(last.rssKb)],
          ['  of which anonymous (heap, buffers)', mib(last.anonKb)],
          ['end - start', `${((last.rssKb - watching.rssKb) / 1024).toFixed(1)} MiB`],
          ['trend after minute 1', Number.isFinite(trend) ? `${trend.toFixed(1)} MiB/hour` : '- (run longer)'],
          ['server CPU while watching', `${cpuPct.toFixed(1)} % of one core`],
          ['WS messages received', String(ws?.received.length ?? 0)],
          [`peak vs budget (${BUDGET_MB} MB = ${(BUDGET_MB * 1e6 / 1048576).toFixed(0)} MiB)`, `${((peak * 1024) / (BUDGET_MB * 1e6) * 100).toFixed(0)} %`],
        ],
      ),
    );
  },
};
