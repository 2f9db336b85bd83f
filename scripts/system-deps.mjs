#!/usr/bin/env node
// Makes sure the Debian packages the test lab needs are installed (test/lab, LAB.md).
// Plain Node, no npm dependency: it runs before node_modules may exist (npm's pretest).
// Fast path: one dpkg-query call when everything is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the integration and e2e tests run for real: dockerd, sshd, busybox image, compose, browser, PostgreSQL. */
export const SYSTEM_PACKAGES = Object.freeze([
  'docker.io',
  'docker-compose',
  'openssh-server',
  'openssh-client',
  'busybox-static',
  'chromium',
  'postgresql',
  'iptables',
]);

/** Packages of `names` that dpkg does not report as "install ok installed". */
export function missingPackages(names = SYSTEM_PACKAGES) {
  let out = '';
  try {
    // One call for all names; dpkg-query exits 1 when some name is unknown but still prints the others.
    out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (err) {
    if (err && err.code === 'ENOENT') throw new Error('dpkg-query not found: the test lab needs a Debian-based system', { cause: err });
    out = typeof err?.stdout === 'string' ? err.stdout : '';
  }
  const installed = new Set(
    out
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

function installCommand(missing) {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

function run(cmd, args, env) {
  console.log(`[system-deps] $ ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.error) throw new Error(`${cmd} could not start`, { cause: res.error });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

/**
 * Installs what is missing when running as root; otherwise throws an error that carries the exact command.
 * Returns the packages that were installed (empty when everything was present).
 */
export function ensureSystemDeps({ names = SYSTEM_PACKAGES, log = console.log } = {}) {
  const missing = missingPackages(names);
  if (missing.length === 0) return [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    const err = new Error(`missing Debian packages: ${missing.join(' ')}. Run as root:\n  sudo sh -c '${installCommand(missing)}'`);
    err.code = 'SYSTEM_DEPS_MISSING';
    err.missing = missing;
    throw err;
  }
  log(`[system-deps] installing missing packages: ${missing.join(' ')}`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { DEBIAN_FRONTEND: 'noninteractive' });
  const still = missingPackages(names);
  if (still.length > 0) throw new Error(`apt-get finished but these packages are still missing: ${still.join(' ')}`);
  return missing;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const installed = ensureSystemDeps();
    console.log(installed.length ? `[system-deps] installed: ${installed.join(' ')}` : '[system-deps] all system packages present');
  } catch (err) {
    console.error(`[system-deps] ${err.message}`);
    process.exit(1);
  }
}
