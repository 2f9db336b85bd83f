import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { ChannelGate } from './channel-gate.js';
import { classifyConnectError, connectStage, where, type Ssh2ConnectError } from './connect-errors.js';
import {
  SshChannelError,
  SshConnectError,
  SshError,
  SshHostKeyMismatchError,
  SshTimeoutError,
  type SshErrorContext,
} from './errors.js';
import { normalizeFingerprint, sshFingerprint } from './fingerprint.js';
import type { SshLogger, SshTarget } from './types.js';

export interface ConnectionConfig {
  privateKey: string | Buffer;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  logger: SshLogger;
}

/**
 * Algorithms offered, most preferred first. Debian 12's OpenSSH 9.2 prefers the post-quantum
 * sntrup761x25519-sha512 exchange, which ssh2 lacks; curve25519-sha256 is its next choice and the cheapest here.
 * ed25519 comes first among host keys so the key we pin is the one `ssh-keygen -lf ssh_host_ed25519_key.pub` shows.
 * Ciphers and MACs are left to ssh2's defaults (AES-GCM, AES-CTR, HMAC-SHA2), which OpenSSH 9.2 accepts.
 */
const ALGORITHMS: ConnectConfig['algorithms'] = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group14-sha256',
  ],
  serverHostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ],
};

/** OpenSSH's channel-open refusal (MaxSessions reached) as ssh2 reports it. */
function isChannelRefusal(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('(SSH) Channel open failure');
}

type State = 'connecting' | 'ready' | 'closed';

/**
 * One ssh2 connection to one host. Owns the socket, the host-key check, the channel gate, and tells its users
 * when it goes away. It never reconnects by itself: the pool replaces a closed connection on the next call.
 */
export class SshConnection {
  readonly gate = new ChannelGate();
  private readonly channels = new Set<ClientChannel>();
  readonly ctx: SshErrorContext;
  private readonly client = new Client();
  private state: State = 'connecting';
  private fp: string | null = null;
  private mismatch: SshHostKeyMismatchError | null = null;
  private lastError: Error | null = null;
  private closeReason: Error | null = null;
  private failConnect: ((err: SshError) => void) | null = null;
  private readonly lossListeners = new Set<(err: SshChannelError) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    readonly target: SshTarget,
    private readonly cfg: ConnectionConfig,
  ) {
    this.ctx = { hostId: target.hostId, host: target.host };
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Fingerprint the server presented (known once the key exchange ran, even when it was refused). */
  get fingerprint(): string | null {
    return this.fp;
  }

  /**
   * Dials, verifies the host key, authenticates. Rejects with SshTimeoutError (connect), SshHostKeyMismatchError,
   * SshAuthError or SshConnectError; the connection is then closed.
   */
  connect(): Promise<void> {
    const { target, cfg } = this;
    const started = performance.now();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: SshError): void => {
        if (settled) return;
        settled = true;
        this.failConnect = null;
        clearTimeout(deadline);
        this.destroy(err);
        reject(err);
      };
      this.failConnect = fail;
      // Our own deadline, not only ssh2's readyTimeout: it also covers a DNS lookup or a TCP SYN that never answers.
      const deadline = setTimeout(() => {
        fail(new SshTimeoutError(this.ctx, 'connect', cfg.connectTimeoutMs, this.connectStage()));
      }, cfg.connectTimeoutMs);

      this.client.on('ready', () => {
        if (settled) return;
        settled = true;
        this.failConnect = null;
        clearTimeout(deadline);
        this.state = 'ready';
        cfg.logger.debug(
          { hostId: target.hostId, host: target.host, durationMs: Math.round(performance.now() - started) },
          'ssh connected',
        );
        resolve();
      });
      this.client.on('handshake', (negotiated) => {
        cfg.logger.debug({ hostId: target.hostId, host: target.host, kex: negotiated.kex, hostKey: negotiated.serverHostKey }, 'ssh handshake');
      });
      this.client.on('error', (err: Error) => {
        this.lastError = err;
        if (!settled) fail(this.mapConnectError(err));
        else cfg.logger.debug({ hostId: target.hostId, host: target.host, err: err.message }, 'ssh connection error');
      });
      this.client.on('close', () => {
        if (!settled) {
          const why = this.closeReason ?? this.lastError;
          fail(
            why instanceof SshError
              ? why
              : new SshConnectError(this.ctx, 'closed', `SSH connection to ${this.where()} closed during the handshake`, why ?? undefined),
          );
        }
        this.onClosed();
      });

      try {
        this.client.connect({
          host: target.host,
          port: target.port,
          username: target.username,
          privateKey: cfg.privateKey,
          // Backup for our own deadline; ssh2 reports it as a 'client-timeout' error, mapped to the same timeout.
          readyTimeout: cfg.connectTimeoutMs + 1_000,
          keepaliveInterval: cfg.keepaliveIntervalMs,
          keepaliveCountMax: 3,
          algorithms: ALGORITHMS,
          hostVerifier: (key: Buffer) => this.verifyHostKey(key),
        });
      } catch (err) {
        // Synchronous refusals from ssh2, e.g. an unreadable private key.
        fail(new SshConnectError(this.ctx, 'other', `SSH connect to ${this.where()} failed: ${(err as Error).message}`, err));
      }
    });
  }

  /**
   * Opens an exec channel, waiting for a free slot when the server's session limit is reached. The slot is
   * released when the channel closes. Rejects with SshChannelError, or with `signal.reason` if aborted while queued.
   */
  async openExec(
    command: string,
    signal?: AbortSignal,
    onPhase?: (phase: 'queued' | 'opening') => void,
  ): Promise<ClientChannel> {
    let emptyRefusals = 0;
    for (;;) {
      this.assertReady();
      onPhase?.('queued');
      await this.gate.acquire(signal);
      onPhase?.('opening');
      let channel: ClientChannel;
      try {
        channel = await this.rawExec(command);
      } catch (err) {
        this.gate.release(false);
        if (this.state !== 'ready') throw this.lossError();
        if (!isChannelRefusal(err)) {
          throw new SshChannelError(this.ctx, `Could not start a command on ${this.where()}: ${(err as Error).message}`, err);
        }
        const openNow = this.gate.active;
        // Refused with nothing of ours open: the server forbids sessions (or has not reaped our last one yet).
        if (openNow === 0 && this.gate.taken === 0 && ++emptyRefusals > 3) {
          throw new SshChannelError(this.ctx, `${this.where()} refused to open a session channel (${(err as Error).message})`, err);
        }
        this.gate.learnLimit();
        this.cfg.logger.debug(
          { hostId: this.target.hostId, host: this.target.host, open: openNow, limit: this.gate.learnedLimit },
          'ssh channel refused; waiting for a free one',
        );
        onPhase?.('queued');
        await delay(50, signal);
        continue;
      }
      this.gate.confirm();
      this.channels.add(channel);
      channel.once('close', () => {
        this.channels.delete(channel);
        this.gate.release(true);
      });
      if (signal?.aborted) {
        closeChannel(channel);
        throw signal.reason;
      }
      return channel;
    }
  }

  /** Called with a clear error if the connection goes away while the caller uses a channel. Returns the unsubscriber. */
  onLoss(listener: (err: SshChannelError) => void): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  onClose(listener: () => void): void {
    if (this.state === 'closed') listener();
    else this.closeListeners.add(listener);
  }

  /**
   * Tears the connection down (timeouts, invalidation): from now on it is closed for every user, who get `reason`
   * in the loss error. With `flushMs`, the socket is half-closed first and destroyed only after that grace: what
   * was just written (e.g. a KILL for a timed-out command) then reaches a live peer, whereas destroying a socket
   * with unread input sends a RST that makes the peer drop it. A dead peer costs nothing more than the grace.
   */
  destroy(reason: Error, flushMs = 0): void {
    if (this.state === 'closed') return;
    this.closeReason ??= reason;
    this.failConnect?.(
      reason instanceof SshError
        ? reason
        : new SshConnectError(this.ctx, 'closed', `SSH connect to ${this.where()} abandoned: ${reason.message}`, reason),
    );
    if (flushMs > 0 && this.state === 'ready') {
      // Stop what still runs on it: sshd leaves a no-pty session's processes running when the connection goes.
      for (const channel of this.channels) closeChannel(channel, 'KILL');
      this.client.end();
      setTimeout(() => this.client.destroy(), flushMs).unref();
    } else {
      this.client.destroy();
    }
    // A socket still connecting (SYN unanswered) may not be destroyable through ssh2; settle our side regardless.
    this.onClosed();
  }

  /** Polite close (SSH disconnect), falling back to destroy; resolves once closed. */
  async end(timeoutMs = 1_000): Promise<void> {
    if (this.state === 'closed') return;
    this.closeReason ??= new Error('connection closed by the dashboard');
    for (const channel of this.channels) closeChannel(channel, 'TERM');
    this.client.end();
    const timer = setTimeout(() => this.destroy(this.closeReason as Error), timeoutMs);
    await this.closedPromise;
    clearTimeout(timer);
  }

  private verifyHostKey(key: Buffer): boolean {
    const actual = sshFingerprint(key);
    const pinned = this.target.pinnedFingerprint;
    // A re-key must present the same key as the first exchange.
    if (this.fp !== null && this.fp !== actual) {
      this.mismatch = new SshHostKeyMismatchError(this.ctx, this.fp, actual);
      return false;
    }
    this.fp = actual;
    if (pinned !== null && normalizeFingerprint(pinned) !== actual) {
      this.mismatch = new SshHostKeyMismatchError(this.ctx, normalizeFingerprint(pinned), actual);
      this.cfg.logger.warn({ hostId: this.target.hostId, host: this.target.host, expected: pinned, actual }, 'ssh host key mismatch; refusing');
      return false;
    }
    return true;
  }

  private rawExec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel)));
      } catch (err) {
        reject(err);
      }
    });
  }

  private assertReady(): void {
    if (this.state !== 'ready') throw this.lossError();
  }

  private lossError(): SshChannelError {
    const why = this.closeReason ?? this.lastError;
    return new SshChannelError(
      this.ctx,
      `SSH connection to ${this.where()} was lost${why ? `: ${why.message}` : ''}`,
      why ?? undefined,
    );
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    if (wasReady) {
      this.cfg.logger.debug({ hostId: this.target.hostId, host: this.target.host, reason: (this.closeReason ?? this.lastError)?.message }, 'ssh connection closed');
    }
    const err = this.lossError();
    for (const l of [...this.lossListeners]) l(err);
    this.lossListeners.clear();
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
    this.resolveClosed();
  }

  private where(): string {
    return where(this.target);
  }

  private connectStage(): string {
    return connectStage(this.fp !== null);
  }

  private mapConnectError(err: Ssh2ConnectError): SshError {
    if (this.mismatch) return this.mismatch;
    return classifyConnectError(err, { target: this.target, connectTimeoutMs: this.cfg.connectTimeoutMs, keyExchanged: this.fp !== null });
  }
}

/** The parts of ssh2's channel internals that sendSignal needs (ssh2 1.17). */
interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal?(id: number, signal: string): void } };
}

/**
 * Sends a signal request (RFC 4254 6.9). ssh2's public `signal()` is a no-op once stdin was closed (`end()`), yet
 * we close stdin of every command right away; the protocol allows the request after EOF, so when the public method
 * cannot, it goes through ssh2's protocol object directly.
 */
function sendSignal(channel: ClientChannel, signal: string): void {
  const c = channel as unknown as ChannelInternals;
  const state = c.outgoing?.state;
  if (state !== 'open' && state !== 'eof') return;
  if (channel.writable && state === 'open') {
    channel.signal(signal);
    return;
  }
  c._client?._protocol?.signal?.(c.outgoing!.id, signal);
}

/** Asks the remote process group to stop, then closes the channel. Safe on an already closed channel. */
export function closeChannel(channel: ClientChannel, signal: 'TERM' | 'KILL' = 'TERM'): void {
  try {
    // OpenSSH (>= 7.9) delivers this to the session's process group; without it a command only notices the closed
    // channel when it next writes (SIGPIPE), which for `sleep` or a quiet `docker events` may be never.
    sendSignal(channel, signal);
  } catch {
    // channel or connection already gone
  }
  try {
    channel.close();
  } catch {
    // channel already gone
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
