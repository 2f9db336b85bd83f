import type { ClientChannel } from 'ssh2';
import { closeChannel, type SshConnection } from './connection.js';
import { SshError, SshOutputLimitError, SshTimeoutError } from './errors.js';
import { LineSplitter } from './lines.js';
import type { ExecResult, SshLogger, StreamHandle, StreamHandlers } from './types.js';

export interface RunOptions {
  timeoutMs: number;
  stdin?: string;
  maxOutputBytes: number;
}

/**
 * Runs one command on an open connection and collects its output.
 *
 * Deadline: `timeoutMs` covers waiting for a channel, opening it and running the command. Past it the exec rejects
 * with SshTimeoutError; if the command had been sent (or the channel open was pending), the WHOLE connection is torn
 * down: a peer that stopped answering would otherwise block reads forever, and the pool re-dials on the next call.
 * A timeout while only queued for a free channel leaves the connection alone (it is busy, not dead).
 */
export function execOn(conn: SshConnection, command: string, opts: RunOptions, log: SshLogger): Promise<ExecResult> {
  const started = performance.now();
  const { hostId, host } = conn.ctx;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let phase: 'queued' | 'opening' | 'running' = 'queued';
    let running: ClientChannel | null = null;
    const abort = new AbortController();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let code: number | null = null;
    let signal: string | null = null;

    const finish = (error: Error | null, channel?: ClientChannel): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      const durationMs = Math.round(performance.now() - started);
      if (error) {
        log.debug({ hostId, host, durationMs, err: error.message }, 'ssh exec failed');
        if (channel) closeChannel(channel, 'KILL');
        reject(error);
        return;
      }
      log.debug({ hostId, host, durationMs, code, signal }, 'ssh exec done');
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
        durationMs,
      });
    };

    const unsubscribe = conn.onLoss((loss) => finish(loss));

    const timer = setTimeout(() => {
      const detail =
        phase === 'queued'
          ? `waiting for a free channel, ${conn.gate.active} in use`
          : phase === 'opening'
            ? 'the server did not open a channel'
            : 'the command did not finish; connection closed';
      const timeout = new SshTimeoutError(conn.ctx, 'exec', opts.timeoutMs, detail);
      const tearDown = phase !== 'queued';
      // Settle first: the teardown below notifies loss listeners, ours included, with a less precise error.
      // Passing the channel sends KILL to the command first: sshd does not kill a no-pty session's processes when
      // the connection drops, so a merely slow command would otherwise keep running on the host.
      finish(timeout, running ?? undefined);
      abort.abort(timeout);
      if (tearDown) {
        log.warn({ hostId, host, timeoutMs: opts.timeoutMs }, 'ssh exec timed out; closing the connection');
        conn.destroy(timeout, 1_000);
      }
    }, opts.timeoutMs);

    conn.openExec(command, abort.signal, (p) => (phase = p)).then(
      (channel) => {
        if (settled) {
          closeChannel(channel, 'KILL');
          return;
        }
        phase = 'running';
        running = channel;
        const collect = (into: Buffer[]) => (chunk: Buffer) => {
          if (settled) return;
          bytes += chunk.length;
          if (bytes > opts.maxOutputBytes) {
            finish(new SshOutputLimitError(conn.ctx, opts.maxOutputBytes), channel);
            return;
          }
          into.push(chunk);
        };
        channel.on('data', collect(out));
        channel.stderr.on('data', collect(err));
        channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = typeof exitCode === 'number' ? exitCode : null;
          signal = exitSignal ?? null;
        });
        // A fast command's exit-status can arrive in the same packet batch as the exec reply, before these listeners
        // exist: ssh2 then passes it with 'close' (as node's child processes do), so read it there too.
        channel.on('close', (exitCode?: number | null, exitSignal?: string) => {
          if (code === null && typeof exitCode === 'number') code = exitCode;
          if (signal === null && typeof exitSignal === 'string') signal = exitSignal;
          finish(null);
        });
        channel.on('error', (e: Error) => finish(new SshError(conn.ctx, `SSH channel error on ${host}: ${e.message}`, e), channel));
        // Always send EOF: a command that reads stdin would otherwise wait for input until the deadline.
        channel.end(opts.stdin);
      },
      (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
    );
  });
}

/**
 * Starts a long-lived command (docker events, logs -f). Resolves once the channel is open (within `openTimeoutMs`,
 * else the connection is torn down like an exec timeout). Lines are delivered as they arrive.
 */
export async function streamOn(
  conn: SshConnection,
  command: string,
  handlers: StreamHandlers,
  openTimeoutMs: number,
  log: SshLogger,
): Promise<StreamHandle> {
  const { hostId, host } = conn.ctx;
  const abort = new AbortController();
  const timer = setTimeout(() => {
    const timeout = new SshTimeoutError(conn.ctx, 'exec', openTimeoutMs, 'opening a channel for a stream');
    abort.abort(timeout);
    conn.destroy(timeout);
  }, openTimeoutMs);
  let channel: ClientChannel;
  try {
    channel = await conn.openExec(command, abort.signal);
  } finally {
    clearTimeout(timer);
  }

  const started = performance.now();
  let closed = false;
  let code: number | null = null;
  const safe = (fn: ((line: string) => void) | undefined) => (line: string) => {
    if (closed || !fn) return;
    try {
      fn(line);
    } catch (e) {
      log.error({ hostId, host, err: (e as Error).message }, 'ssh stream line handler threw');
    }
  };
  const stdout = new LineSplitter(safe(handlers.onStdoutLine));
  const stderr = new LineSplitter(safe(handlers.onStderrLine));

  const done = (exitCode: number | null, err?: Error, flush = true): void => {
    if (closed) return;
    if (flush) {
      stdout.end();
      stderr.end();
    }
    closed = true;
    unsubscribe();
    log.debug({ hostId, host, durationMs: Math.round(performance.now() - started), code: exitCode, err: err?.message }, 'ssh stream closed');
    try {
      handlers.onClose?.(exitCode, err);
    } catch (e) {
      log.error({ hostId, host, err: (e as Error).message }, 'ssh stream close handler threw');
    }
  };
  const unsubscribe = conn.onLoss((loss) => done(null, loss));

  channel.on('data', (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  channel.on('exit', (exitCode: number | null) => {
    code = typeof exitCode === 'number' ? exitCode : null;
  });
  // As in execOn: the exit status may come only with 'close' when the command ended before we listened.
  channel.on('close', (exitCode?: number | null) => done(code ?? (typeof exitCode === 'number' ? exitCode : null)));
  channel.on('error', (e: Error) => done(null, new SshError(conn.ctx, `SSH stream error on ${host}: ${e.message}`, e)));
  channel.end();

  return {
    close(): void {
      if (closed) return;
      done(null, undefined, false);
      closeChannel(channel, 'TERM');
    },
  };
}
