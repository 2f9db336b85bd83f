// Bench 2: what the API adds to a container action. `POST /api/docker/containers/:host/:ref/{stop,start}` (task row,
// per-container lock, `docker stop|start` over the pooled SSH connection, targeted re-inspect, answer with the new
// state) against the same `docker stop|start` run directly on the host's socket.
import { SEED } from '../test/lab/index.js';
import type { Bench } from './lib/context.js';
import { runInOwnSession } from './lib/own-session.js';
import { serverWatching } from './lib/server.js';
import { median, ms, p95, table, timed } from './lib/stats.js';

const CONTAINER = SEED.noisy; // a plain loop under --init (stop is immediate), no alert labels

export const actionBench: Bench = {
  name: 'action',
  summary: 'API start/stop of a container vs the same docker start/stop on the socket',
  async run(ctx) {
    const lab = await ctx.lab(3);
    const h = lab.hosts[0]!;
    const { ts, ids } = await serverWatching(lab, [h], { scheduler: false });
    const api = async (verb: 'start' | 'stop') => {
      const r = await ts.api('POST', `/api/docker/containers/${ids[0]}/${CONTAINER}/${verb}`, { role: 'operator' });
      const want = verb === 'start' ? 'running' : 'exited';
      if (r.status !== 200 || r.body.container?.state !== want) throw new Error(`API ${verb}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    };
    const direct = async (verb: 'start' | 'stop') => {
      // The docker CLI on the socket, in a session of its own like the sshd session the API's command runs in.
      const r = await runInOwnSession('docker', [verb, CONTAINER], { DOCKER_HOST: h.dockerHost, DOCKER_CLI_HINTS: 'false' });
      if (r.code !== 0) throw new Error(`docker ${verb}: ${r.stderr}`);
    };
    const t = { api: { stop: [] as number[], start: [] as number[] }, direct: { stop: [] as number[], start: [] as number[] } };
    try {
      await api('stop'); // warm-up: the SSH connection and the first task are not what this measures
      await api('start');
      const runs = ctx.runs(10);
      for (let i = 0; i < runs; i++) {
        for (const verb of ['stop', 'start'] as const) t.api[verb].push(await timed(() => api(verb)));
        for (const verb of ['stop', 'start'] as const) t.direct[verb].push(await timed(() => direct(verb)));
      }
    } finally {
      await ts.destroy();
      await h.docker(['start', CONTAINER]);
    }
    const rows = (['stop', 'start'] as const).map((v) => {
      const a = median(t.api[v]);
      const d = median(t.direct[v]);
      return [v, ms(a), ms(d), ms(a - d), ms(p95(t.api[v])), ms(p95(t.direct[v]))];
    });
    ctx.print(table(`action: API vs direct docker CLI (median of ${ctx.runs(10)})`, ['action', 'API', 'direct', 'overhead', 'API p95', 'direct p95'], rows));
  },
};
