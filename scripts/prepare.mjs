#!/usr/bin/env node
// Runs before `npm start` and `npm test` (npm's pre-scripts): installs npm dependencies when they are missing or
// older than package-lock.json, and rebuilds the server (tsc) and the UI (vite) when their sources changed.
// With --test it also makes sure the Debian packages the test lab uses are there. Plain Node: no dependency needed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force-build');
const log = (m) => console.log(`[prepare] ${m}`);

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`[prepare] ${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newest(paths) {
  let t = 0;
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (base === 'node_modules' || base === 'dist') return;
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else t = Math.max(t, st.mtimeMs);
  };
  for (const p of paths) walk(path.join(root, p));
  return t;
}

const mtime = (p) => {
  try {
    return fs.statSync(path.join(root, p)).mtimeMs;
  } catch {
    return 0;
  }
};

// 1. npm dependencies
const installed = mtime('node_modules/.package-lock.json');
if (!installed || installed < mtime('package-lock.json') || installed < mtime('package.json')) {
  log('installing npm dependencies (the first time compiles better-sqlite3: about 2 minutes)');
  // `npm ci`: exactly the lockfile, which it never rewrites (a first `npm start` leaves the clone's tree clean).
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 2. server build (TypeScript -> dist/)
const serverStamp = 'dist/.build-stamp';
if (force || mtime(serverStamp) < newest(['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'])) {
  log('building the server (tsc)');
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  fs.writeFileSync(path.join(root, serverStamp), new Date().toISOString());
}

// 3. UI build (Vite -> web/dist/)
const webStamp = 'web/dist/.build-stamp';
if (fs.existsSync(path.join(root, 'web/vite.config.ts'))) {
  if (force || mtime(webStamp) < newest(['web', 'src/core/types.ts', 'package.json'])) {
    log('building the web UI (vite)');
    run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
    fs.writeFileSync(path.join(root, webStamp), new Date().toISOString());
  }
}

// 4. Debian packages for the test lab (real sshd, dockerd, Chromium, PostgreSQL)
if (args.has('--test')) {
  const { ensureSystemDeps } = await import('./system-deps.mjs');
  try {
    ensureSystemDeps({ log });
  } catch (err) {
    console.error(`[prepare] ${err.message}`);
    process.exit(1);
  }
}
