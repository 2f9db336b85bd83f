// The seed containers every lab host carries, one per case the dashboard must handle (LAB.md "Seed containers").
// seedHost() is idempotent: it removes what a previous seed (or a test) left under the same names and recreates it.
import { request } from 'node:http';
import type { ExecOut } from './types.js';
import { LAB_IMAGE, SEED } from './types.js';
import { LabError, waitFor } from './run.js';

/** What seeding needs from a host (LabHostImpl provides it). */
export interface SeedTarget {
  index: number;
  name: string;
  address: string;
  dockerHost: string;
  docker(args: string[], opts?: { timeoutMs?: number }): Promise<ExecOut>;
  compose(args: string[], timeoutMs?: number): Promise<ExecOut>;
}

const LOOP = 'while true; do sleep 1; done';
/** Deadline of one seeding step: generous, a 2-core machine shared with other heavy work makes `docker run` take 20 s+. */
const STEP_MS = 120_000;
const SINGLES = [SEED.web, SEED.sick, SEED.exited, SEED.paused, SEED.noisy, SEED.worker, SEED.idleStopped];

async function ok(host: SeedTarget, args: string[], what: string, timeoutMs = STEP_MS): Promise<string> {
  const out = await host.docker(args, { timeoutMs });
  if (out.code !== 0) throw new LabError(`seeding ${host.name}: ${what} failed (exit ${out.code}): ${out.stderr.trim()}`);
  return out.stdout;
}

export async function ensureImage(host: SeedTarget, imageTar: string): Promise<void> {
  if ((await host.docker(['image', 'inspect', '--format', '{{.Id}}', LAB_IMAGE])).code === 0) return;
  // An imported image has no command: give it `sh` so `docker run homelab/busybox:1` alone works.
  await ok(host, ['import', '--change', 'CMD ["sh"]', imageTar, LAB_IMAGE], 'image import');
}

async function ensureNetwork(host: SeedTarget): Promise<void> {
  if ((await host.docker(['network', 'inspect', '--format', '{{.Id}}', SEED.network])).code === 0) return;
  // Fixed subnet and bridge name per host: no clash between the hosts' dockerds, and cleanup knows what to delete.
  await ok(
    host,
    ['network', 'create', '--driver', 'bridge', '--subnet', `10.200.${host.index}.0/24`, '-o', `com.docker.network.bridge.name=hlw${host.index}`, SEED.network],
    'network create',
  );
}

async function removeOld(host: SeedTarget): Promise<void> {
  const compose = await host.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${SEED.composeProject}`]);
  const ids = compose.stdout.split('\n').filter(Boolean);
  // Missing names are fine here: the point is that none is left.
  await host.docker(['rm', '-f', '-v', ...SINGLES, ...ids], { timeoutMs: STEP_MS });
}

function webArgs(host: SeedTarget, publish: boolean): string[] {
  return [
    'run', '-d', '--name', SEED.web, '--init',
    '--label', 'homelab.monitor=true', '--label', 'homelab.desired=running',
    '--network', SEED.network,
    ...(publish ? ['-p', `${host.address}:${SEED.webPort}:8080`] : []),
    '-v', `${SEED.volume}:/www`,
    '--health-cmd', 'wget -q -O /dev/null http://127.0.0.1:8080/',
    // A long timeout and 3 retries: on a loaded machine a slow probe must not turn `web` unhealthy by accident.
    // Probes cost a runc exec each (CPU on a shared 2-core machine): 4 s here, 5 s for shop's web, 3 s for sick.
    '--health-interval', '4s', '--health-timeout', '10s', '--health-retries', '3',
    LAB_IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/www',
  ];
}

async function runWeb(host: SeedTarget): Promise<void> {
  const first = await host.docker(webArgs(host, true), { timeoutMs: STEP_MS });
  if (first.code === 0) return;
  // Publishing is a bonus (the port may be taken on this machine): keep the container without it.
  await host.docker(['rm', '-f', SEED.web]);
  await ok(host, webArgs(host, false), 'run web');
}

async function runExited(host: SeedTarget): Promise<void> {
  const out = await host.docker(['run', '--name', SEED.exited, '--init', LAB_IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: STEP_MS });
  if (out.code !== 3) throw new LabError(`seeding ${host.name}: exited container ended with ${out.code}, expected 3: ${out.stderr.trim()}`);
}

async function runPaused(host: SeedTarget): Promise<void> {
  await ok(host, ['run', '-d', '--name', SEED.paused, '--init', LAB_IMAGE, 'sh', '-c', LOOP], 'run paused');
  await ok(host, ['pause', SEED.paused], 'pause');
}

async function composeUp(host: SeedTarget): Promise<void> {
  const out = await host.compose(['up', '-d', '--no-build'], 2 * STEP_MS);
  if (out.code !== 0) throw new LabError(`seeding ${host.name}: docker-compose up failed (exit ${out.code}): ${out.stderr.trim()}`);
}

/** Engine API GET over the host's socket: polling with the docker CLI would spawn a Go process every time. */
function apiGet(socketPath: string, path: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new LabError(`GET ${path}: HTTP ${res.statusCode} ${body.trim()}`));
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new LabError(`GET ${path}: bad JSON`, { cause: err }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new LabError(`GET ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function healthOf(host: SeedTarget, names: string[]): Promise<Map<string, string>> {
  const socket = host.dockerHost.replace(/^unix:\/\//, '');
  const map = new Map<string, string>();
  for (const name of names) {
    const c = (await apiGet(socket, `/v1.41/containers/${encodeURIComponent(name)}/json`)) as { State?: { Health?: { Status?: string } } };
    map.set(name, c.State?.Health?.Status ?? '');
  }
  return map;
}

export async function seedHost(host: SeedTarget, imageTar: string): Promise<void> {
  await ensureImage(host, imageTar);
  await removeOld(host);
  await ensureNetwork(host);
  await Promise.all([
    runWeb(host),
    ok(host, [
      'run', '-d', '--name', SEED.sick, '--init',
      '--label', 'homelab.monitor=true', '--label', 'homelab.desired=running',
      '--health-cmd', 'false', '--health-interval', '3s', '--health-retries', '1',
      LAB_IMAGE, 'sh', '-c', LOOP,
    ], 'run sick'),
    runExited(host),
    runPaused(host),
    ok(host, [
      'run', '-d', '--name', SEED.noisy, '--init', LAB_IMAGE, 'sh', '-c',
      'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 1; done',
    ], 'run noisy'),
    ok(host, [
      'run', '-d', '--name', SEED.worker, '--init',
      '--label', 'homelab.monitor=true', '--label', 'homelab.desired=running', '--label', 'homelab.auto_restart=true',
      LAB_IMAGE, 'sh', '-c', LOOP,
    ], 'run worker'),
    ok(host, [
      'create', '--name', SEED.idleStopped, '--init',
      '--label', 'homelab.monitor=true', '--label', 'homelab.desired=stopped',
      LAB_IMAGE, 'sh', '-c', LOOP,
    ], 'create idle-stopped'),
    composeUp(host),
  ]);
  // Let health settle so tests see stable states: web and shop's web healthy, sick unhealthy.
  const want: Record<string, string> = { [SEED.web]: 'healthy', [SEED.sick]: 'unhealthy', [`${SEED.composeProject}_web_1`]: 'healthy' };
  let last = new Map<string, string>();
  try {
    await waitFor(
      `health of ${host.name}'s seed containers`,
      async () => {
        last = await healthOf(host, Object.keys(want));
        return Object.entries(want).every(([n, s]) => last.get(n) === s);
      },
      60_000,
      250,
    );
  } catch (err) {
    throw new LabError(`seeding ${host.name}: health did not settle (${JSON.stringify(Object.fromEntries(last))})`, { cause: err });
  }
}
