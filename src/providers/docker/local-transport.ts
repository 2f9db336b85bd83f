/**
 * The `local` transport: the same command lines as over SSH, run with `sh -c` on the dashboard's own
 * machine (its docker CLI, its DOCKER_HOST). Same contract as the SSH pool (src/ssh/types.ts): exec()
 * resolves with the exit code (non-zero is not an error) and rejects only when the command could not
 * run or finish; stream() reports lines and exactly one onClose.
 *
 * Each command runs in its own process group (detached) so that a timeout or close() ends the whole
 * pipeline (`docker ps | xargs docker inspect`), not just the shell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { LineSplitter } from '../../ssh/lines.js';
import type { ExecOptions, ExecResult, StreamHandle, StreamHandlers } from '../../ssh/types.js';
import type { ShellCommand } from './commands.js';

export class LocalTransportError extends Error {
  readonly code: string = 'local_exec_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The deadline passed; the process group was killed. */
export class LocalTimeoutError extends LocalTransportError {
  override readonly code: string = 'local_timeout';
  constructor(readonly timeoutMs: number) {
    super(`local command timed out after ${timeoutMs} ms`);
  }
}

/** The command printed more than allowed; the process group was killed. */
export class LocalOutputLimitError extends LocalTransportError {
  override readonly code: string = 'local_output_limit';
  constructor(readonly maxOutputBytes: number) {
    super(`local command printed more than ${maxOutputBytes} bytes`);
  }
}

export interface LocalTransportOptions {
  /** DOCKER_HOST for the commands (e.g. unix:///tmp/lab/h1/d.sock); default: inherited from the server's env. */
  dockerHost?: string;
  /** Default exec deadline, as the SSH pool's (15 s). */
  execTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when ending a process group. */
  killGraceMs?: number;
  /** Extra environment for the commands. */
  env?: Record<string, string>;
}

const DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024;

/** What the docker CLI (and its plugins) may need from the server's environment: the rest stays with the server. */
const PASSED = /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|TMPDIR|XDG_RUNTIME_DIR|XDG_CONFIG_HOME|DOCKER_[A-Z_]+|SSL_CERT_(FILE|DIR)|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;

/**
 * The server's environment minus everything docker does not use: HOMELAB_* (the secret key, the JWT secret, the
 * admin password) and whatever else the service manager set never reach the CLI or a plugin it runs.
 */
export function dockerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && PASSED.test(k)));
}

export class LocalTransport {
  readonly kind = 'local' as const;
  private readonly execTimeoutMs: number;
  private readonly killGraceMs: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: LocalTransportOptions = {}) {
    this.execTimeoutMs = opts.execTimeoutMs ?? 15_000;
    this.killGraceMs = opts.killGraceMs ?? 2_000;
    this.env = { ...dockerEnv(process.env), ...opts.env, ...(opts.dockerHost ? { DOCKER_HOST: opts.dockerHost } : {}) };
  }

  exec(cmd: ShellCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? this.execTimeoutMs;
    const maxOutput = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      const child = this.spawn(cmd);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        this.killGroup(child);
        finish(() => reject(new LocalTimeoutError(timeoutMs)));
      }, timeoutMs);
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxOutput) {
          this.killGroup(child);
          finish(() => reject(new LocalOutputLimitError(maxOutput)));
          return;
        }
        into.push(chunk);
      };
      child.stdout!.on('data', collect(out));
      child.stderr!.on('data', collect(err));
      child.on('error', (e) => finish(() => reject(new LocalTransportError(`could not run sh: ${e.message}`, { cause: e }))));
      child.on('close', (code, signal) =>
        finish(() =>
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            code,
            signal,
            durationMs: Date.now() - started,
          }),
        ),
      );
      // A command that reads stdin must not wait for a terminal: give it what was asked, then EOF.
      child.stdin!.on('error', () => {}); // the command may exit without reading; EPIPE is not our failure
      child.stdin!.end(opts.stdin ?? '');
    });
  }

  stream(cmd: ShellCommand, handlers: StreamHandlers): Promise<StreamHandle> {
    return new Promise<StreamHandle>((resolve, reject) => {
      const child = this.spawn(cmd);
      let closed = false;
      let spawned = false;
      const closeOnce = (code: number | null, err?: Error) => {
        if (closed) return;
        closed = true;
        handlers.onClose?.(code, err);
      };
      const out = new LineSplitter((l) => !closed && handlers.onStdoutLine?.(l));
      const errs = new LineSplitter((l) => !closed && handlers.onStderrLine?.(l));
      child.stdout!.on('data', (c: Buffer) => out.push(c));
      child.stderr!.on('data', (c: Buffer) => errs.push(c));
      child.stdin!.on('error', () => {});
      child.stdin!.end();
      child.on('error', (e) => {
        const err = new LocalTransportError(`could not run sh: ${e.message}`, { cause: e });
        if (!spawned) reject(err);
        else closeOnce(null, err);
      });
      child.on('close', (code) => {
        out.end();
        errs.end();
        closeOnce(code);
      });
      child.on('spawn', () => {
        spawned = true;
        resolve({
          close: () => {
            if (closed) return;
            closeOnce(null);
            this.killGroup(child);
          },
        });
      });
    });
  }

  private spawn(cmd: ShellCommand): ChildProcess {
    return spawn('/bin/sh', ['-c', cmd], { detached: true, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** TERM to the whole group, KILL after the grace if anything is left. */
  private killGroup(child: ChildProcess): void {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const t = setTimeout(() => signal('SIGKILL'), this.killGraceMs);
    t.unref();
    child.once('close', () => clearTimeout(t));
  }
}
