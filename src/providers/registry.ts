/**
 * The provider registry: each kind of host -> how to reach its Docker engine, in one exhaustive map (a new kind that
 * is not in the map does not compile; a row of an unknown kind fails loudly). Services ask the registry for a host's
 * engine and its capabilities, and never branch on the kind themselves.
 */
import type { HostTransport } from '../core/types.js';
import type { HostRow } from '../db/schema.js';
import type { SshPool } from '../ssh/pool.js';
import { CLI_CAPABILITIES, CliEngine } from './docker/cli-engine.js';
import { type DockerEngine, type EngineCapabilities, EngineError } from './docker/engine.js';
import { type LocalRunner, sshTransport } from './docker/transports.js';
import { PORTAINER_CAPABILITIES } from './portainer/engine.js';
import type { PortainerApi } from './portainer/types.js';

export interface ProviderDeps {
  pool: SshPool;
  local: LocalRunner;
  execTimeoutMs: number;
  log: { debug(o: object, m?: string): void };
  /** The clients of the configured Portainer servers (the Portainer sync service provides them). */
  portainer?: { clientFor(serverId: number): PortainerApi | null | undefined };
}

export interface HostKindEntry {
  /** What every host of this kind can do (the engine's capabilities, known without reaching the host). */
  capabilities: EngineCapabilities;
  /** Connected to the host with SSH: the Check button and host-key pinning apply. */
  ssh: boolean;
  engine(row: HostRow, deps: ProviderDeps): DockerEngine;
}

export const HOST_KINDS = {
  ssh: {
    capabilities: CLI_CAPABILITIES,
    ssh: true,
    engine: (row, d) => new CliEngine(sshTransport(d.pool, row), { execTimeoutMs: d.execTimeoutMs, log: d.log }),
  },
  local: {
    capabilities: CLI_CAPABILITIES,
    ssh: false,
    engine: (_row, d) => new CliEngine(d.local, { execTimeoutMs: d.execTimeoutMs, log: d.log }),
  },
  // A Portainer environment: the Docker API through Portainer's proxy, with the client of its server.
  portainer: {
    capabilities: PORTAINER_CAPABILITIES,
    ssh: false,
    engine: (row, d) => {
      if (row.portainer_server_id == null || row.portainer_endpoint_id == null) return unavailable(`${row.name}: this host does not name its Portainer server and environment`);
      const client = d.portainer?.clientFor(row.portainer_server_id);
      if (!client) return unavailable(`${row.name}: its Portainer server (${row.portainer_server_id}) is not configured in this process`);
      return client.engine(row.portainer_endpoint_id, row.name);
    },
  },
} satisfies Record<HostTransport, HostKindEntry>;

/** An engine whose every call rejects with `unsupported` and the reason (a kind whose engine is not built yet). */
function unavailable(reason: string): DockerEngine {
  const no = async (): Promise<never> => {
    throw new EngineError('unsupported', reason);
  };
  return {
    capabilities: { redeploy: false, compose_actions: false, host_metrics: false, prune: [], live_logs: false },
    snapshot: no,
    inspect: no,
    action: no,
    redeploy: no,
    composeAction: no,
    prune: no,
    logs: no,
    followLogs: no,
    stats: no,
    events: no,
    hostMetrics: no,
  };
}

export function hostKind(kind: string): HostKindEntry {
  const entry = (HOST_KINDS as Record<string, HostKindEntry>)[kind];
  if (!entry) throw new Error(`unknown host kind "${kind}" (known: ${Object.keys(HOST_KINDS).join(', ')})`);
  return entry;
}

/** The registry bound to this process's SSH pool and local runner (built in container.ts). */
export class Engines {
  constructor(private readonly deps: ProviderDeps) {}

  /** The Portainer area is built after the registry (it needs the hosts and the bus): it hands its clients in here. */
  setPortainer(source: NonNullable<ProviderDeps['portainer']>): void {
    this.deps.portainer = source;
  }

  forHost(row: HostRow): DockerEngine {
    return hostKind(row.transport).engine(row, this.deps);
  }

  capabilities(row: Pick<HostRow, 'transport'>): EngineCapabilities {
    return hostKind(row.transport).capabilities;
  }
}
