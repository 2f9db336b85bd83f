// Bench 3: detection latency through the events path. `docker kill` on a host -> `docker_container_updated` (state
// no longer running) on a WebSocket client. Scheduler on with a one-hour collect interval, so only the `docker
// events` stream can be what notices.
import { SEED } from '../test/lab/index.js';
import { WsTestClient } from '../test/support/ws-client.js';
import type { Bench } from './lib/context.js';
import { serverWatching } from './lib/server.js';
import { median, ms, p95, sleep, table } from './lib/stats.js';

const CONTAINER = SEED.noisy;

/** Arrival time (Date.now() at the client) of the first message from index `from` on that matches. */
async function arrival(c: WsTestClient, from: number, pred: (m: any) => boolean, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.received.slice(from).find((r) => pred(r.msg));
    if (hit) return hit.at;
    if (Date.now() > until) throw new Error(`no matching WebSocket message within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export const detectBench: Bench = {
  name: 'detect',
  summary: 'docker kill -> docker_container_updated on a WebSocket client (events path)',
  async run(ctx) {
    const lab = await ctx.lab(3);
    const { ts, ids } = await serverWatching(lab, lab.hosts, { scheduler: true, env: { HOMELAB_DOCKER_COLLECT_INTERVAL: '3600' } });
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    const latencies: number[] = [];
    const killCli: number[] = [];
    const is = (hostId: number, state: (s: string) => boolean) => (m: any) =>
      m.type === 'docker_container_updated' && m.host_id === hostId && m.container.name === CONTAINER && state(m.container.state);
    try {
      await ws.waitFor((m) => m.type === 'hello');
      const runs = ctx.runs(20);
      // Run -1 per host warms up (the events streams may still be dialing); it is not counted.
      for (let i = -lab.hosts.length; i < runs; i++) {
        const k = (i + lab.hosts.length) % lab.hosts.length;
        const h = lab.hosts[k]!;
        const hostId = ids[k]!;
        // Past the coalescer's one-second window of this container's last message: each run stands alone.
        await sleep(1200);
        const mark = ws.received.length;
        const t0 = Date.now();
        const r = await h.docker(['kill', CONTAINER]);
        if (r.code !== 0) throw new Error(`docker kill on ${h.name}: ${r.stderr}`);
        const killed = Date.now();
        const at = await arrival(ws, mark, is(hostId, (s) => s !== 'running'), 30_000);
        if (i >= 0) {
          latencies.push(at - t0);
          killCli.push(killed - t0);
        }
        const back = ws.received.length;
        await h.docker(['start', CONTAINER]);
        await arrival(ws, back, is(hostId, (s) => s === 'running'), 30_000);
      }
    } finally {
      ws.close();
      await ts.destroy();
    }
    ctx.print(
      table(
        `detect: docker kill -> docker_container_updated on WS (${latencies.length} kills over ${lab.hosts.length} hosts)`,
        ['measure', 'median', 'p95', 'min', 'max'],
        [
          ['kill issued -> WS message', ms(median(latencies)), ms(p95(latencies)), ms(Math.min(...latencies)), ms(Math.max(...latencies))],
          ['of which the docker kill CLI', ms(median(killCli)), ms(p95(killCli)), ms(Math.min(...killCli)), ms(Math.max(...killCli))],
        ],
      ),
    );
  },
};
