/**
 * The CLI engine: the DockerEngine of hosts reached by a shell, over SSH or on this machine. It runs the command
 * lines of commands.ts (the only builder of docker command lines) through a CommandTransport, parses their output
 * with parse*.ts, and turns exit codes and stderr into typed EngineErrors — this is the one place that reads
 * docker's stderr text.
 */
import type { LogLine } from '../../core/types.js';
import { SshTimeoutError } from '../../ssh/errors.js';
import type { ExecOptions, ExecResult } from '../../ssh/types.js';
import * as cmd from './commands.js';
import { DockerInputError } from './commands.js';
import {
  type ActionOutput,
  type DockerEngine,
  type EngineCapabilities,
  EngineError,
  type EngineErrorKind,
  type EventHandlers,
  type FollowHandlers,
  type InspectResult,
  type LogsQuery,
  PRUNE_KINDS,
  type Snapshot,
  type Stream,
} from './engine.js';
import { LocalTimeoutError } from './local-transport.js';
import { parseCollectOutput, parseEventLine, parseInspect, parseLogLine, parseLogs, parseMetrics, parsePruneOutput, parseStats } from './parse.js';
import type { CommandTransport } from './transports.js';

export const CLI_CAPABILITIES: EngineCapabilities = {
  redeploy: true,
  compose_actions: true,
  host_metrics: true,
  prune: PRUNE_KINDS,
  live_logs: true,
};

const TASK_OUTPUT_MAX = 20_000;
const LOGS_MAX_BYTES = 16 * 1024 * 1024;
// docker stats samples twice (about 2 s) before it prints.
const STATS_MIN_TIMEOUT_MS = 20_000;

/** What docker's stderr means. Checked in this order: "No such" wins over a daemon message quoting it. */
const STDERR_KINDS: [RegExp, EngineErrorKind][] = [
  [/No such (container|object)/i, 'not_found'],
  [/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i, 'daemon_down'],
  [/is already (in progress|paused|running|stopped)|is not (running|paused)|Conflict|in use by container|removal of container .* is already in progress/i, 'conflict'],
];

export function stderrKind(stderr: string): EngineErrorKind {
  for (const [re, kind] of STDERR_KINDS) if (re.test(stderr)) return kind;
  return 'failed';
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop();
const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

export interface CliEngineOptions {
  execTimeoutMs: number;
  log?: { debug(o: object, m?: string): void };
}

export class CliEngine implements DockerEngine {
  readonly capabilities = CLI_CAPABILITIES;

  constructor(
    private readonly transport: CommandTransport,
    private readonly opts: CliEngineOptions,
  ) {}

  async snapshot(o: { inspect: 'all' | readonly string[]; timeoutMs?: number }): Promise<Snapshot> {
    const r = await this.exec(cmd.collectScript({ inspect: o.inspect }), { timeoutMs: o.timeoutMs });
    const out = parseCollectOutput(r.stdout);
    // The script itself did not run (no sh, no mktemp...): nothing of it can be trusted.
    if (!out.sections.ps && r.code !== 0) throw new EngineError('failed', firstLine(r.stderr) || `collection script exited ${r.code}`);
    return { ...out, round_trips: 1 };
  }

  async inspect(ids: readonly string[], o: { timeoutMs?: number } = {}): Promise<InspectResult> {
    const r = await this.exec(cmd.inspectContainers(ids), { timeoutMs: o.timeoutMs });
    const { inspects, errors } = parseInspect(r.stdout);
    // Docker said yes but nothing it printed reads as an inspect object: not "no such container", an answer we cannot read.
    if (r.code === 0 && !inspects.length && errors.length) throw new EngineError('bad_output', `inspect answered but could not be read: ${errors[0]!.message}`);
    if (r.code === 0) return { objects: inspects, missing: [], errors };
    // Several ids: docker prints the ones it found and exits 1 naming each missing one.
    if (stderrKind(r.stderr) === 'not_found') {
      const found = new Set(inspects.flatMap((x) => [String(x.Id), String(x.Name ?? '').replace(/^\//, '')]));
      return { objects: inspects, missing: ids.filter((id) => !found.has(id) && ![...found].some((f) => f.startsWith(id))), errors };
    }
    if (inspects.length) return { objects: inspects, missing: [], errors };
    throw this.failure(r, firstLine(r.stderr) || `inspect exited ${r.code}`);
  }

  async action(ref: string, action: cmd.ContainerAction, o: cmd.ContainerActionOptions & { timeoutMs?: number } = {}): Promise<ActionOutput> {
    return this.run(cmd.containerAction(action, ref, o), o.timeoutMs);
  }

  async redeploy(target: cmd.ComposeTarget, o: { timeoutMs?: number } = {}): Promise<ActionOutput> {
    return this.run(cmd.composeRedeploy(target), o.timeoutMs);
  }

  async composeAction(project: string, action: cmd.ComposeAction, o: { timeoutMs?: number } = {}): Promise<ActionOutput> {
    return this.run(cmd.composeAction(project, action), o.timeoutMs);
  }

  async prune(kinds: cmd.PruneKinds, o: { timeoutMs?: number } = {}) {
    const out = await this.run(cmd.prune(kinds), o.timeoutMs);
    return { ...parsePruneOutput(out.answer), ...out };
  }

  async logs(ref: string, q: LogsQuery, o: { timeoutMs?: number } = {}): Promise<LogLine[]> {
    const r = await this.exec(cmd.logs(ref, { tail: q.tail, since: q.since, timestamps: q.timestamps }), { timeoutMs: o.timeoutMs, maxOutputBytes: LOGS_MAX_BYTES });
    // docker logs exits 0 whatever the container wrote; a non-zero exit is docker itself failing (daemon down, no such
    // container, a log driver that cannot be read): its message is the last stderr line, not a line of the container.
    if (r.code !== 0) throw this.failure(r, lastLine(r.stderr) ?? `exit code ${r.code}`);
    return parseLogs(r.stdout, r.stderr, { timestamps: q.timestamps });
  }

  async followLogs(ref: string, q: { since?: string; tail: number }, h: FollowHandlers): Promise<Stream> {
    const command = cmd.logs(ref, { follow: true, tail: q.tail, since: q.since, timestamps: true });
    return this.stream(command, {
      onStdoutLine: (l) => h.onLine(parseLogLine(l, 'stdout', true)),
      onStderrLine: (l) => h.onLine(parseLogLine(l, 'stderr', true)),
      onClose: (_code, err) => h.onClose(err),
    });
  }

  async stats(ref?: string, o: { timeoutMs?: number } = {}) {
    const r = await this.exec(cmd.stats(ref), { timeoutMs: Math.max(o.timeoutMs ?? this.opts.execTimeoutMs, STATS_MIN_TIMEOUT_MS) });
    if (r.code !== 0) throw this.failure(r, firstLine(r.stderr));
    return parseStats(r.stdout).stats;
  }

  async events(h: EventHandlers): Promise<Stream> {
    return this.stream(cmd.events({ types: ['container', 'daemon'] }), {
      onStdoutLine: (line) => {
        const e = parseEventLine(line);
        if (e) h.onEvent(e);
      },
      onStderrLine: (line) => this.opts.log?.debug({ line }, 'docker events stderr'),
      onClose: (_code, err) => h.onClose(err),
    });
  }

  async hostMetrics(o: { timeoutMs?: number } = {}) {
    const r = await this.exec(cmd.hostMetrics(), { timeoutMs: o.timeoutMs });
    if (r.code !== 0) throw new EngineError('failed', `metrics command exited ${r.code}: ${firstLine(r.stderr)}`);
    const parsed = parseMetrics(r.stdout);
    return { metrics: parsed.metrics, errors: parsed.errors.map((e) => ({ section: e.section, message: e.message })) };
  }

  // --- plumbing ------------------------------------------------------------------------------------------------

  /** A command whose non-zero exit is a failure, with what it printed for the task log. */
  private async run(command: cmd.ShellCommand, timeoutMs?: number): Promise<ActionOutput> {
    const r = await this.exec(command, { timeoutMs });
    const output = [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n').slice(-TASK_OUTPUT_MAX);
    if (r.code !== 0) throw this.failure(r, lastLine(r.stderr) ?? `exit code ${r.code}`, output);
    return { output, answer: r.stdout };
  }

  private failure(r: ExecResult, message: string, output?: string): EngineError {
    return new EngineError(stderrKind(r.stderr), message, { output });
  }

  /** The transport's rejections (could not run or finish the command) become typed errors. */
  private async exec(command: cmd.ShellCommand, o: ExecOptions): Promise<ExecResult> {
    try {
      return await this.transport.exec(command, { ...o, timeoutMs: o.timeoutMs ?? this.opts.execTimeoutMs });
    } catch (err) {
      throw transportError(err);
    }
  }

  private async stream(command: cmd.ShellCommand, handlers: Parameters<CommandTransport['stream']>[1]): Promise<Stream> {
    try {
      return await this.transport.stream(command, handlers);
    } catch (err) {
      throw transportError(err);
    }
  }
}

function transportError(err: unknown): Error {
  if (err instanceof DockerInputError || err instanceof EngineError) return err;
  const kind: EngineErrorKind = err instanceof SshTimeoutError || err instanceof LocalTimeoutError ? 'timeout' : 'unreachable';
  return new EngineError(kind, (err as Error).message ?? String(err), { cause: err });
}
