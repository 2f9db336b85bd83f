import type { Kysely, Transaction } from 'kysely';
import type { ContainerHealth, DockerContainer, DockerEvent, DockerImage, DockerNetwork, DockerVolume, PortMapping } from '../../core/types.js';
import { nowIso, parseJson } from '../../core/time.js';
import type {
  Database,
  DockerContainerRow,
  DockerEventRow,
  DockerImageRow,
  DockerNetworkRow,
  DockerVolumeRow,
  NewDockerContainerRow,
} from '../schema.js';

export type LogCapture = DockerContainer['log_capture'];
const CAPTURE_VALUES: readonly string[] = ['off', 'stdout', 'stderr', 'both'];
export const LOG_CAPTURE_LABEL = 'homelab.logs.capture';

/** Stored log-capture choices, keyed by captureKey(host_id, container name); null: none stored. */
export type CaptureSettings = Map<string, string | null>;
export const captureKey = (hostId: number, name: string) => `${hostId}\u0000${name}`;

/** The stored choice, else the label `homelab.logs.capture`, else off (a bad label value counts as none). */
export function effectiveLogCapture(stored: string | null | undefined, labels: Record<string, string>): LogCapture {
  if (stored && CAPTURE_VALUES.includes(stored)) return stored as LogCapture;
  const l = labels[LOG_CAPTURE_LABEL]?.trim().toLowerCase();
  return l && CAPTURE_VALUES.includes(l) ? (l as LogCapture) : 'off';
}

/** A stored row -> the API's container; `settings` gives its log capture (without them, the label decides). */
export function mapContainer(r: DockerContainerRow, settings?: CaptureSettings): DockerContainer {
  const labels = parseJson<Record<string, string>>(r.labels, {});
  return {
    id: r.id,
    host_id: r.host_id,
    container_id: r.container_id,
    name: r.name,
    image: r.image ?? '',
    state: r.state ?? 'unknown',
    status: r.status ?? '',
    health: (r.health ?? 'none') as ContainerHealth,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
    exit_code: r.exit_code,
    oom_killed: r.oom_killed === 1,
    restart_count: r.restart_count,
    command: r.command,
    ports: parseJson<PortMapping[]>(r.ports, []),
    labels,
    compose_project: r.compose_project,
    compose_service: r.compose_service,
    ip_address: r.ip_address,
    mac_address: r.mac_address,
    gateway: r.gateway,
    networks: parseJson<string[]>(r.networks, []),
    stale: r.stale === 1,
    last_update_at: r.last_update_at,
    log_capture: effectiveLogCapture(settings?.get(captureKey(r.host_id, r.name)), labels),
  };
}

export const mapImage = (r: DockerImageRow): DockerImage => ({ ...r, repo_tags: parseJson<string[]>(r.repo_tags, []), size: Number(r.size) });
export const mapVolume = (r: DockerVolumeRow): DockerVolume => ({ ...r, driver: r.driver ?? '', labels: parseJson(r.labels, {}) });
export const mapNetwork = (r: DockerNetworkRow): DockerNetwork => ({
  ...r,
  driver: r.driver ?? '',
  scope: r.scope ?? '',
  internal: r.internal === 1,
  containers: parseJson<string[]>(r.containers, []),
});
export const mapEvent = (r: DockerEventRow): DockerEvent => ({ ...r, kind: r.kind as DockerEvent['kind'] });

/** The container columns a collection writes (everything but our row id). */
export type ContainerValues = Omit<NewDockerContainerRow, 'id' | 'host_id'>;

export interface ContainerDiff {
  added: DockerContainer[];
  changed: DockerContainer[];
  removed: DockerContainer[];
}

// Columns whose change is a real change of the container (last_update_at/status text alone are not).
const SIGNIFICANT: (keyof ContainerValues)[] = [
  'name', 'image', 'state', 'health', 'started_at', 'finished_at', 'exit_code', 'oom_killed', 'restart_count',
  'ports', 'labels', 'ip_address', 'networks', 'stale',
];

export class DockerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  listContainers(hostId: number, f: { state?: string; compose_project?: string } = {}): Promise<DockerContainerRow[]> {
    let q = this.db.selectFrom('docker_containers').selectAll().where('host_id', '=', hostId);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.compose_project) q = q.where('compose_project', '=', f.compose_project);
    return q.orderBy('compose_project').orderBy('name').execute();
  }

  /** Stored log-capture choices of one host, or of all: one query for a whole container list. */
  async captureSettings(hostId?: number, db: Kysely<Database> = this.db): Promise<CaptureSettings> {
    let q = db.selectFrom('docker_log_capture').select(['host_id', 'container_name', 'setting']);
    if (hostId !== undefined) q = q.where('host_id', '=', hostId);
    return new Map((await q.execute()).map((r) => [captureKey(r.host_id, r.container_name), r.setting]));
  }

  allContainers(): Promise<DockerContainerRow[]> {
    return this.db.selectFrom('docker_containers').selectAll().execute();
  }

  getContainer(hostId: number, containerId: string): Promise<DockerContainerRow | undefined> {
    return this.db.selectFrom('docker_containers').selectAll().where('host_id', '=', hostId).where('container_id', '=', containerId).executeTakeFirst();
  }

  /** Resolves an id, a unique id prefix, or a name; `ambiguous` when a prefix matches several. */
  async findContainer(hostId: number, ref: string): Promise<DockerContainerRow | 'ambiguous' | undefined> {
    const byName = await this.db.selectFrom('docker_containers').selectAll().where('host_id', '=', hostId).where('name', '=', ref).executeTakeFirst();
    if (byName) return byName;
    if (!/^[0-9a-f]{1,64}$/.test(ref)) return undefined;
    const rows = await this.db
      .selectFrom('docker_containers')
      .selectAll()
      .where('host_id', '=', hostId)
      .where('container_id', 'like', `${ref}%`)
      .limit(2)
      .execute();
    if (rows.length > 1) return 'ambiguous';
    return rows[0];
  }

  async counts(): Promise<Map<number, { running: number; total: number }>> {
    const rows = await this.db
      .selectFrom('docker_containers')
      .select(['host_id', 'state'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy(['host_id', 'state'])
      .execute();
    const out = new Map<number, { running: number; total: number }>();
    for (const r of rows) {
      const c = out.get(r.host_id) ?? { running: 0, total: 0 };
      c.total += Number(r.n);
      if (r.state === 'running') c.running += Number(r.n);
      out.set(r.host_id, c);
    }
    return out;
  }

  /** Open (or acknowledged) alerts per host, for the host cards. */
  async openAlertCounts(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('alerts')
      .select('host_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '<>', 'closed')
      .where('host_id', 'is not', null)
      .groupBy('host_id')
      .execute();
    return new Map(rows.map((r) => [r.host_id as number, Number(r.n)]));
  }

  /**
   * Writes one host's containers as a diff against the stored rows, in one transaction: new rows inserted,
   * changed rows updated, rows no longer reported deleted. `complete` = the list is every container of the host
   * (a full `ps`); otherwise only the given containers are upserted (targeted refresh) and `removedIds` deleted.
   */
  async applyContainers(hostId: number, values: ContainerValues[], opts: { complete: boolean; removedIds?: string[] }): Promise<ContainerDiff> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('docker_containers').selectAll().where('host_id', '=', hostId).execute();
      const byId = new Map(existing.map((r) => [r.container_id, r]));
      const settings = await this.captureSettings(hostId, trx);
      const diff: ContainerDiff = { added: [], changed: [], removed: [] };
      const seen = new Set<string>();
      for (const v of values) {
        seen.add(v.container_id);
        const old = byId.get(v.container_id);
        if (!old) {
          const row = await trx.insertInto('docker_containers').values({ ...v, host_id: hostId }).returningAll().executeTakeFirstOrThrow();
          diff.added.push(mapContainer(row, settings));
        } else if (Object.keys(v).some((k) => k !== 'last_update_at' && (old as Record<string, unknown>)[k] !== (v as Record<string, unknown>)[k])) {
          // Any difference is written (the status text ages every minute); only significant ones are "changed".
          const row = await trx
            .updateTable('docker_containers')
            .set(v)
            .where('id', '=', old.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          if (SIGNIFICANT.some((k) => (old as Record<string, unknown>)[k] !== (v as Record<string, unknown>)[k])) diff.changed.push(mapContainer(row, settings));
        }
      }
      const gone = opts.complete ? existing.filter((r) => !seen.has(r.container_id)) : existing.filter((r) => opts.removedIds?.includes(r.container_id));
      if (gone.length) {
        await trx.deleteFrom('docker_containers').where('id', 'in', gone.map((r) => r.id)).execute();
        diff.removed.push(...gone.map((r) => mapContainer(r, settings)));
      }
      return diff;
    });
  }

  /** Docker unreachable: keep the last known containers, flagged stale. */
  async markStale(hostId: number, stale: boolean): Promise<number> {
    const r = await this.db
      .updateTable('docker_containers')
      .set({ stale: stale ? 1 : 0 })
      .where('host_id', '=', hostId)
      .where('stale', '=', stale ? 0 : 1)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Replaces images, volumes and networks of a host (small lists; diffed by key to keep row ids stable). */
  async replaceInventory(
    hostId: number,
    inv: {
      images?: Omit<DockerImageRow, 'id' | 'host_id'>[];
      volumes?: Omit<DockerVolumeRow, 'id' | 'host_id'>[];
      networks?: Omit<DockerNetworkRow, 'id' | 'host_id'>[];
    },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (inv.images) await replace(trx, 'docker_images', 'image_id', hostId, inv.images);
      if (inv.volumes) await replace(trx, 'docker_volumes', 'name', hostId, inv.volumes);
      if (inv.networks) await replace(trx, 'docker_networks', 'network_id', hostId, inv.networks);
    });
  }

  listImages(hostId: number) {
    return this.db.selectFrom('docker_images').selectAll().where('host_id', '=', hostId).orderBy('size', 'desc').execute();
  }
  listVolumes(hostId: number) {
    return this.db.selectFrom('docker_volumes').selectAll().where('host_id', '=', hostId).orderBy('name').execute();
  }
  listNetworks(hostId: number) {
    return this.db.selectFrom('docker_networks').selectAll().where('host_id', '=', hostId).orderBy('name').execute();
  }

  async addEvent(e: Omit<DockerEventRow, 'id'>): Promise<DockerEventRow> {
    return this.db.insertInto('docker_events').values(e).returningAll().executeTakeFirstOrThrow();
  }

  listEvents(hostId: number, limit: number): Promise<DockerEventRow[]> {
    return this.db.selectFrom('docker_events').selectAll().where('host_id', '=', hostId).orderBy('time', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async pruneEvents(beforeIso: string): Promise<number> {
    const r = await this.db.deleteFrom('docker_events').where('time', '<', beforeIso).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async clearHost(hostId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const t of ['docker_containers', 'docker_images', 'docker_volumes', 'docker_networks'] as const) {
        await trx.deleteFrom(t).where('host_id', '=', hostId).execute();
      }
    });
  }
}

type InvTable = 'docker_images' | 'docker_volumes' | 'docker_networks';

async function replace(trx: Transaction<Database>, table: InvTable, key: string, hostId: number, rows: Record<string, unknown>[]): Promise<void> {
  const existing = (await trx.selectFrom(table).selectAll().where('host_id', '=', hostId).execute()) as Record<string, unknown>[];
  const byKey = new Map(existing.map((r) => [r[key] as string, r]));
  const keep = new Set<string>();
  const now = nowIso();
  for (const r of rows) {
    const k = r[key] as string;
    if (keep.has(k)) continue; // the CLI may list an image twice (several tags): first wins
    keep.add(k);
    const old = byKey.get(k);
    const values = { ...r, host_id: hostId, last_update_at: now };
    if (!old) await trx.insertInto(table).values(values as never).execute();
    else if (Object.keys(r).some((c) => c !== 'last_update_at' && old[c] !== r[c])) {
      await trx.updateTable(table).set(values as never).where('id', '=', old.id as number).execute();
    }
  }
  const gone = existing.filter((r) => !keep.has(r[key] as string)).map((r) => r.id as number);
  if (gone.length) await trx.deleteFrom(table).where('id', 'in', gone).execute();
}
