/**
 * Validation of every value that comes from outside (API, database rows, container labels) before it
 * may appear in a docker command line. commands.ts calls these and then quotes the result anyway:
 * validation is the contract (what Docker itself would accept), quoting is defence in depth.
 *
 * Every pattern is ASCII-only on purpose: a Cyrillic "а" that looks like "a" is not a Docker name, and
 * rejecting it here keeps homoglyph tricks out of logs and audit trails as well as out of the shell.
 */

import type { ComposeTarget, PruneKinds } from './engine.js';

/** Thrown when a value does not match Docker's grammar. The API turns it into 422 `{error, message}`. */
export class DockerInputError extends Error {
  readonly code = 'invalid_input' as const;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
    this.name = 'DockerInputError';
  }
}

// Docker's own rule for container names (daemon/names.go: RestrictedNameChars), bounded so that a
// 300-character "name" is refused before it reaches a host.
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MAX_NAME_LENGTH = 128;
const HEX_ID_RE = /^[0-9a-f]{1,64}$/;
// Compose v2 rule for project names (lowercase); v1 normalised names to the same alphabet.
const COMPOSE_PROJECT_RE = /^[a-z0-9][a-z0-9_-]*$/;
// Compose spec: service names are [a-zA-Z0-9._-]+; the first character must not be a dash (flag injection).
const COMPOSE_SERVICE_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
// RFC 3339 timestamps as docker accepts them for --since (fractional seconds and offsets allowed),
// plus the date-only form.
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const UNIX_TS_RE = /^\d{1,12}(\.\d{1,9})?$/;
// Go durations as time.ParseDuration reads them ("10m", "1h30m", "1.5h", "300ms"); no sign, no unicode "µs".
const GO_DURATION_RE = /^(\d{1,9}(\.\d{1,9})?(ns|us|ms|s|m|h))+$/;
// Label keys and values used in --filter label=K=V. Docker allows more in values, but filters we build
// only ever use compose/homelab labels, whose values are names and paths.
const LABEL_KEY_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const LABEL_VALUE_RE = /^[a-zA-Z0-9._:/@+-]*$/;
// Image references: [registry[:port]/]path[:tag][@sha256:digest] (distribution/reference grammar, simplified).
const IMAGE_REF_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const IMAGE_ID_RE = /^sha256:[a-f0-9]{64}$/;
// Paths from compose labels: absolute, printable ASCII without shell metacharacters. Spaces are allowed
// (working directories like "/srv/my stacks/shop" exist); quoting handles them.
const PATH_RE = /^\/[a-zA-Z0-9._/ +@,:=~-]*$/;
const SIGNAL_RE = /^(?:SIG)?[A-Z][A-Z0-9+-]{0,15}$|^\d{1,2}$/;

export const MAX_TAIL = 5000;

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new DockerInputError(field, 'must be a string');
  if (value.length === 0) throw new DockerInputError(field, 'must not be empty');
  if (value.length > max) throw new DockerInputError(field, `must be at most ${max} characters`);
  return value;
}

function matching(field: string, value: unknown, re: RegExp, max: number, what: string): string {
  const s = text(field, value, max);
  if (!re.test(s)) throw new DockerInputError(field, `is not ${what}`);
  return s;
}

/** A container name as Docker accepts it: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 128 characters. */
export function containerName(value: unknown, field = 'name'): string {
  return matching(field, value, NAME_RE, MAX_NAME_LENGTH, 'a valid container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)');
}

/** A full container id or an id prefix: lowercase hex, 1 to 64 characters. */
export function containerId(value: unknown, field = 'container_id'): string {
  return matching(field, value, HEX_ID_RE, 64, 'a container id (1 to 64 lowercase hex characters)');
}

/**
 * What the API accepts as `container_id`: a full id, a unique prefix, or a name. Hex strings are valid
 * names too, so the name grammar covers all three; resolving which one it is belongs to the caller.
 */
export function containerRef(value: unknown, field = 'container_id'): string {
  return matching(field, value, NAME_RE, MAX_NAME_LENGTH, 'a container id, id prefix or name');
}

export function composeProject(value: unknown, field = 'project'): string {
  return matching(field, value, COMPOSE_PROJECT_RE, 128, 'a compose project name ([a-z0-9][a-z0-9_-]*)');
}

export function composeService(value: unknown, field = 'service'): string {
  return matching(field, value, COMPOSE_SERVICE_RE, 128, 'a compose service name ([a-zA-Z0-9][a-zA-Z0-9._-]*)');
}

/** An image reference (`nginx:1.25`, `ghcr.io/o/app@sha256:...`) or an image id (`sha256:...`). */
export function imageRef(value: unknown, field = 'image'): string {
  const s = text(field, value, 512);
  if (IMAGE_ID_RE.test(s)) return s;
  if (!IMAGE_REF_RE.test(s)) throw new DockerInputError(field, 'is not an image reference');
  // distribution/reference: the repository name (without tag and digest) is at most 255 characters.
  const name = s.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  if (name.length > 255) throw new DockerInputError(field, 'repository name must be at most 255 characters');
  return s;
}

/** `--since`/`--until`: an RFC 3339 timestamp, unix seconds, or a Go duration relative to now (`10m`, `1h30m`). */
export function since(value: unknown, field = 'since'): string {
  const s = text(field, value, 40);
  if (RFC3339_RE.test(s) || UNIX_TS_RE.test(s) || GO_DURATION_RE.test(s)) return s;
  throw new DockerInputError(field, 'must be an RFC 3339 timestamp, unix seconds or a duration like 10m or 1h30m');
}

/**
 * `--tail`: a count of lines (numbers or digit strings from a query string), or "all". Both are bounded
 * to MAX_TAIL so that a log request can never ask a host for an unbounded amount of output.
 * 0 is allowed: `logs -f --tail 0` is how live logs start without replaying history.
 */
export function tail(value: unknown, field = 'tail'): number {
  if (value === 'all') return MAX_TAIL;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{1,9}$/.test(value)) n = Number(value);
  else throw new DockerInputError(field, `must be a number of lines (0..${MAX_TAIL}) or "all"`);
  if (!Number.isInteger(n) || n < 0) throw new DockerInputError(field, `must be a whole number of lines (0..${MAX_TAIL})`);
  return Math.min(n, MAX_TAIL);
}

/** Seconds for `stop -t`/`restart -t`. */
export function timeoutSeconds(value: unknown, field = 'timeout'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3600) {
    throw new DockerInputError(field, 'must be a whole number of seconds between 0 and 3600');
  }
  return value;
}

/** `kill -s`: a signal name (`SIGTERM`, `HUP`) or number. */
export function signal(value: unknown, field = 'signal'): string {
  return matching(field, value, SIGNAL_RE, 20, 'a signal name or number');
}

export function labelKey(value: unknown, field = 'label'): string {
  return matching(field, value, LABEL_KEY_RE, 256, 'a label key ([a-zA-Z0-9][a-zA-Z0-9._-]*)');
}

export function labelValue(value: unknown, field = 'label'): string {
  if (typeof value !== 'string') throw new DockerInputError(field, 'must be a string');
  if (value.length > 256) throw new DockerInputError(field, 'must be at most 256 characters');
  if (!LABEL_VALUE_RE.test(value)) throw new DockerInputError(field, 'contains characters not allowed in a label filter');
  return value;
}

/**
 * An absolute path from a compose label (working_dir, config_files). `..` segments are refused so that a
 * label cannot point the redeploy somewhere its project does not live.
 */
export function absolutePath(value: unknown, field = 'path'): string {
  const s = text(field, value, 4096);
  if (!PATH_RE.test(s)) throw new DockerInputError(field, 'must be an absolute path of plain characters');
  if (s.split('/').some((seg) => seg === '..')) throw new DockerInputError(field, 'must not contain ".." segments');
  return s;
}

/**
 * Validates a redeploy target against Docker's grammar (throws DockerInputError). Services call it before they create
 * a task, so bad labels answer 422 with nothing run; composeRedeploy calls it again.
 */
export function checkComposeTarget(t: ComposeTarget): ComposeTarget {
  composeProject(t.project);
  composeService(t.service);
  absolutePath(t.workingDir, 'working_dir');
  if (t.configFiles.length === 0) throw new DockerInputError('config_files', 'must name at least one compose file');
  t.configFiles.forEach((f, i) => absolutePath(f, `config_files[${i}]`));
  return t;
}


/** At least one kind chosen (throws DockerInputError): checked before a prune task is created. */
export function checkPruneKinds(kinds: PruneKinds): PruneKinds {
  if (!kinds.containers && !kinds.images && !kinds.volumes && !kinds.networks) {
    throw new DockerInputError('kinds', 'choose at least one of containers, images, volumes, networks');
  }
  return kinds;
}
