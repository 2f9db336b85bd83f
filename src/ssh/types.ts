/**
 * Public contract of the SSH pool (src/ssh). Other modules (host metrics, docker transport, events stream) code
 * against these shapes; keep them stable.
 */

/** Where and how to reach one host. `hostId` identifies the pooled connection. */
export interface SshTarget {
  hostId: number;
  host: string; // address or DNS name
  port: number;
  username: string;
  /** "SHA256:<base64 without padding>" as `ssh-keygen -lf` prints it, or null = trust on first use. */
  pinnedFingerprint: string | null;
}

/** Outcome of one command. A non-zero exit is not an error: it is reported in `code`. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the process was killed by a signal (then `signal` is set). */
  code: number | null;
  signal: string | null;
  durationMs: number;
}

export interface ExecOptions {
  /** Deadline for the whole exec (waiting for a channel included). Default: the pool's execTimeoutMs. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  /** Combined stdout + stderr cap; beyond it the command is killed and the exec rejects. Default 32 MiB. */
  maxOutputBytes?: number;
}

/** Callbacks of a long-lived command (docker events, logs -f). Lines come without their trailing newline. */
export interface StreamHandlers {
  onStdoutLine?(line: string): void;
  onStderrLine?(line: string): void;
  /**
   * Called exactly once: when the command ends (code, or null if killed/closed), when the caller closes the
   * handle (code null, no error), or when the connection is lost (err set).
   */
  onClose?(code: number | null, err?: Error): void;
}

export interface StreamHandle {
  /** Ends the remote process (TERM to its process group) and closes the channel. Idempotent. */
  close(): void;
}

/** pino-compatible subset: `(obj, msg)`. */
export interface SshLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SshPoolOptions {
  privateKey: string | Buffer;
  /** TCP connect + SSH handshake + auth. Default 5000. */
  connectTimeoutMs?: number;
  /** Default deadline of exec(). Default 15000. */
  execTimeoutMs?: number;
  /** Default 10000; the connection is dropped after 3 unanswered keepalives. */
  keepaliveIntervalMs?: number;
  /**
   * Windows after consecutive connect failures (the n-th failure uses entry n-1, the last one repeats).
   * During a window new connects fail fast with SshBackoffError. Default [5000, 10000, 30000].
   */
  backoffMs?: number[];
  logger?: SshLogger;
  /** Called after the first successful contact with a host that has no pin, before any command runs on it. */
  onHostKeyPinned?(target: SshTarget, fingerprint: string): void | Promise<void>;
}

export interface SshPoolStats {
  connections: number;
  channels: number;
}
