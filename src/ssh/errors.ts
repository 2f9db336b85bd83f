/**
 * Typed SSH errors. Every error carries the host it concerns, a stable `code` (what the API and alerts key on) and,
 * where there is one, the underlying ssh2/socket error as `cause`.
 */

export interface SshErrorContext {
  hostId: number;
  host: string;
}

export class SshError extends Error {
  readonly code: string = 'ssh_error';
  readonly hostId: number;
  readonly host: string;

  constructor(ctx: SshErrorContext, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.hostId = ctx.hostId;
    this.host = ctx.host;
  }
}

/** Why a connection could not be established. */
export type SshConnectFailure = 'refused' | 'dns' | 'unreachable' | 'reset' | 'auth' | 'handshake' | 'closed' | 'other';

/** The connection could not be established: refused, DNS, network, protocol. The message says which. */
export class SshConnectError extends SshError {
  override readonly code: string = 'ssh_connect_failed';
  readonly reason: SshConnectFailure;

  constructor(ctx: SshErrorContext, reason: SshConnectFailure, message: string, cause?: unknown) {
    super(ctx, message, cause);
    this.reason = reason;
  }
}

/** The server refused our key. A connect failure too, so `instanceof SshConnectError` still holds. */
export class SshAuthError extends SshConnectError {
  override readonly code: string = 'ssh_auth_failed';

  constructor(ctx: SshErrorContext, username: string, cause?: unknown) {
    super(
      ctx,
      'auth',
      `SSH authentication failed for ${username}@${ctx.host}: the server refused the dashboard's key ` +
        `(is its public key in ~${username}/.ssh/authorized_keys?)`,
      cause,
    );
  }
}

export type SshTimeoutPhase = 'connect' | 'exec';

/** A deadline passed: connecting (TCP + handshake + auth) or running a command. */
export class SshTimeoutError extends SshError {
  override readonly code: string = 'ssh_timeout';
  readonly phase: SshTimeoutPhase;
  readonly timeoutMs: number;

  constructor(ctx: SshErrorContext, phase: SshTimeoutPhase, timeoutMs: number, detail?: string, cause?: unknown) {
    const what = phase === 'connect' ? `SSH connect to ${ctx.host}` : `SSH command on ${ctx.host}`;
    super(ctx, `${what} timed out after ${timeoutMs} ms${detail ? ` (${detail})` : ''}`, cause);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The host presented a key other than the pinned one. Nothing was run on it. */
export class SshHostKeyMismatchError extends SshError {
  override readonly code: string = 'ssh_host_key_mismatch';
  readonly expected: string;
  readonly actual: string;

  constructor(ctx: SshErrorContext, expected: string, actual: string) {
    super(
      ctx,
      `The SSH host key of ${ctx.host} changed: expected ${expected}, got ${actual}. ` +
        'The connection was refused. If the host was reinstalled or its key regenerated on purpose, ' +
        'clear the pinned key ("forget host key") and check the host again to pin the new one.',
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** Recent connects failed; new ones fail fast until the backoff window ends. `cause` is the last failure. */
export class SshBackoffError extends SshError {
  override readonly code: string = 'ssh_backoff';
  readonly retryAfterMs: number;

  constructor(ctx: SshErrorContext, retryAfterMs: number, lastError: Error) {
    const s = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(ctx, `Not connecting to ${ctx.host}: the last attempt failed (${lastError.message}); retry after ${s} s`, lastError);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A channel could not be opened, or the connection dropped while a command was starting or running. */
export class SshChannelError extends SshError {
  override readonly code: string = 'ssh_channel_failed';
}

/** A command wrote more than ExecOptions.maxOutputBytes; it was killed. */
export class SshOutputLimitError extends SshError {
  override readonly code: string = 'ssh_output_too_large';
  readonly limitBytes: number;

  constructor(ctx: SshErrorContext, limitBytes: number) {
    super(ctx, `SSH command on ${ctx.host} wrote more than ${limitBytes} bytes; it was stopped`);
    this.limitBytes = limitBytes;
  }
}
