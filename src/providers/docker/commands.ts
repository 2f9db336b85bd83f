/**
 * The ONLY place in the project that builds docker command lines (DESIGN.md, "Security model").
 *
 * Every builder returns a ShellCommand, a branded string that only this module can make; transports
 * accept nothing else, so no other code can hand a host an arbitrary line. Every outside value is first
 * validated against Docker's grammar (grammar.ts, throws DockerInputError) and then single-quoted.
 *
 * Multi-command builders return one POSIX sh script wrapped in `sh -c '...'`, so it behaves the same
 * whatever the remote user's login shell is, and costs one SSH round trip. Scripts print their output in
 * delimited sections (see SECTION_*), each carrying its command's stdout, stderr and exit code, so one
 * failing command never hides the others.
 */
import type { ComposeAction, ComposeTarget, ContainerAction, ContainerActionOptions, PruneKinds } from './engine.js';
import * as g from './grammar.js';
import { checkComposeTarget, checkPruneKinds } from './grammar.js';

export { DockerInputError } from './grammar.js';
export type { ComposeAction, ComposeTarget, ContainerAction, ContainerActionOptions, PruneKinds };

declare const shellBrand: unique symbol;
/** A command line built by this module. `string & {...}` so it can be logged and passed to ssh2 as is. */
export type ShellCommand = string & { readonly [shellBrand]: true };

/** Section framing shared with parse.ts. A line starting with this prefix cannot come from docker's JSON. */
export const SECTION_PREFIX = '::homelab:';

/** POSIX single quoting: 'it'\''s'. NUL cannot be passed in an argv at all, so it is refused. */
export function quote(value: string): string {
  if (value.includes('\0')) throw new g.DockerInputError('argument', 'must not contain NUL');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function cmd(line: string): ShellCommand {
  return line as ShellCommand;
}

const JSON_FORMAT = quote('{{json .}}');

// --- scripts with sections --------------------------------------------------------------------------------

interface Section {
  name: string;
  body: string; // sh code, may use pipes and variables; its exit status is the section's rc
}

/**
 * One script that runs each section with stdout and stderr captured apart (temp files, removed on exit)
 * and prints:
 *   ::homelab:begin:NAME / stdout / ::homelab:stderr:NAME / stderr / ::homelab:end:NAME:RC
 */
function sectionsScript(sections: Section[]): ShellCommand {
  const lines = [
    'hl_t=$(mktemp -d 2>/dev/null || { d=/tmp/homelab.$$; mkdir -m 700 "$d" && echo "$d"; }) || exit 70',
    `trap 'rm -rf "$hl_t"' EXIT`,
    `trap 'rm -rf "$hl_t"; exit 129' HUP INT TERM`,
    'hl_run() {',
    '  hl_n=$1; shift',
    '  "$@" >"$hl_t/o" 2>"$hl_t/e"; hl_rc=$?',
    `  printf '${SECTION_PREFIX}begin:%s\\n' "$hl_n"; cat "$hl_t/o"`,
    `  printf '\\n${SECTION_PREFIX}stderr:%s\\n' "$hl_n"; cat "$hl_t/e"`,
    `  printf '\\n${SECTION_PREFIX}end:%s:%s\\n' "$hl_n" "$hl_rc"`,
    '}',
  ];
  for (const s of sections) {
    if (!/^[a-z_]+$/.test(s.name)) throw new Error(`bad section name ${s.name}`); // programming error
    lines.push(`hl_s_${s.name}() {`, `  ${s.body}`, '}', `hl_run ${s.name} hl_s_${s.name}`);
  }
  return script(lines.join('\n'));
}

/** Wraps a script so the remote login shell (bash, zsh, dash...) only has to run `sh -c '<script>'`. */
function script(body: string): ShellCommand {
  return cmd(`sh -c ${quote(body)}`);
}

/** `VERB ids...` over the ids LIST prints (hex ids or volume names: safe to word-split); nothing when none. */
function overIds(list: string, verb: string): string {
  return `hl_ids=$(${list}) || return $?; if [ -n "$hl_ids" ]; then ${verb} $hl_ids; fi`;
}

// Inspect sections print one JSON object per line (`--format '{{json .}}'`, the same object the API
// returns) so that the parser can keep every good line when one is damaged.
const INSPECT_LINE = `--format ${JSON_FORMAT}`;
// Images: an image with two tags is listed twice; the parser keeps one. Only what we store, with the exact byte size (`docker images` prints "1.98MB") and an ISO date.
const IMAGE_LINE = `--format ${quote(
  '{"Id":{{json .Id}},"RepoTags":{{json .RepoTags}},"RepoDigests":{{json .RepoDigests}},"Size":{{json .Size}},"Created":{{json .Created}}}',
)}`;

export type CollectSection =
  | 'version'
  | 'ps'
  | 'inspect'
  | 'images'
  | 'image_inspect'
  | 'volumes'
  | 'volume_inspect'
  | 'networks'
  | 'network_inspect';

/**
 * Everything a collection needs, in one round trip. `inspect: 'all'` inspects every container (first
 * cycle, periodic full pass); an id list inspects only those (new or changed containers); [] none.
 */
export function collectScript(opts: { inspect: 'all' | readonly string[] }): ShellCommand {
  let inspect: string;
  if (opts.inspect === 'all') {
    inspect = overIds('docker ps -aq --no-trunc', `docker container inspect ${INSPECT_LINE}`);
  } else if (opts.inspect.length === 0) {
    inspect = 'true';
  } else {
    const ids = opts.inspect.map((id, i) => quote(g.containerId(id, `inspect[${i}]`)));
    inspect = `docker container inspect ${INSPECT_LINE} ${ids.join(' ')}`;
  }
  return sectionsScript([
    { name: 'version', body: `docker version --format ${JSON_FORMAT}` },
    { name: 'ps', body: `docker ps -a --no-trunc --format ${JSON_FORMAT}` },
    { name: 'inspect', body: inspect },
    { name: 'images', body: `docker images --no-trunc --format ${JSON_FORMAT}` },
    { name: 'image_inspect', body: overIds('docker images -q --no-trunc', `docker image inspect ${IMAGE_LINE}`) },
    { name: 'volumes', body: `docker volume ls --format ${JSON_FORMAT}` },
    { name: 'volume_inspect', body: overIds('docker volume ls -q', `docker volume inspect ${INSPECT_LINE}`) },
    { name: 'networks', body: `docker network ls --no-trunc --format ${JSON_FORMAT}` },
    { name: 'network_inspect', body: overIds('docker network ls -q --no-trunc', `docker network inspect ${INSPECT_LINE}`) },
  ]);
}

// --- single commands ---------------------------------------------------------------------------------------

/** Probe: is the daemon reachable, which version. */
export function dockerVersion(): ShellCommand {
  return cmd(`docker version --format ${JSON_FORMAT}`);
}

export function inspectContainers(ids: readonly string[]): ShellCommand {
  if (ids.length === 0) throw new g.DockerInputError('ids', 'must name at least one container');
  const refs = ids.map((id, i) => quote(g.containerRef(id, `ids[${i}]`)));
  return cmd(`docker container inspect -- ${refs.join(' ')}`);
}



export function containerAction(action: ContainerAction, ref: string, opts: ContainerActionOptions = {}): ShellCommand {
  const target = quote(g.containerRef(ref));
  const args: string[] = [];
  switch (action) {
    case 'start':
    case 'pause':
    case 'unpause':
      break;
    case 'stop':
    case 'restart':
      if (opts.timeoutS !== undefined) args.push('-t', String(g.timeoutSeconds(opts.timeoutS)));
      break;
    case 'kill':
      if (opts.signal !== undefined) args.push('-s', quote(g.signal(opts.signal)));
      break;
    case 'remove':
      if (opts.force) args.push('-f');
      if (opts.volumes) args.push('-v');
      break;
    default:
      throw new g.DockerInputError('action', `unknown container action ${JSON.stringify(String(action)).slice(0, 40)}`);
  }
  const verb = action === 'remove' ? 'rm' : action;
  return cmd(['docker', verb, ...args, '--', target].join(' '));
}

export interface LogsOptions {
  tail?: number | string;
  since?: string;
  timestamps?: boolean;
  follow?: boolean;
}

/** `docker logs`: container stdout arrives on stdout, container stderr on stderr (parseLogs merges them). */
export function logs(ref: string, opts: LogsOptions = {}): ShellCommand {
  const args = ['docker', 'logs'];
  if (opts.timestamps ?? true) args.push('--timestamps');
  if (opts.follow) args.push('--follow');
  args.push('--tail', String(g.tail(opts.tail ?? 200)));
  if (opts.since !== undefined) args.push('--since', quote(g.since(opts.since)));
  args.push('--', quote(g.containerRef(ref)));
  return cmd(args.join(' '));
}

/** One `docker stats` sample (takes ~2 s: the CLI waits for two readings to compute CPU %). */
export function stats(ref?: string): ShellCommand {
  const base = `docker stats --no-stream --no-trunc --format ${JSON_FORMAT}`;
  return cmd(ref === undefined ? base : `${base} -- ${quote(g.containerRef(ref))}`);
}

export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon';

/** The long-lived event stream, one JSON object per line. */
export function events(opts: { since?: string; types?: readonly EventType[] } = {}): ShellCommand {
  const args = ['docker', 'events', '--format', JSON_FORMAT];
  if (opts.since !== undefined) args.push('--since', quote(g.since(opts.since)));
  for (const t of opts.types ?? []) {
    if (!['container', 'image', 'network', 'volume', 'daemon'].includes(t)) {
      throw new g.DockerInputError('types', 'unknown event type');
    }
    args.push('--filter', quote(`type=${t}`));
  }
  return cmd(args.join(' '));
}

export function uname(): ShellCommand {
  return cmd('uname -a');
}

/** Host figures from /proc and df, one section each (parseMetrics reads them). */
export function hostMetrics(): ShellCommand {
  return sectionsScript([
    { name: 'uptime', body: 'cat /proc/uptime' },
    { name: 'loadavg', body: 'cat /proc/loadavg' },
    { name: 'nproc', body: 'nproc 2>/dev/null || getconf _NPROCESSORS_ONLN' },
    { name: 'meminfo', body: 'cat /proc/meminfo' },
    { name: 'df', body: 'df -P -B1 /' },
  ]);
}

// --- compose and prune -------------------------------------------------------------------------------------


/**
 * start/stop/restart every container of a compose project (or of one service), found by the labels
 * compose puts on them. Acting by label rather than through `docker compose` works with compose v1 or
 * v2 or neither installed, and even when the compose file has moved: these actions never need it.
 */
export function composeAction(project: string, action: ComposeAction, opts: { service?: string } = {}): ShellCommand {
  if (!['start', 'stop', 'restart'].includes(action)) throw new g.DockerInputError('action', 'must be start, stop or restart');
  const filters = [`--filter ${quote(`label=com.docker.compose.project=${g.composeProject(project)}`)}`];
  if (opts.service !== undefined) {
    filters.push(`--filter ${quote(`label=com.docker.compose.service=${g.composeService(opts.service)}`)}`);
  }
  return script(
    [
      `ids=$(docker ps -aq --no-trunc ${filters.join(' ')}) || exit $?`,
      `[ -n "$ids" ] || { echo 'no container of this compose project on the host' >&2; exit 3; }`,
      `docker ${action} $ids`,
    ].join('\n'),
  );
}


/**
 * Redeploy one compose service: pull its image, then recreate it alone (`up -d --no-deps --force-recreate`).
 * A failed pull is reported on stderr but does not abort: homelab images are often built or imported
 * locally and have no registry to pull from. Works with the v2 plugin (`docker compose`) or v1
 * (`docker-compose`), whichever the host has; the script says which on stdout.
 */
export function composeRedeploy(t: ComposeTarget): ShellCommand {
  checkComposeTarget(t);
  const project = quote(t.project);
  const service = quote(t.service);
  const dir = quote(t.workingDir);
  const files = t.configFiles.map((f) => `-f ${quote(f)}`).join(' ');
  return script(
    [
      `cd ${dir} || exit 66`,
      'if docker compose version >/dev/null 2>&1; then set -- docker compose',
      'elif command -v docker-compose >/dev/null 2>&1; then set -- docker-compose',
      `else echo 'neither docker compose (v2) nor docker-compose (v1) is installed on the host' >&2; exit 127; fi`,
      `echo "homelab: using $*"`,
      `"$@" -p ${project} ${files} pull ${service} || echo "homelab: pull failed (exit $?), recreating from the local image" >&2`,
      `"$@" -p ${project} ${files} up -d --no-deps --force-recreate ${service}`,
    ].join('\n'),
  );
}



/** Each kind chosen explicitly, each in its own section so parsePruneOutput can report per kind. */
export function prune(kinds: PruneKinds): ShellCommand {
  const sections: Section[] = [];
  // Containers first: images and volumes only become unused once their stopped containers are gone.
  if (kinds.containers) sections.push({ name: 'containers', body: 'docker container prune -f' });
  if (kinds.images) sections.push({ name: 'images', body: `docker image prune -f${kinds.images === 'all' ? ' -a' : ''}` });
  if (kinds.volumes) sections.push({ name: 'volumes', body: 'docker volume prune -f' });
  if (kinds.networks) sections.push({ name: 'networks', body: 'docker network prune -f' });
  checkPruneKinds(kinds);
  return sectionsScript(sections);
}
