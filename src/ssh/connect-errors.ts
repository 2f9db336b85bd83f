import {
  SshAuthError,
  SshConnectError,
  SshTimeoutError,
  type SshConnectFailure,
  type SshError,
  type SshErrorContext,
} from './errors.js';
import type { SshTarget } from './types.js';

/** What ssh2 puts on the errors it emits before 'ready': `level` from ssh2, `code` from the socket or DNS. */
export type Ssh2ConnectError = Error & { level?: string; code?: string };

export interface ConnectErrorInfo {
  target: SshTarget;
  connectTimeoutMs: number;
  /** Whether the key exchange went through (then a timeout happened during authentication). */
  keyExchanged: boolean;
}

export function where(t: Pick<SshTarget, 'username' | 'host' | 'port'>): string {
  return `${t.username}@${t.host}:${t.port}`;
}

export function connectStage(keyExchanged: boolean): string {
  return keyExchanged
    ? 'key exchange done, authentication did not finish'
    : 'no SSH key exchange completed: host unreachable, filtered, or not answering';
}

/** Turns an ssh2/socket error raised while connecting into the typed error a user can act on. Pure. */
export function classifyConnectError(err: Ssh2ConnectError, info: ConnectErrorInfo): SshError {
  const { target } = info;
  const ctx: SshErrorContext = { hostId: target.hostId, host: target.host };
  const at = where(target);
  if (err.level === 'client-authentication') return new SshAuthError(ctx, target.username, err);
  if (err.level === 'client-timeout') {
    return new SshTimeoutError(ctx, 'connect', info.connectTimeoutMs, connectStage(info.keyExchanged), err);
  }
  const byCode: Record<string, [SshConnectFailure, string]> = {
    ECONNREFUSED: ['refused', `connection refused by ${at} (is sshd running on that port?)`],
    ENOTFOUND: ['dns', `cannot resolve host name ${target.host}`],
    EAI_AGAIN: ['dns', `DNS lookup of ${target.host} failed (temporary)`],
    EHOSTUNREACH: ['unreachable', `host ${target.host} is unreachable`],
    ENETUNREACH: ['unreachable', `network unreachable for ${target.host}`],
    ETIMEDOUT: ['unreachable', `TCP connect to ${at} timed out`],
    ECONNRESET: ['reset', `connection reset by ${at}`],
  };
  const known = err.code ? byCode[err.code] : undefined;
  if (known) return new SshConnectError(ctx, known[0], `SSH connect failed: ${known[1]}`, err);
  if (err.level === 'client-dns') return new SshConnectError(ctx, 'dns', `SSH connect failed: ${err.message}`, err);
  if (err.level === 'handshake' || err.level === 'protocol') {
    return new SshConnectError(ctx, 'handshake', `SSH handshake with ${at} failed: ${err.message}`, err);
  }
  return new SshConnectError(ctx, 'other', `SSH connect to ${at} failed: ${err.message}`, err);
}
