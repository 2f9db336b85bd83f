// Proves the test lab is what the other integration tests believe it is: real hosts reachable over real SSH with the
// seed containers, distinct identities, faults that look like real faults and that can be repaired.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLab, startLab, type Lab, type LabHost, type ExecOut } from '../lab/index.js';
import { startPostgres } from '../support/postgres.js';

function ssh(lab: Lab, host: LabHost, command: string, connectTimeoutS = 5): Promise<ExecOut & { ms: number }> {
  const args = [
    '-i', lab.clientKeyPath, '-p', String(host.port),
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
    '-o', `ConnectTimeout=${connectTimeoutS}`,
    `automation@${host.address}`, command,
  ];
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 255) : 0;
      resolve({ stdout, stderr, code, ms: Date.now() - t0 });
    });
  });
}

const SEED_NAMES = ['web', 'sick', 'exited', 'paused', 'noisy', 'worker', 'idle-stopped', 'shop_web_1', 'shop_db_1'];

describe('shared lab', () => {
  const lab = sharedLab();

  it('has the configured number of hosts, each on its own loopback address', () => {
    expect(lab.hosts.length).toBe(Number(process.env.HOMELAB_LAB_HOSTS ?? 3));
    expect(new Set(lab.hosts.map((h) => h.address)).size).toBe(lab.hosts.length);
    for (const h of lab.hosts) expect(h.address).toBe(`127.0.0.${10 + h.index}`);
  });

  it('answers `ssh automation@host docker ps` on every host with the seed containers, under its own hostname and docker ID', async () => {
    const seen = await Promise.all(
      lab.hosts.map(async (h) => {
        const out = await ssh(lab, h, 'hostname; docker info --format "{{.ID}}"; docker ps -a --format "{{.Names}}"');
        expect(out.stderr).toBe('');
        expect(out.code).toBe(0);
        const [hostname, id, ...names] = out.stdout.trim().split('\n');
        expect(hostname).toBe(h.name);
        expect(names.sort()).toEqual([...SEED_NAMES].sort());
        return { hostname, id };
      }),
    );
    expect(new Set(seen.map((s) => s.hostname)).size).toBe(lab.hosts.length);
    expect(new Set(seen.map((s) => s.id)).size).toBe(lab.hosts.length);
  });

  it('carries seed containers in the states the tests rely on', async () => {
    const h = lab.hosts[0];
    const inspect = await h.docker(['inspect', '--format', '{{.Name}}|{{.State.Status}}|{{.State.ExitCode}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}', ...SEED_NAMES]);
    expect(inspect.code).toBe(0);
    const state = Object.fromEntries(inspect.stdout.trim().split('\n').map((l) => { const [n, ...r] = l.split('|'); return [n.slice(1), r.join('|')]; }));
    expect(state).toMatchObject({
      web: 'running|0|healthy',
      sick: 'running|0|unhealthy',
      exited: 'exited|3|',
      paused: 'paused|0|',
      noisy: 'running|0|',
      worker: 'running|0|',
      'idle-stopped': 'created|0|',
      shop_web_1: 'running|0|healthy',
      shop_db_1: 'running|0|',
    });
    const logs = await h.docker(['logs', 'exited']);
    expect(logs.stdout).toBe('out\n');
    expect(logs.stderr).toBe('err\n');
    const noisy = await h.docker(['logs', '--tail', '4', 'noisy']);
    expect(noisy.stdout).toMatch(/^tick \d+$/m);
    expect(noisy.stderr).toMatch(/^warn \d+$/m);
    const labels = await h.docker(['inspect', '--format', '{{json .Config.Labels}}', 'worker', 'idle-stopped', 'shop_web_1']);
    const [worker, idle, shopWeb] = labels.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(worker).toMatchObject({ 'homelab.monitor': 'true', 'homelab.auto_restart': 'true' });
    expect(idle).toMatchObject({ 'homelab.monitor': 'true', 'homelab.desired': 'stopped' });
    expect(shopWeb).toMatchObject({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' });
    const configFile = shopWeb['com.docker.compose.project.config_files'];
    expect(existsSync(configFile)).toBe(true);
  });

  it('serves the web seed on its published port and its named volume', async () => {
    const h = lab.hosts[0];
    const res = await fetch(`http://${h.address}:18080/`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('homelab lab web');
    const mounts = await h.docker(['inspect', '--format', '{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}}{{end}}', 'web']);
    expect(mounts.stdout.trim()).toBe('volume:webdata:/www');
  });

  it('reports the host key fingerprint OpenSSH prints', async () => {
    const h = lab.hosts[0];
    const keygen = await new Promise<string>((resolve, reject) =>
      execFile('ssh-keygen', ['-l', '-f', `${h.dir}/ssh_host_ed25519_key.pub`], (err, out) => (err ? reject(err) : resolve(out))),
    );
    expect(keygen.split(' ')[1]).toBe(await h.hostKeyFingerprint());
  });

  it('accepts the npm ssh2 client (key exchange, host key and exec with DOCKER_HOST set by sshd)', async () => {
    const h = lab.hosts[0];
    const conn = new Client();
    try {
      const out = await new Promise<string>((resolve, reject) => {
        conn
          .on('ready', () =>
            conn.exec('echo "$DOCKER_HOST"; docker inspect --format "{{.State.Status}}" web', (err, stream) => {
              if (err) return reject(err);
              let buf = '';
              stream.on('data', (d: Buffer) => (buf += d.toString())).on('close', () => resolve(buf));
              stream.stderr.resume();
            }),
          )
          .on('error', reject)
          .connect({ host: h.address, port: h.port, username: 'automation', privateKey: readFileSync(lab.clientKeyPath), readyTimeout: 5_000 });
      });
      expect(out).toBe(`${h.dockerHost}\nrunning\n`);
    } finally {
      conn.end();
    }
  });

  it('has a stop() that leaves the shared lab running for the other tests', async () => {
    await lab.stop();
    expect((await lab.hosts[0].docker(['version'])).code).toBe(0);
  });
});

describe('private lab broken on purpose', () => {
  let lab: Lab;
  let host: LabHost;

  beforeAll(async () => {
    lab = await startLab({ hosts: 1, firstIndex: 20 });
    host = lab.hosts[0];
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('starts apart from the shared lab', () => {
    expect(host.index).toBeGreaterThanOrEqual(20);
    expect(sharedLab().hosts.map((h) => h.address)).not.toContain(host.address);
  });

  it('stopped dockerd: SSH works, docker fails "Cannot connect"; started again and reseeded it works', async () => {
    await host.stopDocker();
    const down = await ssh(lab, host, 'docker ps');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot connect to the Docker daemon');
    expect((await ssh(lab, host, 'hostname')).stdout.trim()).toBe(host.name);
    await host.startDocker();
    await host.seed();
    const up = await ssh(lab, host, 'docker inspect --format "{{.State.Status}} {{.State.Health.Status}}" web');
    expect(up.stdout.trim()).toBe('running healthy');
  }, 150_000); // a dockerd restart and a full reseed: slow when the 2-core machine is shared

  it('stopped sshd: connections are refused at once; started again it answers', async () => {
    await host.stopSshd();
    const refused = await ssh(lab, host, 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toContain('Connection refused');
    expect(refused.ms).toBeLessThan(5_000); // no wait for a timeout (generous: the machine is shared)
    await host.startSshd();
    expect((await ssh(lab, host, 'true')).code).toBe(0);
  });

  it('hung host: connecting times out; unhang removes exactly its rule', async () => {
    await host.hang();
    await host.hang(); // idempotent: still one rule
    expect(await ourRules(host)).toEqual([
      `-A INPUT -d ${host.address}/32 -p tcp -m tcp --dport 22 -m comment --comment hl-h${host.index} -j DROP`,
    ]);
    const hung = await ssh(lab, host, 'true', 2);
    expect(hung.code).toBe(255);
    expect(hung.stderr).toMatch(/timed out/i);
    expect(hung.ms).toBeGreaterThanOrEqual(1_900);
    await host.unhang();
    expect(await ourRules(host)).toEqual([]);
    expect((await ssh(lab, host, 'true')).code).toBe(0);
  });

  it('regenerated host key: a new fingerprint is served', async () => {
    const before = await host.hostKeyFingerprint();
    await host.regenerateHostKey();
    const after = await host.hostKeyFingerprint();
    expect(after).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(after).not.toBe(before);
    const scanned = await new Promise<string>((resolve) =>
      execFile('sh', ['-c', `ssh-keyscan -t ed25519 ${host.address} 2>/dev/null | ssh-keygen -l -f -`], (_e, out) => resolve(out)),
    );
    expect(scanned.split(' ')[1]).toBe(after);
  });

  it('stop() removes its processes, dir and rules, and can be called twice', async () => {
    await host.hang();
    await lab.stop();
    await lab.stop();
    expect(existsSync(host.dir)).toBe(false);
    expect(await ourRules(host)).toEqual([]);
    const procs = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'args'], (_e, out) => resolve(out)));
    expect(procs).not.toContain(`${host.dir}/`);
    const refused = await ssh(lab, host, 'true');
    expect(refused.stderr).toContain('Connection refused');
  });
});

describe('startPostgres', () => {
  it('runs a throwaway PostgreSQL 15 that accepts connections and goes away on stop()', async () => {
    const server = await startPostgres();
    const client = new pg.Client({ connectionString: server.url });
    try {
      await client.connect();
      const res = await client.query<{ v: string }>('select version() as v');
      expect(res.rows[0].v).toMatch(/^PostgreSQL 15/);
    } finally {
      await client.end();
      await server.stop();
    }
    const again = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    await expect(again.connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});

/** INPUT rules tagged with this host's comment (other people's rules may come and go meanwhile). */
function ourRules(host: LabHost): Promise<string[]> {
  const tag = new RegExp(`--comment "?hl-h${host.index}"? `);
  return new Promise((resolve, reject) =>
    execFile('iptables', ['-w', '5', '-S', 'INPUT'], (err, out) => (err ? reject(err) : resolve(out.trim().split('\n').filter((r) => tag.test(r))))),
  );
}
