/**
 * docker CLI JSON -> domain objects. Pure functions, no I/O; tested against output captured from the real
 * CLI (test/fixtures/docker, see its README).
 *
 * The collect output is parsed section by section and line by line: a section that failed or a line that
 * does not parse is reported in `errors` and skipped, everything else is kept (the seed's "try/catch per
 * entity"). `sections` says which sections answered, so that a collector never deletes stored containers
 * because `ps` failed.
 */
import type { DockerImage, DockerNetwork, DockerVolume } from '../../core/types.js';
import type { CollectSection } from './commands.js';
import {
  type ParseError,
  type Section,
  firstLine,
  isoDate,
  jsonObjects,
  num,
  obj,
  parseBytes,
  parseLabelString,
  parseSections,
  sectionError,
  str,
  stringRecord,
} from './parse-common.js';
import { type ParsedContainer, containerFromPs, mergeContainers } from './parse-containers.js';

export type ParsedImage = Omit<DockerImage, 'id' | 'host_id' | 'last_update_at'>;
export type ParsedVolume = Omit<DockerVolume, 'id' | 'host_id' | 'last_update_at'>;
export type ParsedNetwork = Omit<DockerNetwork, 'id' | 'host_id' | 'last_update_at'>;

export interface DockerVersionInfo {
  /** Engine version, e.g. "20.10.24+dfsg1"; null when the daemon did not answer. */
  server: string | null;
  client: string | null;
  /** API version in use (the CLI negotiates down to the daemon's). */
  api_version: string | null;
  os: string | null;
  arch: string | null;
  kernel: string | null;
}

export interface SectionStatus {
  rc: number | null;
  /** The section answered (exit 0, end marker seen): its data can be trusted as complete. */
  ok: boolean;
  error: string | null;
}

export interface CollectOutput {
  version: DockerVersionInfo | null;
  /** Why docker did not answer ("Cannot connect to the Docker daemon..."), null when it did. */
  daemon_error: string | null;
  containers: ParsedContainer[];
  /** Raw inspect objects of the containers inspected in this run. */
  inspects: Record<string, unknown>[];
  images: ParsedImage[];
  volumes: ParsedVolume[];
  networks: ParsedNetwork[];
  sections: Partial<Record<CollectSection, SectionStatus>>;
  errors: ParseError[];
}

/** `docker version --format '{{json .}}'` (also its partial output when the daemon is down). */
export function parseVersion(stdout: string): DockerVersionInfo | null {
  const errors: ParseError[] = [];
  const [v] = jsonObjects(stdout, 'version', errors);
  if (!v) return null;
  const client = obj(v.Client);
  const server = v.Server === null ? null : obj(v.Server);
  return {
    server: server ? str(server.Version) : null,
    client: str(client.Version),
    api_version: (server && str(server.ApiVersion)) ?? str(client.ApiVersion),
    os: (server && str(server.Os)) ?? null,
    arch: (server && str(server.Arch)) ?? null,
    kernel: (server && str(server.KernelVersion)) ?? null,
  };
}

export function parseCollectOutput(stdout: string): CollectOutput {
  const errors: ParseError[] = [];
  const byName = new Map<string, Section>();
  for (const s of parseSections(stdout)) byName.set(s.name, s);
  const sections: CollectOutput['sections'] = {};
  for (const [name, s] of byName) {
    const error = sectionError(s);
    sections[name as CollectSection] = { rc: s.rc, ok: error === null, error };
    if (error) errors.push({ section: name, message: error });
  }
  for (const expected of ['version', 'ps'] as const) {
    if (!byName.has(expected)) errors.push({ section: expected, message: 'section missing from the output' });
  }
  const objects = (name: CollectSection) => jsonObjects(byName.get(name)?.stdout ?? '', name, errors);

  const versionSection = byName.get('version');
  const version = versionSection ? parseVersion(versionSection.stdout) : null;
  const daemon_error =
    version?.server
      ? null
      : (versionSection && firstLine(versionSection.stderr)) || 'docker did not answer the version query';

  const psLines = objects('ps')
    .map(containerFromPs)
    .filter((c): c is ParsedContainer => c !== null);
  const inspects = objects('inspect').filter((o) => str(o.Id) !== null);
  const containers = mergeContainers(psLines, inspects);

  return {
    version,
    daemon_error,
    containers,
    inspects,
    images: parseImages(objects('image_inspect'), objects('images'), containers),
    volumes: parseVolumes(objects('volume_inspect'), objects('volumes')),
    networks: parseNetworks(objects('network_inspect'), objects('networks')),
    sections,
    errors,
  };
}

/** Images from inspect lines (exact bytes), else from `docker images` lines (human sizes). */
function parseImages(
  inspects: Record<string, unknown>[],
  lines: Record<string, unknown>[],
  containers: ParsedContainer[],
): ParsedImage[] {
  const images = new Map<string, ParsedImage>();
  for (const i of inspects) {
    const id = str(i.Id);
    if (!id || images.has(id)) continue; // an image with two tags is inspected twice
    const tags = Array.isArray(i.RepoTags) ? i.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    images.set(id, { image_id: id, repo_tags: tags.sort(), size: num(i.Size) ?? 0, created: isoDate(i.Created), containers: 0 });
  }
  const inspected = new Set(images.keys());
  for (const l of lines) {
    const id = str(l.ID);
    if (!id) continue;
    const repo = str(l.Repository);
    const tag = str(l.Tag);
    const repoTag = repo && repo !== '<none>' && tag && tag !== '<none>' ? `${repo}:${tag}` : null;
    const known = images.get(id);
    if (known) {
      // Inspect's RepoTags are exact; `docker images` prints one line per tag, so merge only its own lines.
      if (repoTag && !inspected.has(id) && !known.repo_tags.includes(repoTag)) known.repo_tags.push(repoTag);
      continue;
    }
    images.set(id, {
      image_id: id,
      repo_tags: repoTag ? [repoTag] : [],
      size: parseBytes(str(l.Size)) ?? 0,
      created: isoDate(l.CreatedAt),
      containers: 0,
    });
  }
  for (const c of containers) {
    const img =
      (c.image_id && images.get(c.image_id)) ||
      [...images.values()].find((i) => i.repo_tags.includes(c.image) || i.repo_tags.includes(`${c.image}:latest`));
    if (img) img.containers += 1;
  }
  // Tagged images by first tag, untagged ones (dangling) after them by id.
  const key = (i: ParsedImage) => (i.repo_tags.length > 0 ? `0${i.repo_tags[0]}` : `1${i.image_id}`);
  return [...images.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function parseVolumes(inspects: Record<string, unknown>[], lines: Record<string, unknown>[]): ParsedVolume[] {
  const volumes = new Map<string, ParsedVolume>();
  for (const v of inspects) {
    const name = str(v.Name);
    if (!name) continue;
    volumes.set(name, {
      name,
      driver: str(v.Driver) ?? 'local',
      mountpoint: str(v.Mountpoint),
      scope: str(v.Scope),
      labels: stringRecord(v.Labels),
    });
  }
  for (const l of lines) {
    const name = str(l.Name);
    if (!name || volumes.has(name)) continue;
    volumes.set(name, {
      name,
      driver: str(l.Driver) ?? 'local',
      mountpoint: str(l.Mountpoint),
      scope: str(l.Scope),
      labels: parseLabelString(l.Labels),
    });
  }
  return [...volumes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function parseNetworks(inspects: Record<string, unknown>[], lines: Record<string, unknown>[]): ParsedNetwork[] {
  const networks = new Map<string, ParsedNetwork>();
  for (const n of inspects) {
    const id = str(n.Id);
    if (!id) continue;
    const ipamConfig = obj(n.IPAM).Config;
    const subnet = Array.isArray(ipamConfig) ? (ipamConfig.map((c) => str(obj(c).Subnet)).find(Boolean) ?? null) : null;
    networks.set(id, {
      network_id: id,
      name: str(n.Name) ?? id.slice(0, 12),
      driver: str(n.Driver) ?? '',
      scope: str(n.Scope) ?? 'local',
      internal: n.Internal === true,
      subnet,
      containers: Object.values(obj(n.Containers))
        .map((c) => str(obj(c).Name))
        .filter((x): x is string => x !== null)
        .sort(),
    });
  }
  for (const l of lines) {
    const id = str(l.ID);
    if (!id || networks.has(id)) continue;
    networks.set(id, {
      network_id: id,
      name: str(l.Name) ?? id.slice(0, 12),
      driver: str(l.Driver) ?? '',
      scope: str(l.Scope) ?? 'local',
      internal: l.Internal === 'true',
      subnet: null,
      containers: [],
    });
  }
  return [...networks.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `docker container inspect` output (a JSON array, or one object per line) -> raw objects. */
export function parseInspect(stdout: string): { inspects: Record<string, unknown>[]; errors: ParseError[] } {
  const errors: ParseError[] = [];
  return { inspects: jsonObjects(stdout, 'inspect', errors).filter((o) => str(o.Id) !== null), errors };
}

export type { ParsedContainer } from './parse-containers.js';
export { containerFromInspect, containerFromPs, parsePortsText } from './parse-containers.js';
export { parseBytes, parseSections, isoDate, parseLabelString } from './parse-common.js';
export type { ParseError, Section } from './parse-common.js';
export * from './parse-live.js';
