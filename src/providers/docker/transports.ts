import type { HostRow } from '../../db/schema.js';
import type { SshPool } from '../../ssh/pool.js';
import type { ExecOptions, ExecResult, StreamHandle, StreamHandlers } from '../../ssh/types.js';
import type { ShellCommand } from './commands.js';

/**
 * How commands reach a Docker host. Every transport runs the same command lines (built only by commands.ts) and
 * answers the same shapes, so collection, actions, logs and alerts never care which one a host uses.
 * Contract: exec() resolves with the exit code (non-zero is not an error) and rejects only when the command could
 * not run or finish (connection refused, timeout: typed errors from src/ssh or the local transport).
 * A Portainer endpoint will be a third transport (its Docker API proxy), added beside these two.
 */
export interface CommandTransport {
  readonly kind: 'ssh' | 'local';
  exec(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
  stream(cmd: ShellCommand, handlers: StreamHandlers): Promise<StreamHandle>;
}

export interface LocalRunner {
  exec(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
  stream(cmd: ShellCommand, handlers: StreamHandlers): Promise<StreamHandle>;
}

export class TransportFactory {
  constructor(
    private readonly pool: SshPool,
    private readonly local: LocalRunner,
  ) {}

  forHost(row: HostRow): CommandTransport {
    const kind = row.transport;
    if (kind === 'local') return { kind: 'local', exec: (c, o) => this.local.exec(c, o), stream: (c, h) => this.local.stream(c, h) };
    if (kind === 'ssh') {
      const target = { hostId: row.id, host: row.host!, port: row.port!, username: row.username!, pinnedFingerprint: row.ssh_host_key };
      return {
        kind: 'ssh',
        exec: (c, o) => this.pool.exec(target, c, o),
        stream: (c, h) => this.pool.stream(target, c, h),
      };
    }
    throw new Error(`host ${row.name}: unknown transport "${kind}"`);
  }
}
