// The built server (`node dist/main.js`) in a process of its own, so that its RSS is its own: the bench's lab
// helpers, tsx and the client live elsewhere. Configured only through HOMELAB_* variables, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from './stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const ADMIN = { username: 'admin', password: 'bench-admin-password-1' };

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export class ServerProcess {
  private readonly tail: string[] = [];
  /** Log lines (warn and up) the server wrote. */
  logLines = 0;
  token = '';
  /** RSS (KiB) at the first healthy answer, before the admin's login (argon2 verification). */
  bootRssKb = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
  ) {
    // Logs (warn level and up) are kept as a short tail and counted; reading them also keeps the pipes from filling.
    const keep = (d: Buffer) => {
      const lines = String(d).split('\n').filter(Boolean);
      this.logLines += lines.length;
      this.tail.push(...lines);
      if (this.tail.length > 20) this.tail.splice(0, this.tail.length - 20);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const main = join(ROOT, 'dist/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build:server)`);
    const dataDir = mkdtempSync(join(tmpdir(), 'homelab-bench-'));
    const port = await freePort();
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOMELAB_'))) as Record<string, string>;
    // The same V8 flags as `npm start` (package.json): a 2 MB young generation keeps RSS ~30 MB lower.
    const child = spawn(process.execPath, ['--max-semi-space-size=2', main], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...clean,
        HOMELAB_DATA_DIR: dataDir,
        HOMELAB_PORT: String(port),
        HOMELAB_BIND: '127.0.0.1',
        HOMELAB_ADMIN_USERNAME: ADMIN.username,
        HOMELAB_ADMIN_PASSWORD: ADMIN.password,
        HOMELAB_LOG_LEVEL: 'warn',
        ...env,
      },
    });
    const sp = new ServerProcess(child, `http://127.0.0.1:${port}`, dataDir);
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${sp.tail.join('\n')}`);
      const ok = await fetch(`${sp.url}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until) {
        await sp.stop();
        throw new Error('server not healthy within 60 s');
      }
      await sleep(200);
    }
    sp.bootRssKb = sp.sample().rssKb;
    const login = await sp.api('POST', '/api/auth/login', ADMIN);
    sp.token = login.access_token;
    return sp;
  }

  async api(method: string, path: string, body?: unknown): Promise<any> {
    const r = await fetch(this.url + path, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  /**
   * VmRSS, VmHWM (the kernel's own peak) and RssAnon (heap and other private memory; the rest of RSS is mostly the
   * node binary's and libraries' resident file pages) in KiB, and CPU seconds used so far (user + system).
   */
  sample(): { rssKb: number; hwmKb: number; anonKb: number; cpuS: number } {
    const pid = this.child.pid!;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    // /proc/pid/stat fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), anonKb: kb('RssAnon'), cpuS: (Number(f[11]) + Number(f[12])) / 100 };
  }

  lastLogs(): string[] {
    return [...this.tail];
  }

  /** SIGTERM (graceful shutdown), SIGKILL after 15 s; removes the data dir. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
