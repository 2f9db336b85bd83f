/**
 * LocalTransport against a real dockerd (started here, LAB.md recipe, in its own short directory) and the
 * real docker CLI: the command lines of commands.ts run for real, and what they print goes through the
 * parsers. Needs root, dockerd and busybox-static (the lab's Debian packages).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as c from './commands.js';
import { CliEngine } from './cli-engine.js';
import { EngineError } from './engine.js';
import { LocalOutputLimitError, LocalTimeoutError, LocalTransport } from './local-transport.js';
import { composeTarget, parseCollectOutput, parseEventLine, parseInspect, parseLogs, parseMetrics, parsePruneOutput, parseStats, parseVersion } from './parse.js';

const D = `/tmp/hlt${process.pid % 100000}`;
const DOCKER_HOST = `unix://${D}/d.sock`;
const IMG = 'homelab/busybox:1';
let dockerd: ChildProcess;
const t = new LocalTransport({ dockerHost: DOCKER_HOST, killGraceMs: 500 });

/** Test setup only (not the product): the plain docker CLI on our daemon. */
function docker(...args: string[]): string {
  return execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function state(name: string): string {
  return docker('inspect', '-f', '{{.State.Status}}', name);
}

/** Is a process whose command line contains `marker` still alive? */
function running(marker: string): boolean {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').some((l) => l.includes(marker) && !l.includes('ps -eo'));
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cleanupDir(): void {
  for (const m of readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((p) => p?.startsWith(`${D}/`)).reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
  rmSync(D, { recursive: true, force: true });
}

beforeAll(async () => {
  cleanupDir();
  mkdirSync(`${D}/rootfs/bin`, { recursive: true });
  // A wide address pool: the machine-wide default pools run out when killed dockerds leave their bridges behind.
  writeFileSync(`${D}/daemon.json`, JSON.stringify({ 'deprecated-key-path': `${D}/key.json`, 'default-address-pools': [{ base: '10.224.0.0/12', size: 24 }] }));
  dockerd = spawn(
    'dockerd',
    ['--iptables=false', '--ip-masq=false', '--bridge=none', '--storage-driver=vfs', '--data-root', `${D}/data`, '--exec-root', `${D}/x`,
      '-H', DOCKER_HOST, '--pidfile', `${D}/docker.pid`, '--config-file', `${D}/daemon.json`],
    { stdio: 'ignore' },
  );
  await until(() => {
    try {
      docker('version');
      return true;
    } catch {
      return false;
    }
  }, 30_000);
  copyFileSync('/bin/busybox', `${D}/rootfs/bin/busybox`);
  execFileSync('chmod', ['755', `${D}/rootfs/bin/busybox`]);
  for (const a of ['sh', 'sleep', 'echo', 'true', 'false', 'httpd']) symlinkSync('busybox', `${D}/rootfs/bin/${a}`);
  execFileSync('sh', ['-c', `tar -C ${D}/rootfs -c . | docker import -c 'CMD ["sh"]' - ${IMG}`], { env: { ...process.env, DOCKER_HOST } });
  docker('run', '-d', '--init', '--name', 'web', '--label', 'homelab.monitor=true', IMG, 'sleep', '100000');
  docker('run', '-d', '--name', 'exited', IMG, 'sh', '-c', 'echo out; echo err >&2; exit 3');
  expect(docker('wait', 'exited')).toBe('3');
}, 90_000);

afterAll(async () => {
  try {
    docker('rm', '-f', ...docker('ps', '-aq').split('\n').filter(Boolean));
  } catch {
    // nothing to remove
  }
  try {
    docker('network', 'prune', '-f'); // its bridge would outlive the daemon on this machine
  } catch {
    // the daemon is already gone
  }
  dockerd?.kill('SIGTERM');
  await until(() => !existsSync(`${D}/docker.pid`), 20_000).catch(() => dockerd.kill('SIGKILL'));
  cleanupDir();
}, 60_000);

describe('LocalTransport.exec', () => {
  it('runs the version probe against the daemon of DOCKER_HOST', async () => {
    const r = await t.exec(c.dockerVersion());
    expect(r.code).toBe(0);
    expect(parseVersion(r.stdout)?.server).toMatch(/^20\.10\./);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a failing command resolves with its exit code and stderr, it does not throw', async () => {
    const r = await t.exec(c.containerAction('start', 'nosuchcontainer'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such container: nosuchcontainer');
  });

  it('a deadline kills the whole process group and rejects with LocalTimeoutError', async () => {
    const since = `${Math.floor(Date.now() / 1000)}.${process.pid}`; // makes this command line unique
    const started = Date.now();
    await expect(t.exec(c.events({ since }), { timeoutMs: 400 })).rejects.toBeInstanceOf(LocalTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    await until(() => !running(`--since '${since}'`) && !running(`--since ${since}`), 5_000);
  });

  it('the docker CLI gets DOCKER_HOST and PATH, never the server\'s HOMELAB_* secrets', async () => {
    // a "docker" first on PATH that prints the environment it was given, run by a real command line of commands.ts
    const bin = `${D}/envbin`;
    mkdirSync(bin, { recursive: true });
    writeFileSync(`${bin}/docker`, '#!/bin/sh\nenv\n', { mode: 0o755 });
    const saved = { PATH: process.env.PATH, HOMELAB_SECRET_KEY: process.env.HOMELAB_SECRET_KEY, HOMELAB_ADMIN_PASSWORD: process.env.HOMELAB_ADMIN_PASSWORD };
    try {
      Object.assign(process.env, { PATH: `${bin}:${process.env.PATH}`, HOMELAB_SECRET_KEY: 'k'.repeat(44), HOMELAB_ADMIN_PASSWORD: 'hunter2-secret' });
      const out = (await new LocalTransport({ dockerHost: DOCKER_HOST }).exec(c.dockerVersion())).stdout;
      const vars = new Map(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(vars.get('DOCKER_HOST')).toBe(DOCKER_HOST);
      expect(vars.get('PATH')).toContain(bin);
      expect([...vars.keys()].filter((k) => k.startsWith('HOMELAB_'))).toEqual([]);
      expect(out).not.toContain('hunter2-secret');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('too much output kills the command', async () => {
    await expect(t.exec(c.dockerVersion(), { maxOutputBytes: 10 })).rejects.toBeInstanceOf(LocalOutputLimitError);
  });

  it('host metrics and uname run on this machine', async () => {
    const r = await t.exec(c.hostMetrics());
    const { metrics, errors } = parseMetrics(r.stdout);
    expect(errors).toEqual([]);
    expect(metrics.cpu_count).toBeGreaterThan(0);
    expect((await t.exec(c.uname())).stdout).toMatch(/^Linux /);
  });
});

describe('the built command lines on a real daemon', () => {
  it('collect: what the parser finds is exactly what docker ps -a lists', async () => {
    const r = await t.exec(c.collectScript({ inspect: 'all' }));
    expect(r.code).toBe(0);
    const out = parseCollectOutput(r.stdout);
    expect(out.errors).toEqual([]);
    expect(out.containers.map((x) => x.container_id).sort()).toEqual(docker('ps', '-aq', '--no-trunc').split('\n').sort());
    const byName = new Map(out.containers.map((x) => [x.name, x]));
    expect(byName.get('web')).toMatchObject({ state: 'running', inspected: true, labels: { 'homelab.monitor': 'true' } });
    expect(byName.get('exited')).toMatchObject({ state: 'exited', exit_code: 3 });
    expect(out.images[0].repo_tags).toEqual([IMG]);
  });

  it('collect with chosen ids inspects only those', async () => {
    const id = docker('inspect', '-f', '{{.Id}}', 'exited');
    const out = parseCollectOutput((await t.exec(c.collectScript({ inspect: [id] }))).stdout);
    expect(out.inspects.map((i) => i.Id)).toEqual([id]);
    expect(out.containers.find((x) => x.name === 'web')?.inspected).toBe(false);
  });

  it('inspectContainers by name and id: a missing one fails the command, the others are still parsed', async () => {
    const id = docker('inspect', '-f', '{{.Id}}', 'exited');
    const r = await t.exec(c.inspectContainers(['web', id, 'nosuch']));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such container: nosuch');
    const { inspects } = parseInspect(r.stdout);
    expect(inspects.map((i) => i.Name)).toEqual(['/web', '/exited']);
  });

  it('every container action changes the real container', async () => {
    const run = async (a: c.ContainerAction, opts?: c.ContainerActionOptions) => {
      const r = await t.exec(c.containerAction(a, 'web', opts));
      expect(r.code, r.stderr).toBe(0);
    };
    await run('pause');
    expect(state('web')).toBe('paused');
    await run('unpause');
    expect(state('web')).toBe('running');
    await run('stop', { timeoutS: 1 });
    expect(state('web')).toBe('exited');
    await run('start');
    expect(state('web')).toBe('running');
    await run('restart', { timeoutS: 1 });
    expect(state('web')).toBe('running');
    await run('kill', { signal: 'SIGKILL' });
    expect(state('web')).toBe('exited');
    await run('start');
    docker('create', '--name', 'doomed', IMG, 'true');
    expect((await t.exec(c.containerAction('remove', 'doomed', { force: true, volumes: true }))).code).toBe(0);
    expect(docker('ps', '-aq', '--filter', 'name=^doomed$')).toBe('');
  }, 30_000);

  it('logs: stdout and stderr told apart, in order', async () => {
    const r = await t.exec(c.logs('exited', { tail: 10 }));
    expect(parseLogs(r.stdout, r.stderr).map((l) => [l.stream, l.text]).sort()).toEqual([
      ['stderr', 'err'],
      ['stdout', 'out'],
    ]);
  });

  it('stats: one sample of the running container', async () => {
    const r = await t.exec(c.stats('web'), { timeoutMs: 15_000 });
    const { stats } = parseStats(r.stdout);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ name: 'web', pids: expect.any(Number) });
    expect(stats[0].mem_used_bytes).toBeGreaterThan(0);
  }, 20_000);

  it('compose actions act on every container of the project by label', async () => {
    for (const s of ['api', 'worker']) {
      docker('run', '-d', '--init', '--name', `proj-${s}`, '--label', 'com.docker.compose.project=proj', '--label', `com.docker.compose.service=${s}`, IMG, 'sleep', '100000');
    }
    expect((await t.exec(c.composeAction('proj', 'stop'))).code).toBe(0);
    expect([state('proj-api'), state('proj-worker')]).toEqual(['exited', 'exited']);
    expect((await t.exec(c.composeAction('proj', 'start', { service: 'worker' }))).code).toBe(0);
    expect([state('proj-api'), state('proj-worker')]).toEqual(['exited', 'running']);
    const none = await t.exec(c.composeAction('nosuchproject', 'restart'));
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no container of this compose project');
  }, 30_000);

});

describe('LocalTransport.stream', () => {
  it('delivers docker events as lines, and close() ends the remote process once', async () => {
    const since = `${Math.floor(Date.now() / 1000)}.${process.pid + 1}`;
    const events: string[] = [];
    const closes: (number | null)[] = [];
    const h = await t.stream(c.events({ since, types: ['container'] }), {
      onStdoutLine: (l) => events.push(l),
      onClose: (code) => closes.push(code),
    });
    docker('run', '-d', '--init', '--name', 'streamed', IMG, 'sleep', '100000');
    await until(() => events.map(parseEventLine).some((e) => e?.action === 'start' && e.name === 'streamed'));
    h.close();
    h.close();
    expect(closes).toEqual([null]);
    await until(() => !running(`--since '${since}'`) && !running(`--since ${since}`), 5_000);
  }, 20_000);

  it('a command that ends by itself reports its exit code, stderr lines apart', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const done = new Promise<number | null>((resolve) => {
      void t.stream(c.logs('exited', { tail: 'all' }), {
        onStdoutLine: (l) => out.push(l),
        onStderrLine: (l) => err.push(l),
        onClose: (code) => resolve(code),
      });
    });
    expect(await done).toBe(0);
    expect(out.map((l) => l.split(' ')[1])).toEqual(['out']);
    expect(err.map((l) => l.split(' ')[1])).toEqual(['err']);
  });
});

describe('compose redeploy with the real docker-compose', () => {
  it('pulls (fails: no registry, not fatal) and recreates the service from the labels of its container', async () => {
    const dir = `${D}/stacks/redep`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/docker-compose.yml`, `version: "2.4"\nservices:\n  api:\n    image: ${IMG}\n    command: sleep 100000\n    init: true\n`);
    execFileSync('docker-compose', ['-p', 'redep', 'up', '-d'], { cwd: dir, env: { ...process.env, DOCKER_HOST }, stdio: ['ignore', 'ignore', 'inherit'] });
    const before = docker('ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=redep');
    const labels = JSON.parse(docker('inspect', '-f', '{{json .Config.Labels}}', before)) as Record<string, string>;
    const target = composeTarget(labels)!;
    expect(target).toEqual({ project: 'redep', service: 'api', workingDir: dir, configFiles: [`${dir}/docker-compose.yml`] });

    const r = await t.exec(c.composeRedeploy(target), { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/homelab: using docker(-compose| compose)/);
    expect(r.stderr).toContain('homelab: pull failed');
    const after = docker('ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=redep');
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before); // recreated
    expect(state(after)).toBe('running');
  }, 120_000);
});

// Last: prune removes every stopped container, which the tests above rely on.
describe('prune', () => {
  it('prune removes what was asked and reports it', async () => {
    const id = docker('create', IMG, 'true');
    const report = parsePruneOutput((await t.exec(c.prune({ containers: true }))).stdout);
    expect(report.errors).toEqual([]);
    expect(report.kinds.containers?.deleted).toContain(id);
    expect(report.kinds.images).toBeUndefined();
  }, 20_000);
});

describe('CliEngine on a real daemon: domain values out, typed errors from what docker says', () => {
  const engine = new CliEngine(t, { execTimeoutMs: 15_000 });
  const down = new CliEngine(new LocalTransport({ dockerHost: `unix://${D}/no-daemon.sock` }), { execTimeoutMs: 15_000 });
  const kind = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof EngineError ? e.kind : `other: ${String(e)}`));
  beforeAll(() => {
    docker('run', '-d', '--init', '--name', 'eng-web', IMG, 'sleep', '100000');
    docker('run', '-d', '--name', 'eng-exited', IMG, 'sh', '-c', 'echo out; echo err >&2; exit 3');
    expect(docker('wait', 'eng-exited')).toBe('3');
  }, 30_000);

  it('a snapshot lists every container, inspected, in one round trip', async () => {
    const snap = await engine.snapshot({ inspect: 'all' });
    expect(snap.round_trips).toBe(1);
    expect(snap.daemon_error).toBeNull();
    const web = snap.containers.find((x) => x.name === 'eng-web')!;
    expect(web).toMatchObject({ state: 'running', inspected: true });
    expect(snap.containers.map((x) => x.name)).toEqual(expect.arrayContaining(['eng-web', 'eng-exited']));
  });

  it('inspect names the ids docker does not know, and returns the others', async () => {
    const r = await engine.inspect(['eng-web', 'nosuchcontainer']);
    expect(r.objects.map((o) => o.Name)).toEqual(['/eng-web']);
    expect(r.missing).toEqual(['nosuchcontainer']);
  });

  it('an action on a missing container is not_found; on a container already in that state, conflict', async () => {
    expect(await kind(engine.action('nosuchcontainer', 'start'))).toBe('not_found');
    await engine.action('eng-web', 'pause');
    try {
      expect(await kind(engine.action('eng-web', 'pause'))).toBe('conflict');
    } finally {
      await engine.action('eng-web', 'unpause');
    }
    expect(await kind(engine.action('eng-web', 'unpause'))).toBe('conflict');
  });

  it('a failed action carries what docker printed, for the task log', async () => {
    const err = (await engine.action('nosuchcontainer', 'stop').catch((e) => e)) as EngineError;
    expect(err.message).toContain('No such container: nosuchcontainer');
    expect(err.output).toContain('No such container: nosuchcontainer');
  });

  it("logs come back as lines, the container's stderr told apart", async () => {
    const lines = await engine.logs('eng-exited', { tail: 'all', timestamps: true });
    expect(lines.map((l) => [l.stream, l.text])).toEqual(expect.arrayContaining([['stdout', 'out'], ['stderr', 'err']]));
  });

  it('with the daemon down: the snapshot says why, and every other call is daemon_down', async () => {
    const snap = await down.snapshot({ inspect: 'all' });
    expect(snap.daemon_error).toMatch(/Cannot connect to the Docker daemon/);
    expect(await kind(down.action('eng-web', 'stop'))).toBe('daemon_down');
    expect(await kind(down.logs('eng-web', { tail: 10, timestamps: false }))).toBe('daemon_down');
    expect(await kind(down.inspect(['eng-web']))).toBe('daemon_down');
  });

  it('past its deadline a call is a timeout', async () => {
    expect(await kind(engine.inspect(['eng-web'], { timeoutMs: 1 }))).toBe('timeout');
  });

  it('bad input is refused before anything runs', async () => {
    await expect(engine.action('eng-web; touch /tmp/x', 'stop')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
