import type { HostRow } from '../../db/schema.js';
import type { SshPool } from '../../ssh/pool.js';
import type { ExecOptions, ExecResult, StreamHandle, StreamHandlers } from '../../ssh/types.js';
import type { ShellCommand } from './commands.js';

/**
 * How the CLI engine's command lines reach a host with a shell. Every transport runs the same lines (built only by
 * commands.ts) and answers the same shapes. Contract: exec() resolves with the exit code (non-zero is not an error)
 * and rejects only when the command could not run or finish (connection refused, timeout: typed errors from src/ssh
 * or the local transport); stream() reports lines and exactly one onClose.
 * Only cli-engine.ts uses a transport: services talk to the DockerEngine interface (engine.ts).
 */
export interface CommandTransport {
  exec(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
  stream(cmd: ShellCommand, handlers: StreamHandlers): Promise<StreamHandle>;
}

/** The `local` transport's runner (local-transport.ts): commands on the dashboard's own machine. */
export type LocalRunner = CommandTransport;

/** The host's pooled SSH connection, with its pinned host key (or none yet: trust on first use). */
export function sshTransport(pool: SshPool, row: HostRow): CommandTransport {
  // The SSH fields are null only for hosts of other kinds; an ssh row without them is a bug, said loudly.
  if (row.host === null || row.port === null || row.username === null) throw new Error(`host ${row.name}: an SSH host without address, port or user`);
  const target = { hostId: row.id, host: row.host, port: row.port, username: row.username, pinnedFingerprint: row.ssh_host_key };
  return { exec: (c, o) => pool.exec(target, c, o), stream: (c, h) => pool.stream(target, c, h) };
}
