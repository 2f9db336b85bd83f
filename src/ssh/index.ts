/** SSH access to hosts: one pooled connection per host, exec channels on it. See pool.ts for the contract. */
export { SshPool } from './pool.js';
export {
  SshError,
  SshConnectError,
  SshAuthError,
  SshTimeoutError,
  SshHostKeyMismatchError,
  SshBackoffError,
  SshChannelError,
  SshOutputLimitError,
  type SshConnectFailure,
  type SshTimeoutPhase,
} from './errors.js';
export { sshFingerprint, fingerprintOfPublicKeyLine, normalizeFingerprint } from './fingerprint.js';
export type {
  SshTarget,
  ExecResult,
  ExecOptions,
  StreamHandlers,
  StreamHandle,
  SshLogger,
  SshPoolOptions,
  SshPoolStats,
} from './types.js';
