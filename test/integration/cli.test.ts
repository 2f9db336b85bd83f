// The `homelab` command as a user runs it (node bin/homelab.mjs, the compiled CLI in dist/), on a temp data dir;
// what it writes is then read by a real server on the same data dir.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer } from '../support/app.js';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function homelab(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/homelab.mjs'), ...args], {
      cwd: dataDir,
      env: { ...process.env, HOMELAB_DATA_DIR: dataDir, HOMELAB_LOG_LEVEL: 'silent', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

beforeAll(async () => {
  // The CLI runs from dist/: build what is stale, as `npm start` and `npm test` do (a no-op when up to date).
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [path.join(root, 'scripts/prepare.mjs')], { cwd: root, timeout: 280_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`scripts/prepare.mjs failed: ${stderr}`, { cause: err })) : resolve(),
    ),
  );
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-cli-'));
}, 300_000);
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Each test starts several Node processes (each loads the compiled server code): slow on a busy 2-core machine.
describe('homelab CLI', { timeout: 180_000 }, () => {
  it('migrate: applies every migration on a fresh data dir, then says it is up to date', async () => {
    const first = await homelab(['migrate']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^applied: 001_foundation, 002_docker/);
    expect(fs.existsSync(path.join(dataDir, 'homelab.db'))).toBe(true);
    const again = await homelab(['migrate']);
    expect(again).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
  });

  it('user add / list / passwd, with the password as an option or from stdin', async () => {
    const add = await homelab(['user', 'add', 'bob', '--role', 'operator', '--password', 'bob-password-1']);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^created operator bob \(id \d+\)/);
    const prompted = await homelab(['user', 'add', 'carol'], { stdin: 'carol-password-1\n' });
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(prompted.stdout).toContain('created viewer carol');

    // The admin the test server logs in with (the server creates none when users exist already).
    expect((await homelab(['user', 'add', ADMIN.username, '--role', 'admin', '--password', ADMIN.password])).code).toBe(0);

    const list = await homelab(['user', 'list']);
    expect(list.code).toBe(0);
    const rows = list.stdout.trim().split('\n').map((l) => l.split('\t').slice(1, 3));
    expect(rows).toEqual([
      ['bob', 'operator'],
      ['carol', 'viewer'],
      [ADMIN.username, 'admin'],
    ]);

    const passwd = await homelab(['user', 'passwd', 'bob', '--password', 'bob-password-2']);
    expect(passwd).toMatchObject({ code: 0, stdout: 'password of bob changed\n' });
  });

  it('refuses bad input with a message and a non-zero exit, changing nothing', async () => {
    const dup = await homelab(['user', 'add', 'bob', '--password', 'whatever-123']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/already exists/);
    const role = await homelab(['user', 'add', 'dave', '--role', 'root', '--password', 'dave-password-1']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/--role must be one of viewer, operator, admin/);
    const short = await homelab(['user', 'add', 'erin', '--password', 'short']);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/at least 8/);
    const ghost = await homelab(['user', 'passwd', 'ghost', '--password', 'ghost-password-1']);
    expect(ghost.code).not.toBe(0);
    expect(ghost.stderr).toMatch(/ghost not found/);
    const config = await homelab(['user', 'list'], { env: { HOMELAB_SSH_CONNECT_TIMEOUT: 'soon' } });
    expect(config.code).not.toBe(0);
    expect(config.stderr).toMatch(/HOMELAB_SSH_CONNECT_TIMEOUT/);
    expect((await homelab(['user', 'list'])).stdout).not.toMatch(/dave|erin/);
  });

  it('prints its usage: exit 1 without a command, 0 with --help', async () => {
    const none = await homelab([]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/homelab user add NAME/);
    const help = await homelab(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/homelab hosts import FILE/);
    expect((await homelab(['frobnicate'])).code).toBe(1);
  });

  it('hosts import FILE: creates, then skips on a second run; a malformed file fails with the line', async () => {
    const file = path.join(dataDir, 'hosts.yml');
    fs.writeFileSync(file, 'all:\n  children:\n    docker:\n      hosts:\n        app1:\n          ansible_host: 10.3.0.1\n        app2:\n          ansible_host: 10.3.0.2\n          ansible_port: 2222\n');
    const first = await homelab(['hosts', 'import', file]);
    expect(first).toMatchObject({ code: 0, stdout: 'created 2, updated 0, skipped 0\n' });
    const again = await homelab(['hosts', 'import', file]);
    expect(again).toMatchObject({ code: 0, stdout: 'created 0, updated 0, skipped 2\n' });

    const bad = path.join(dataDir, 'bad.yml');
    fs.writeFileSync(bad, 'all:\n  hosts:\n    x1:\n      ansible_host: [1.2.3.4\n');
    const broken = await homelab(['hosts', 'import', bad]);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/line \d+/);
    const missing = await homelab(['hosts', 'import', path.join(dataDir, 'nope.yml')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.yml/);
  });

  it('users added before the first start do not stop the server from creating its first admin', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-cli-first-'));
    try {
      const add = await homelab(['user', 'add', 'early', '--role', 'operator', '--password', 'early-password-1'], { env: { HOMELAB_DATA_DIR: fresh } });
      expect(add.code).toBe(0);
      // startTestServer logs in as the admin of HOMELAB_ADMIN_USERNAME/PASSWORD: it throws if none was created.
      const ts = await startTestServer({ dataDir: fresh });
      try {
        expect((await ts.api('GET', '/api/auth/me')).body).toMatchObject({ username: ADMIN.username, role: 'admin' });
        expect((await ts.api('GET', '/api/users')).body.users.map((u: { username: string }) => u.username)).toContain('early');
      } finally {
        await ts.destroy();
      }
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('wrote what the server then sees: the users log in with their passwords, the imported hosts are listed', async () => {
    const ts = await startTestServer({ dataDir });
    try {
      const login = (username: string, password: string) => ts.api('POST', '/api/auth/login', { role: null, body: { username, password } });
      expect((await login('bob', 'bob-password-1')).status).toBe(401);
      const bob = await login('bob', 'bob-password-2');
      expect(bob.status).toBe(200);
      expect((await ts.api('GET', '/api/auth/me', { token: bob.body.access_token })).body.role).toBe('operator');
      expect((await login('carol', 'carol-password-1')).status).toBe(200);
      const hosts = (await ts.api('GET', '/api/hosts')).body.hosts;
      expect(hosts.map((h: { name: string; port: number; groups: string[] }) => [h.name, h.port, h.groups])).toEqual([
        ['app1', 22, ['docker']],
        ['app2', 2222, ['docker']],
      ]);
    } finally {
      await ts.destroy();
    }
  });
});
