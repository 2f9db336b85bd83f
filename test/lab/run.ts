// Process helpers for the lab: every command has a deadline, none goes through a shell.
import { execFile } from 'node:child_process';
import type { ExecOut } from './types.js';

export class LabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
  }
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a command; resolves with its output and exit code (124 on timeout, 127 when it cannot start). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<ExecOut> {
  const timeout = opts.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr, code: 0 });
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string };
        if (e.killed || (e.signal === 'SIGKILL' && typeof e.code !== 'number')) {
          return resolve({ stdout, stderr: `${stderr}\n${cmd} timed out after ${timeout} ms`, code: 124 });
        }
        if (typeof e.code === 'number') return resolve({ stdout, stderr, code: e.code });
        resolve({ stdout, stderr: `${stderr}${e.message}`, code: 127 });
      },
    );
  });
}

/** Like run() but throws a LabError (with the output) unless the command exits 0. */
export async function must(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const out = await run(cmd, args, opts);
  if (out.code !== 0) {
    throw new LabError(`${cmd} ${args.join(' ')} failed (exit ${out.code}): ${out.stderr.trim() || out.stdout.trim()}`);
  }
  return out.stdout;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or the deadline passes; throws a LabError naming `what`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new LabError(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await sleep(everyMs);
  }
}
