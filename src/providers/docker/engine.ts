/**
 * The DockerEngine interface: how every Docker host is reached, whatever it is (the docker CLI over SSH or on this
 * machine today; a Portainer environment's Docker API next). Services (collection, actions, live reads, logs, events)
 * talk to this interface only: they never build a command, read stderr or know which kind of host they hold.
 *
 * Contract of every method:
 *  - resolves with domain values (parse.ts shapes), never with raw CLI or HTTP text;
 *  - rejects with an EngineError whose `kind` says what went wrong (see EngineErrorKind), carrying the engine's own
 *    words in `message`, the command's or request's output in `output` (for the task log) and the low-level `cause`;
 *  - rejects with a DockerInputError (422) for a value outside Docker's grammar, before anything is sent;
 *  - has a deadline (its own default, or `timeoutMs`): past it the call rejects with kind `timeout`.
 */
import type { LogLine } from '../../core/types.js';
import type { CollectOutput, ContainerStats, DockerEventLine, ParsedHostMetrics, PruneReport } from './parse.js';

// --- what callers ask of an engine (commands.ts re-exports these for the CLI) ------------------------------------

export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove';
export const CONTAINER_ACTIONS: readonly ContainerAction[] = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'kill',
  'remove',
];

export interface ContainerActionOptions {
  /** stop/restart: seconds to wait before SIGKILL (`-t`). */
  timeoutS?: number;
  /** kill: signal (`-s`). */
  signal?: string;
  /** remove: remove a running container (`-f`). */
  force?: boolean;
  /** remove: remove its anonymous volumes too (`-v`). */
  volumes?: boolean;
}

export type ComposeAction = 'start' | 'stop' | 'restart';

export interface ComposeTarget {
  project: string;
  service: string;
  /** com.docker.compose.project.working_dir */
  workingDir: string;
  /** com.docker.compose.project.config_files, split on commas */
  configFiles: readonly string[];
}

export interface PruneKinds {
  containers?: boolean;
  /** true: dangling images only; 'all': every image no container uses (`-a`). */
  images?: boolean | 'all';
  volumes?: boolean;
  networks?: boolean;
}

/** What an engine can do beyond the common core; the API and the UI offer only what it says. */
export interface EngineCapabilities {
  /** Redeploy a compose service (pull + recreate): needs the compose files on the host. */
  redeploy: boolean;
  /** Start/stop/restart every container of a compose project at once. */
  compose_actions: boolean;
  /** Uptime, load, memory, disk of the machine itself. */
  host_metrics: boolean;
  /** Which kinds `prune` accepts. */
  prune: readonly PruneKind[];
  /** Follow a container's output as it is written. */
  live_logs: boolean;
}

export type PruneKind = 'containers' | 'images' | 'volumes' | 'networks';
export const PRUNE_KINDS: readonly PruneKind[] = ['containers', 'images', 'volumes', 'networks'];

export type EngineErrorKind =
  /** the container (or object) does not exist */
  | 'not_found'
  /** refused because of the object's state: already in that state, in use, removal in progress */
  | 'conflict'
  /** the host answers but its Docker daemon does not */
  | 'daemon_down'
  /** the host itself cannot be reached (connection refused, auth, host key, network) */
  | 'unreachable'
  /** no answer within the deadline */
  | 'timeout'
  /** an answer we cannot read */
  | 'bad_output'
  /** the engine did the request and reported a failure of another kind */
  | 'failed'
  /** this engine cannot do that (see capabilities) */
  | 'unsupported';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    options: { cause?: unknown; output?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'EngineError';
    this.output = options.output;
  }
  /** What the command or request printed, for the task's output. */
  readonly output: string | undefined;
}

export const isEngineError = (err: unknown, kind?: EngineErrorKind): err is EngineError =>
  err instanceof EngineError && (kind === undefined || err.kind === kind);

/** One snapshot of the host's Docker state (parse.ts CollectOutput) and what it cost. */
export interface Snapshot extends CollectOutput {
  round_trips: number;
}

/** Inspect results: raw inspect objects (the API's inspect shape) and the ids Docker said do not exist. */
export interface InspectResult {
  objects: Record<string, unknown>[];
  /** Only ids the engine explicitly reported as unknown; any other failure rejects instead. */
  missing: string[];
  /** Objects that could not be read (the others are kept). */
  errors: { section: string; message: string }[];
}

export interface LogsQuery {
  tail: number | 'all';
  since?: string;
  timestamps: boolean;
}

export interface FollowHandlers {
  onLine(line: LogLine): void;
  /** Exactly once: the stream ended (container stopped), was closed, or was lost (err set). */
  onClose(err?: Error): void;
}

export interface EventHandlers {
  onEvent(e: DockerEventLine): void;
  /** Exactly once, as FollowHandlers.onClose. */
  onClose(err?: Error): void;
}

export interface Stream {
  /** Ends the stream; idempotent. onClose follows. */
  close(): void;
}

export interface ActionOutput {
  /** What the engine printed (stdout then stderr), for the task log. */
  output: string;
  /** The engine's answer proper (the CLI's stdout), for the API's `output` field. */
  answer: string;
}

export interface DockerEngine {
  readonly capabilities: EngineCapabilities;
  /**
   * Version, every container (inspected: all of them, or only those listed), images, volumes, networks — in as few
   * round trips as the engine allows (one for the CLI). A section that fails is reported in `errors` and `sections`,
   * the others are kept. When the host answers but Docker does not, `daemon_error` says why (and nothing else in
   * the snapshot is to be trusted). Rejects `unreachable`/`timeout` when the host does not answer.
   */
  snapshot(opts: { inspect: 'all' | readonly string[]; timeoutMs?: number }): Promise<Snapshot>;
  inspect(ids: readonly string[], opts?: { timeoutMs?: number }): Promise<InspectResult>;
  action(ref: string, action: ContainerAction, opts?: ContainerActionOptions & { timeoutMs?: number }): Promise<ActionOutput>;
  /** Capability `redeploy`. */
  redeploy(target: ComposeTarget, opts?: { timeoutMs?: number }): Promise<ActionOutput>;
  /** Capability `compose_actions`. */
  composeAction(project: string, action: ComposeAction, opts?: { timeoutMs?: number }): Promise<ActionOutput>;
  /** Only the kinds in `capabilities.prune`. */
  prune(kinds: PruneKinds, opts?: { timeoutMs?: number }): Promise<PruneReport & ActionOutput>;
  logs(ref: string, q: LogsQuery, opts?: { timeoutMs?: number }): Promise<LogLine[]>;
  /** Capability `live_logs`: lines from `since` (or new ones only, tail 0) as they are written. */
  followLogs(ref: string, q: { since?: string; tail: number }, handlers: FollowHandlers): Promise<Stream>;
  /** One stats sample of one container, or of all running ones. */
  stats(ref?: string, opts?: { timeoutMs?: number }): Promise<ContainerStats[]>;
  /** Container and daemon events, as they happen. */
  events(handlers: EventHandlers): Promise<Stream>;
  /** Capability `host_metrics`. */
  hostMetrics(opts?: { timeoutMs?: number }): Promise<{ metrics: ParsedHostMetrics; errors: { section: string; message: string }[] }>;
}
