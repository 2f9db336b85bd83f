import { ConnectBackoff, DEFAULT_BACKOFF_MS } from './backoff.js';
import { SshConnection, type ConnectionConfig } from './connection.js';
import { SshBackoffError, SshChannelError, SshConnectError, SshError } from './errors.js';
import { normalizeFingerprint } from './fingerprint.js';
import { execOn, streamOn } from './run.js';
import type {
  ExecOptions,
  ExecResult,
  SshLogger,
  SshPoolOptions,
  SshPoolStats,
  SshTarget,
  StreamHandle,
  StreamHandlers,
} from './types.js';

const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

const silentLogger: SshLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The pooled connection of one host: live, or being dialed (callers during the dial share its promise). */
interface Entry {
  target: SshTarget;
  conn: SshConnection;
  dialing: Promise<SshConnection> | null;
}

/**
 * One persistent SSH connection per host id, with exec channels multiplexed on it.
 *
 * Contract for callers:
 * - exec() resolves with the command's output and exit code (non-zero is not an error); it rejects only with
 *   SshError subclasses: SshBackoffError (recent connects failed; nothing tried), SshConnectError / SshAuthError /
 *   SshHostKeyMismatchError / SshTimeoutError('connect') (dial failed), SshTimeoutError('exec') (the connection was
 *   torn down; the next call re-dials), SshChannelError (connection lost), SshOutputLimitError.
 * - A connection is never reused after an error: it is dropped and the next call dials again (subject to backoff).
 */
export class SshPool {
  private readonly entries = new Map<number, Entry>();
  private readonly backoffs = new Map<number, ConnectBackoff>();
  private readonly log: SshLogger;
  private readonly connCfg: ConnectionConfig;
  private readonly execTimeoutMs: number;
  private readonly backoffMs: readonly number[];
  private closed = false;

  constructor(private readonly opts: SshPoolOptions) {
    this.log = opts.logger ?? silentLogger;
    this.execTimeoutMs = opts.execTimeoutMs ?? 15_000;
    this.backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.connCfg = {
      privateKey: opts.privateKey,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 10_000,
      logger: this.log,
    };
  }

  async exec(target: SshTarget, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const runOpts = {
      timeoutMs: opts.timeoutMs ?? this.execTimeoutMs,
      stdin: opts.stdin,
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    };
    // No automatic retry: a command whose connection dropped may or may not have run on the host (ssh2 does not
    // tell whether the exec request went out), and running an action twice is worse than reporting the failure.
    const conn = await this.acquire(target, false);
    return execOn(conn, command, runOpts, this.log);
  }

  async stream(target: SshTarget, command: string, handlers: StreamHandlers): Promise<StreamHandle> {
    const conn = await this.acquire(target, false);
    return streamOn(conn, command, handlers, this.execTimeoutMs, this.log);
  }

  /** Explicit check by a user: ignores the backoff window (but its outcome still counts), runs `uname -a`. */
  async check(target: SshTarget): Promise<{ fingerprint: string; uname: string }> {
    const conn = await this.acquire(target, true);
    const result = await execOn(
      conn,
      'uname -a',
      { timeoutMs: this.execTimeoutMs, maxOutputBytes: 64 * 1024 },
      this.log,
    );
    // The fingerprint is known once the handshake ran; a ready connection always has one.
    return { fingerprint: conn.fingerprint as string, uname: result.stdout.trim() };
  }

  fingerprint(target: Pick<SshTarget, 'hostId'>): string | null {
    const entry = this.entries.get(target.hostId);
    return entry?.conn.isReady ? entry.conn.fingerprint : null;
  }

  /** Closes the host's connection and forgets its backoff (host edited or deleted, pin cleared). */
  invalidate(hostId: number): void {
    this.drop(hostId, 'invalidated by the dashboard (host changed or removed)');
    this.backoffs.delete(hostId);
  }

  stats(): SshPoolStats {
    let connections = 0;
    let channels = 0;
    for (const { conn } of this.entries.values()) {
      if (!conn.isReady) continue;
      connections += 1;
      channels += conn.gate.active;
    }
    return { connections, channels };
  }

  /** Closes every connection (graceful shutdown). Later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const conns = [...this.entries.values()].map((e) => e.conn);
    this.entries.clear();
    await Promise.all(conns.map((c) => c.end()));
  }

  private async acquire(target: SshTarget, bypassBackoff: boolean): Promise<SshConnection> {
    const ctx = { hostId: target.hostId, host: target.host };
    if (this.closed) throw new SshConnectError(ctx, 'closed', 'the SSH pool is closed (server shutting down)');
    const current = this.entries.get(target.hostId);
    if (current && !this.sameTarget(current, target)) {
      this.log.info({ hostId: target.hostId, host: target.host }, 'ssh target changed; replacing the connection');
      this.drop(target.hostId, 'host address, port, user or pinned key changed');
      this.backoffs.delete(target.hostId);
    } else if (current) {
      current.target = target;
      if (current.dialing) return current.dialing;
      if (current.conn.isReady) return current.conn;
    }

    const backoff = this.backoffFor(target.hostId);
    const blocked = backoff.blocked(Date.now());
    if (blocked && !bypassBackoff) throw new SshBackoffError(ctx, blocked.retryAfterMs, blocked.lastError);

    const entry: Entry = { target, conn: new SshConnection(target, this.connCfg), dialing: null };
    entry.dialing = this.dial(entry, backoff);
    this.entries.set(target.hostId, entry);
    return entry.dialing;
  }

  private async dial(entry: Entry, backoff: ConnectBackoff): Promise<SshConnection> {
    try {
      return await this.connectAndPin(entry, backoff);
    } finally {
      // Only now do later callers get the connection directly: the pin is stored before anything runs on it.
      entry.dialing = null;
    }
  }

  private async connectAndPin(entry: Entry, backoff: ConnectBackoff): Promise<SshConnection> {
    const { conn, target } = entry;
    const isCurrent = (): boolean => this.entries.get(target.hostId) === entry;
    const started = performance.now();
    try {
      await conn.connect();
    } catch (err) {
      // A dial abandoned because the host was invalidated says nothing about the host: do not back off for it.
      if (isCurrent()) {
        this.entries.delete(target.hostId);
        backoff.recordFailure(err as Error, Date.now());
        this.log.warn(
          {
            hostId: target.hostId,
            host: target.host,
            durationMs: Math.round(performance.now() - started),
            err: (err as Error).message,
            failures: backoff.consecutiveFailures,
          },
          'ssh connect failed',
        );
      }
      throw err;
    }
    backoff.recordSuccess();
    conn.onClose(() => {
      if (isCurrent()) this.entries.delete(target.hostId);
    });
    if (target.pinnedFingerprint === null && this.opts.onHostKeyPinned && conn.fingerprint) {
      try {
        await this.opts.onHostKeyPinned(target, conn.fingerprint);
      } catch (err) {
        this.log.error({ hostId: target.hostId, host: target.host, err: (err as Error).message }, 'storing the pinned ssh host key failed');
      }
    }
    if (!conn.isReady) {
      throw new SshChannelError(conn.ctx, `SSH connection to ${target.host} closed right after connecting`);
    }
    return conn;
  }

  /**
   * Same host, port, user and pin. A pin that appears and equals the live connection's key (we just pinned it)
   * does not count as a change, so pinning does not cost a re-dial.
   */
  private sameTarget(entry: Entry, t: SshTarget): boolean {
    const a = entry.target;
    if (a.host !== t.host || a.port !== t.port || a.username !== t.username) return false;
    const pinA = a.pinnedFingerprint === null ? null : normalizeFingerprint(a.pinnedFingerprint);
    const pinB = t.pinnedFingerprint === null ? null : normalizeFingerprint(t.pinnedFingerprint);
    if (pinA === pinB) return true;
    return pinB !== null && entry.conn.fingerprint === pinB;
  }

  private drop(hostId: number, reason: string): void {
    const entry = this.entries.get(hostId);
    if (!entry) return;
    this.entries.delete(hostId);
    // With a grace period, so the commands still running on it are told to stop before the socket goes.
    entry.conn.destroy(new SshError(entry.conn.ctx, `SSH connection to ${entry.target.host} closed: ${reason}`), 1_000);
  }

  private backoffFor(hostId: number): ConnectBackoff {
    let b = this.backoffs.get(hostId);
    if (!b) {
      b = new ConnectBackoff(this.backoffMs);
      this.backoffs.set(hostId, b);
    }
    return b;
  }
}
