import type { DockerContainerRow } from '../../db/schema.js';
import type { ContainerValues } from '../../db/repositories/docker.repository.js';
import type { ParsedContainer, ParsedImage, ParsedNetwork, ParsedVolume } from '../../providers/docker/parse.js';

/**
 * Parsed CLI output -> row values. A container not inspected in this cycle (its ps line did not change) keeps the
 * inspect-only fields stored at its last inspect, so incremental inspection loses nothing.
 */
export function containerValues(c: ParsedContainer, stored: DockerContainerRow | undefined, now: string): ContainerValues {
  const keep = !c.inspected && stored;
  return {
    container_id: c.container_id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    health: c.health,
    created_at: c.created_at ?? stored?.created_at ?? null,
    started_at: keep ? stored.started_at : c.started_at,
    finished_at: keep ? stored.finished_at : c.finished_at,
    exit_code: keep ? stored.exit_code : c.exit_code,
    oom_killed: keep ? stored.oom_killed : c.oom_killed ? 1 : 0,
    restart_count: keep ? stored.restart_count : c.restart_count,
    command: c.command ?? stored?.command ?? null,
    ports: JSON.stringify(c.ports),
    labels: keep ? stored.labels : JSON.stringify(sortKeys(c.labels)),
    compose_project: c.compose_project,
    compose_service: c.compose_service,
    ip_address: keep ? stored.ip_address : c.ip_address,
    mac_address: keep ? stored.mac_address : c.mac_address,
    gateway: keep ? stored.gateway : c.gateway,
    networks: keep ? stored.networks : JSON.stringify(c.networks),
    ps_signature: c.fingerprint || stored?.ps_signature || null,
    stale: 0,
    last_update_at: now,
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const imageValues = (i: ParsedImage) => ({
  image_id: i.image_id,
  repo_tags: JSON.stringify(i.repo_tags),
  size: i.size,
  created: i.created,
  containers: i.containers,
  last_update_at: '',
});

export const volumeValues = (v: ParsedVolume) => ({
  name: v.name,
  driver: v.driver,
  mountpoint: v.mountpoint,
  scope: v.scope,
  labels: JSON.stringify(v.labels),
  last_update_at: '',
});

export const networkValues = (n: ParsedNetwork) => ({
  network_id: n.network_id,
  name: n.name,
  driver: n.driver,
  scope: n.scope,
  internal: n.internal ? 1 : 0,
  subnet: n.subnet,
  containers: JSON.stringify(n.containers),
  last_update_at: '',
});
