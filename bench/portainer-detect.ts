// Bench: detection latency through Portainer's Docker proxy, for both kinds of environment. `docker kill` on the
// dockerd behind an environment -> `docker_container_updated` (state no longer running) on a WebSocket client. The
// dashboard talks only to the Portainer simulator (test/support/portainer), whose proxy copies a local-socket
// environment's stream without flushing (Go's buffered ResponseWriter, reference §8), so its events arrive in ~4 KB
// lumps; an agent environment's stream is flushed. The collection runs at its default minute: what a user gets, so
// a local-socket environment's figure is "the lump or the minute's collection, whichever comes first".
import { SEED, type LabHost } from '../test/lab/index.js';
import { startPortainerSim } from '../test/support/portainer/sim.js';
import { startTestServer } from '../test/support/app.js';
import { WsTestClient } from '../test/support/ws-client.js';
import type { Bench } from './lib/context.js';
import { median, ms, p95, sleep, table } from './lib/stats.js';

const CONTAINER = SEED.noisy;
const sock = (h: LabHost) => h.dockerHost.replace(/^unix:\/\//, '');

async function arrival(c: WsTestClient, from: number, pred: (m: any) => boolean, timeoutMs: number): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.received.slice(from).find((r) => pred(r.msg));
    if (hit) return hit.at;
    if (Date.now() > until) return null;
    await sleep(10);
  }
}

export const portainerDetectBench: Bench = {
  name: 'portainer-detect',
  summary: 'docker kill behind a Portainer environment (local socket, agent) -> docker_container_updated on WS',
  async run(ctx) {
    const lab = await ctx.lab(2);
    const sim = await startPortainerSim({
      users: [{ username: 'admin', password: 'bench-password', role: 'admin' }],
      apiKeys: [{ username: 'admin' }],
      endpoints: [
        { name: 'pt-local', type: 1, socketPath: sock(lab.hosts[0]!) },
        { name: 'pt-agent', type: 2, socketPath: sock(lab.hosts[1]!) },
      ],
    });
    const ts = await startTestServer({ scheduler: true });
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    const rows: string[][] = [];
    try {
      const made = await ts.api('POST', '/api/portainer/servers', { body: { name: 'bench', url: sim.url, api_key: sim.apiKeys.get('admin'), sync_interval_s: 3600 } });
      if (made.status !== 201) throw new Error(`adding the Portainer server: HTTP ${made.status} ${JSON.stringify(made.body)}`);
      const synced = await ts.api('POST', `/api/portainer/servers/${made.body.id}/sync`);
      if (synced.status !== 200 || synced.body.created !== 2) throw new Error(`sync: HTTP ${synced.status} ${JSON.stringify(synced.body)}`);
      const hosts = ((await ts.api('GET', '/api/hosts')).body.hosts as { id: number; name: string }[]).filter((h) => h.name.startsWith('pt-'));
      await ws.waitFor((m) => m.type === 'hello');
      // The events streams dial after the first collection; give them a moment, then warm each up with one kill.
      await sleep(3000);
      const runs = ctx.runs(8);
      for (const [i, name] of ['pt-local', 'pt-agent'].entries()) {
        const h = lab.hosts[i]!;
        const hostId = hosts.find((x) => x.name === name)!.id;
        const is = (state: (s: string) => boolean) => (m: any) =>
          m.type === 'docker_container_updated' && m.host_id === hostId && m.container.name === CONTAINER && state(m.container.state);
        const latencies: number[] = [];
        let missed = 0;
        for (let r = -1; r < runs; r++) {
          await sleep(1200); // past the WS coalescer's one-second window
          const mark = ws.received.length;
          const t0 = Date.now();
          const k = await h.docker(['kill', CONTAINER]);
          if (k.code !== 0) throw new Error(`docker kill on ${h.name}: ${k.stderr}`);
          // 70 s: past the minute's collection, the safety net of a quiet local-socket stream.
          const at = await arrival(ws, mark, is((s) => s !== 'running'), 70_000);
          if (r >= 0) at === null ? missed++ : latencies.push(at - t0);
          ctx.log(`${name} run ${r}: ${at === null ? 'not seen' : `${at - t0} ms`}`);
          const back = ws.received.length;
          await h.docker(['start', CONTAINER]);
          // a collection now, so the next run starts from "running" without waiting for a late lump
          await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
          await arrival(ws, back, is((s) => s === 'running'), 70_000);
        }
        rows.push([
          name === 'pt-local' ? 'local socket (type 1)' : 'agent (type 2)',
          String(latencies.length), ms(median(latencies)), ms(p95(latencies)), ms(Math.min(...latencies)), ms(Math.max(...latencies)), String(missed),
        ]);
      }
    } finally {
      ws.close();
      await ts.destroy();
      await sim.stop();
    }
    ctx.print(table('portainer-detect: docker kill -> docker_container_updated on WS, through the Portainer proxy',
      ['environment', 'kills', 'median', 'p95', 'min', 'max', 'not seen in 70 s'], rows));
  },
};
