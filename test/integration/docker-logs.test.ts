// Live reads of real containers: logs (stdout and stderr told apart, tail and since), live logs over the WebSocket
// with the remote `docker logs -f` stopped when the last subscriber leaves, inspect with secret env values masked for
// non-admins, and stats.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, sharedLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';
import { docker, dockerJsonLines, enableHost, remoteProcs, sleep, until, wsAfter } from './docker-support.js';

let ts: TestServer;
let lab: Lab;
let h: LabHost;
let hostId: number;
let noisyId: string;
const SECRET = 'hunter2-s3cr3t-value';
const clients: WsTestClient[] = [];

beforeAll(async () => {
  lab = sharedLab();
  h = lab.hosts[1]!;
  ts = await startTestServer({ sshKeyFile: lab.clientKeyPath });
  await h.docker(['rm', '-f', 'logs-secret']);
  await docker(h, [
    'run', '-d', '--name', 'logs-secret', '--init',
    '-e', 'DB_PASSWORD=x', '-e', `API_TOKEN=${SECRET}`, '-e', 'PLAIN_SETTING=visible',
    'homelab/busybox:1', 'sh', '-c', 'while true; do sleep 1; done',
  ]);
  ({ id: hostId } = await enableHost(ts, 'logs-1', h));
  noisyId = JSON.parse(await docker(h, ['inspect', SEED.noisy]))[0].Id;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await ts?.destroy();
  await h?.docker(['rm', '-f', 'logs-secret']);
});

const logsUrl = (ref: string, q = '') => `/api/docker/containers/${hostId}/${encodeURIComponent(ref)}/logs${q}`;

/** `docker logs --timestamps` straight on the socket: every line with its stream. */
async function directLogs(ref: string): Promise<Set<string>> {
  const out = await h.docker(['logs', '--timestamps', ref]);
  const set = new Set<string>();
  for (const [stream, text] of [['stdout', out.stdout], ['stderr', out.stderr]] as const) {
    for (const line of text.split('\n').filter(Boolean)) {
      const i = line.indexOf(' ');
      set.add(JSON.stringify({ ts: line.slice(0, i), stream, text: line.slice(i + 1) }));
    }
  }
  return set;
}

function connect(role: 'viewer' | 'operator' = 'viewer') {
  const c = WsTestClient.connect(ts.url, ts.tokens[role]);
  clients.push(c);
  return c;
}

const followers = () => remoteProcs(h, 'docker logs').filter((pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(noisyId);
  } catch {
    return false;
  }
});

describe('logs', () => {
  it('returns the real lines of `exited`: out on stdout, err on stderr', async () => {
    const r = await ts.api('GET', logsUrl(SEED.exited), { role: 'viewer' });
    expect(r.status).toBe(200);
    // Docker timestamps stdout and stderr on separate pipes: which of two lines written a few µs apart comes first
    // is the daemon's, not ours. What matters: both lines, each on its own stream.
    expect(r.body.lines.map((l: any) => [l.stream, l.text]).sort()).toEqual([
      ['stderr', 'err'],
      ['stdout', 'out'],
    ]);
    for (const l of r.body.lines) expect(await directLogs(SEED.exited)).toContain(JSON.stringify(l));
    const plain = await ts.api('GET', logsUrl(SEED.exited, '?timestamps=false'), { role: 'viewer' });
    expect(plain.body.lines).toHaveLength(2);
    expect(plain.body.lines).toEqual(
      expect.arrayContaining([
        { ts: null, stream: 'stdout', text: 'out' },
        { ts: null, stream: 'stderr', text: 'err' },
      ]),
    );
  });

  it('returns the real lines of `noisy` (tick on stdout, warn on stderr), the last `tail` of them, in time order', async () => {
    const r = await ts.api('GET', logsUrl(SEED.noisy, '?tail=10'), { role: 'viewer' });
    expect(r.status).toBe(200);
    expect(r.body.lines).toHaveLength(10);
    const direct = await directLogs(SEED.noisy);
    for (const l of r.body.lines) {
      expect(direct, `line ${JSON.stringify(l)} is not in docker logs`).toContain(JSON.stringify(l));
      expect(l.text).toMatch(l.stream === 'stdout' ? /^tick \d+$/ : /^warn \d+$/);
    }
    expect(new Set(r.body.lines.map((l: any) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
    const times = r.body.lines.map((l: any) => Date.parse(l.ts));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // By id and by name: the same container.
    expect((await ts.api('GET', logsUrl(noisyId.slice(0, 12), '?tail=1'))).body.lines).toHaveLength(1);
  });

  it('a container removed behind our back (still listed until the next collection): 404 saying so, not an empty log', async () => {
    await h.docker(['rm', '-f', 'logs-gone']);
    await docker(h, ['run', '--name', 'logs-gone', 'homelab/busybox:1', 'echo', 'bye']);
    await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
    expect((await ts.api('GET', logsUrl('logs-gone'))).body.lines.map((l: any) => l.text)).toEqual(['bye']);
    await docker(h, ['rm', 'logs-gone']);
    const r = await ts.api('GET', logsUrl('logs-gone'), { role: 'viewer' });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', message: expect.stringMatching(/No such container/) });
  });

  it('bounds tail (1..5000: 6000 and 0 are 422, 5000 is fine)', async () => {
    for (const bad of ['6000', '0', '-1', 'abc']) {
      const r = await ts.api('GET', logsUrl(SEED.noisy, `?tail=${bad}`), { role: 'viewer' });
      expect(r.status, `tail=${bad}`).toBe(422);
    }
    expect((await ts.api('GET', logsUrl(SEED.noisy, '?tail=5000'), { role: 'viewer' })).status).toBe(200);
  });

  it('since keeps only the lines from that time on (RFC 3339 and durations)', async () => {
    await sleep(2500);
    const cut = new Date(Date.now() - 1500).toISOString();
    const r = await ts.api('GET', logsUrl(SEED.noisy, `?tail=5000&since=${encodeURIComponent(cut)}`), { role: 'viewer' });
    expect(r.status).toBe(200);
    expect(r.body.lines.length).toBeGreaterThan(0);
    expect(r.body.lines.length).toBeLessThan(20);
    for (const l of r.body.lines) expect(Date.parse(l.ts)).toBeGreaterThanOrEqual(Date.parse(cut));
    const all = await ts.api('GET', logsUrl(SEED.noisy, '?tail=5000'), { role: 'viewer' });
    expect(all.body.lines.length).toBeGreaterThan(r.body.lines.length);
    const recent = await ts.api('GET', logsUrl(SEED.noisy, '?tail=5000&since=3s'), { role: 'viewer' });
    expect(recent.status).toBe(200);
    expect(recent.body.lines.length).toBeGreaterThan(0);
    expect(recent.body.lines.length).toBeLessThan(all.body.lines.length);
    const future = await ts.api('GET', logsUrl(SEED.noisy, `?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`), { role: 'viewer' });
    expect(future.body.lines).toEqual([]);
  });
});

describe('live logs over the WebSocket', () => {
  it('streams new tick lines of noisy and stops the remote docker logs -f when the subscriber unsubscribes', async () => {
    expect(followers()).toEqual([]);
    const ws = connect();
    await ws.waitFor((m) => m.type === 'hello');
    const last = (await ts.api('GET', logsUrl(SEED.noisy, '?tail=1'))).body.lines[0];
    const from = ws.received.length;
    ws.send({ type: 'logs_subscribe', host_id: hostId, container_id: SEED.noisy });
    const ack = (await wsAfter(ws, from, (m) => m.type === 'logs')).msg;
    expect(ack).toEqual({ type: 'logs', subscription: expect.any(String), lines: [] });
    expect(followers()).toHaveLength(1);
    // New lines from both streams, newer than what was there before subscribing.
    await until('tick and warn lines', async () => {
      const lines = ws.messages('logs').filter((m) => m.subscription === ack.subscription).flatMap((m) => m.lines);
      return lines.some((l: any) => l.stream === 'stdout' && /^tick \d+$/.test(l.text)) && lines.some((l: any) => l.stream === 'stderr' && /^warn \d+$/.test(l.text));
    }, 10_000);
    const lines = ws.messages('logs').filter((m) => m.subscription === ack.subscription).flatMap((m) => m.lines);
    for (const l of lines) expect(Date.parse(l.ts)).toBeGreaterThan(Date.parse(last.ts));
    const ticks = lines.filter((l: any) => l.stream === 'stdout').map((l: any) => Number(l.text.split(' ')[1]));
    expect(ticks[0]).toBeGreaterThan(Number(last.text.split(' ')[1]) - 1);

    ws.send({ type: 'logs_unsubscribe', subscription: ack.subscription });
    await until('the remote docker logs -f to end', async () => followers().length === 0, 10_000);
    // Nothing more arrives for that subscription.
    const count = ws.messages('logs').length;
    await sleep(1500);
    expect(ws.messages('logs').length).toBe(count);
  });

  it('two subscribers share one remote process; it ends when the last one closes its WebSocket', async () => {
    const a = connect();
    const b = connect('operator');
    await Promise.all([a.waitFor((m) => m.type === 'hello'), b.waitFor((m) => m.type === 'hello')]);
    a.send({ type: 'logs_subscribe', host_id: hostId, container_id: SEED.noisy });
    await a.waitFor((m) => m.type === 'logs');
    b.send({ type: 'logs_subscribe', host_id: hostId, container_id: noisyId });
    await b.waitFor((m) => m.type === 'logs');
    expect(followers()).toHaveLength(1);
    await b.waitFor((m) => m.type === 'logs' && m.lines.length > 0, 10_000);
    a.close();
    await sleep(1000);
    expect(followers()).toHaveLength(1);
    b.close();
    await until('the remote docker logs -f to end after the last close', async () => followers().length === 0, 10_000);
  });

  it('keeps streaming across a restart of the container (the remote docker logs -f ends when it stops)', async () => {
    const ws = connect();
    await ws.waitFor((m) => m.type === 'hello');
    ws.send({ type: 'logs_subscribe', host_id: hostId, container_id: SEED.noisy });
    const sub = (await ws.waitFor((m) => m.type === 'logs')).subscription;
    const ticks = () => ws.messages('logs').filter((m) => m.subscription === sub).flatMap((m) => m.lines).filter((l: any) => /^tick \d+$/.test(l.text));
    await until('a first tick', async () => ticks().length > 0, 10_000);
    const r = await ts.api('POST', `/api/docker/containers/${hostId}/${SEED.noisy}/restart`, { role: 'operator' });
    expect(r.status).toBe(200);
    const startedAt = Date.parse(r.body.container.started_at);
    // The restarted loop counts from 1 again: "tick 1", "tick 2"... must reach the same subscriber.
    await until('ticks of the restarted container', async () => ticks().some((l: any) => Date.parse(l.ts) > startedAt), 15_000);
    expect(ticks().filter((l: any) => Date.parse(l.ts) > startedAt)[0].text).toMatch(/^tick [12]$/);
    // Nothing sent twice when the feed picked up again from its last line.
    const all = ws.messages('logs').filter((m) => m.subscription === sub).flatMap((m) => m.lines);
    expect(new Set(all.map((l: any) => `${l.stream} ${l.ts}`)).size).toBe(all.length);
    ws.close();
    await until('the remote docker logs -f to end after the close', async () => followers().length === 0, 10_000);
  });

  it('refuses a bad subscription with an error message, and starts nothing', async () => {
    const ws = connect();
    await ws.waitFor((m) => m.type === 'hello');
    ws.send({ type: 'logs_subscribe', host_id: hostId, container_id: 'noisy; touch /tmp/hl-pwned-ws' });
    expect(await ws.waitFor((m) => m.type === 'error')).toMatchObject({ error: expect.any(String) });
    ws.send({ type: 'logs_subscribe', host_id: hostId, container_id: 'no-such-container' });
    await until('two errors', async () => ws.messages('error').length >= 2);
    expect(followers()).toEqual([]);
  });
});

describe('inspect and stats', () => {
  it('inspect returns the full JSON; secret-looking env values are masked for operator and viewer, shown to admin', async () => {
    const direct = JSON.parse(await docker(h, ['inspect', 'logs-secret']))[0];
    const admin = await ts.api('GET', `/api/docker/containers/${hostId}/logs-secret/inspect`, { role: 'admin' });
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual(direct);
    expect(admin.body.Config.Env).toEqual(expect.arrayContaining(['DB_PASSWORD=x', `API_TOKEN=${SECRET}`, 'PLAIN_SETTING=visible']));
    for (const role of ['operator', 'viewer'] as const) {
      const r = await ts.api('GET', `/api/docker/containers/${hostId}/logs-secret/inspect`, { role });
      expect(r.status).toBe(200);
      expect(r.body.Id).toBe(direct.Id);
      expect(r.body.State.Status).toBe('running');
      expect(r.body.Config.Env).toEqual(expect.arrayContaining(['DB_PASSWORD=********', 'API_TOKEN=********', 'PLAIN_SETTING=visible']));
      expect(JSON.stringify(r.body)).not.toContain(SECRET);
      expect(r.body.Config.Env).not.toContain('DB_PASSWORD=x');
    }
  });

  it('stats: cpu and memory of every running container, and of one', async () => {
    const r = await ts.api('GET', `/api/docker/hosts/${hostId}/stats`, { role: 'viewer' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // What `docker ps` (no -a) lists: running and paused containers.
    const running = await dockerJsonLines(h, ['ps', '--no-trunc']);
    expect(running.map((p) => p.Names)).toEqual(expect.arrayContaining([SEED.noisy, SEED.paused, 'logs-secret']));
    expect(r.body.stats.map((s: any) => s.container_id).sort()).toEqual(running.map((p) => p.ID).sort());
    for (const s of r.body.stats) {
      expect(s.cpu_percent).toEqual(expect.any(Number));
      expect(s.cpu_percent).toBeGreaterThanOrEqual(0);
      expect(s.mem_used_bytes).toBeGreaterThan(0);
      expect(s.mem_limit_bytes).toBeGreaterThan(s.mem_used_bytes);
      expect(s.pids).toBeGreaterThanOrEqual(1);
    }
    const one = await ts.api('GET', `/api/docker/containers/${hostId}/${SEED.noisy}/stats`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body.stats).toHaveLength(1);
    expect(one.body.stats[0]).toMatchObject({ container_id: noisyId, name: SEED.noisy, mem_used_bytes: expect.any(Number) });
  });
});
