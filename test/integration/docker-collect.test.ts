// Docker collection against the 3 real hosts of the shared lab: what the API shows must be what the host's own docker
// socket says (ps -a + inspect, images, volumes, networks), collection is incremental after the first cycle, a container
// removed behind our back disappears, and the host card is pushed on the WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, sharedLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';
import { docker, dockerJsonLines, enableHost, inspect, runLoop } from './docker-support.js';

let ts: TestServer;
let lab: Lab;
const ids: number[] = [];
const firstCollects: any[] = [];

beforeAll(async () => {
  lab = sharedLab();
  ts = await startTestServer({ sshKeyFile: lab.clientKeyPath });
  for (const [i, h] of lab.hosts.entries()) {
    const { id, collect } = await enableHost(ts, `dc-${i + 1}`, h);
    ids.push(id);
    firstCollects.push(collect);
  }
});
afterAll(async () => {
  await ts?.destroy();
  for (const h of lab?.hosts ?? []) await h.docker(['rm', '-f', 'dc-ephemeral']);
});

/** What the host's own socket says, shaped like the API's container (the fields the brief lists). */
async function truth(h: LabHost) {
  const ps = await dockerJsonLines(h, ['ps', '-a', '--no-trunc']);
  const objs = await inspect(h, ps.map((p) => p.ID));
  const byId = new Map(objs.map((o) => [o.Id, o]));
  return ps
    .map((p) => {
      const o = byId.get(p.ID)!;
      const labels: Record<string, string> = o.Config.Labels ?? {};
      const nets: Record<string, any> = o.NetworkSettings.Networks ?? {};
      const ips = Object.keys(nets)
        .sort()
        .map((n) => nets[n].IPAddress)
        .filter(Boolean);
      const running = o.State.Status === 'running';
      return {
        container_id: p.ID as string,
        name: p.Names as string,
        image: p.Image as string,
        state: p.State as string,
        health: running ? (o.State.Health?.Status ?? 'none') : 'none',
        labels,
        ip_address: (o.NetworkSettings.IPAddress || ips[0] || null) as string | null,
        networks: Object.keys(nets).sort(),
        compose_project: labels['com.docker.compose.project'] ?? null,
        // A running (or paused: Running stays true) container's ExitCode is the previous run's.
        exit_code: o.State.Running || o.State.Status === 'created' ? null : o.State.ExitCode,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function apiContainers(id: number) {
  const r = await ts.api('GET', `/api/docker/hosts/${id}/containers`, { role: 'viewer' });
  expect(r.status).toBe(200);
  return r.body.containers as any[];
}

const pick = (c: any) => ({
  container_id: c.container_id,
  name: c.name,
  image: c.image,
  state: c.state,
  health: c.health,
  labels: c.labels,
  ip_address: c.ip_address,
  networks: c.networks,
  compose_project: c.compose_project,
  exit_code: c.exit_code,
});

describe('collection of the 3 shared lab hosts', () => {
  it('enabling a host collects it at once: online, with the daemon version, in one round trip', async () => {
    for (const [i, h] of lab.hosts.entries()) {
      const c = firstCollects[i];
      const version = (await docker(h, ['version', '--format', '{{.Server.Version}}'])).trim();
      const total = (await dockerJsonLines(h, ['ps', '-a'])).length;
      expect(c).toMatchObject({ host_id: ids[i], docker_status: 'online', docker_version: version, containers: total, round_trips: 1, inspected: total, errors: [] });
      console.log(`[docker-collect] first collection of ${h.name}: ${c.duration_ms} ms, ${c.containers} containers, ${c.inspected} inspected`);
    }
  });

  it('lists exactly the containers docker ps -a + inspect show on each host (ids, names, states, health, labels, IPs, compose project)', async () => {
    for (const [i, h] of lab.hosts.entries()) {
      // Re-collect right before reading the truth: the seed's health probes keep running between tests.
      await ts.api('POST', `/api/docker/hosts/${ids[i]}/collect`, { role: 'operator' });
      const [want, got] = await Promise.all([truth(h), apiContainers(ids[i]!)]);
      expect(got.map(pick).sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual(want);
      expect(got.every((c) => c.host_id === ids[i] && c.stale === false)).toBe(true);

      // The cases the seed covers, spelled out so that a wrong mapping cannot hide behind a wrong truth.
      const by = new Map(got.map((c) => [c.name, c]));
      expect(by.get(SEED.web)).toMatchObject({ state: 'running', health: 'healthy', labels: { 'homelab.monitor': 'true', 'homelab.desired': 'running' }, networks: [SEED.network] });
      expect(by.get(SEED.web).ip_address).toMatch(new RegExp(`^10\\.200\\.${h.index}\\.\\d+$`));
      expect(by.get(SEED.sick)).toMatchObject({ state: 'running', health: 'unhealthy' });
      expect(by.get(SEED.exited)).toMatchObject({ state: 'exited', exit_code: 3, health: 'none', ip_address: null });
      expect(by.get(SEED.paused)).toMatchObject({ state: 'paused' });
      expect(by.get(SEED.idleStopped)).toMatchObject({ state: 'created', exit_code: null });
      expect(by.get(SEED.noisy).ip_address).toMatch(new RegExp(`^10\\.202\\.${h.index}\\.\\d+$`));
      expect(by.get('shop_web_1')).toMatchObject({ compose_project: 'shop', compose_service: 'web', state: 'running', health: 'healthy' });
      expect(by.get('shop_db_1')).toMatchObject({ compose_project: 'shop', compose_service: 'db' });
      expect(by.get('shop_web_1').ip_address).toMatch(new RegExp(`^10\\.201\\.${h.index}\\.\\d+$`));
      const web = await inspect(h, [SEED.web]);
      const published = web[0].NetworkSettings.Ports?.['8080/tcp'] ?? null;
      if (published) expect(by.get(SEED.web).ports).toEqual([{ ip: h.address, public_port: SEED.webPort, private_port: 8080, type: 'tcp' }]);

      // Filters of the list route.
      const shop = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/containers?compose_project=shop`, { role: 'viewer' })).body.containers;
      expect(shop.map((c: any) => c.name).sort()).toEqual(['shop_db_1', 'shop_web_1']);
      const monitored = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/containers?label=homelab.monitor=true`, { role: 'viewer' })).body.containers;
      expect(monitored.map((c: any) => c.name).sort()).toEqual(want.filter((c) => c.labels['homelab.monitor'] === 'true').map((c) => c.name).sort());
      const exited = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/containers?state=exited`, { role: 'viewer' })).body.containers;
      expect(exited.map((c: any) => c.name)).toEqual(want.filter((c) => c.state === 'exited').map((c) => c.name));
    }
  });

  it('images, volumes and networks match docker images / volume ls / network ls', async () => {
    for (const [i, h] of lab.hosts.entries()) {
      const images = await dockerJsonLines(h, ['images', '--no-trunc']);
      const gotImages = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/images`, { role: 'viewer' })).body.images;
      expect(gotImages.map((x: any) => x.image_id).sort()).toEqual([...new Set(images.map((x) => x.ID))].sort());
      for (const img of images) {
        const g = gotImages.find((x: any) => x.image_id === img.ID);
        if (img.Repository !== '<none>') expect(g.repo_tags).toContain(`${img.Repository}:${img.Tag}`);
        const size = (await inspect(h, [img.ID]))[0].Size;
        expect(g.size).toBe(size);
      }

      const volumes = await dockerJsonLines(h, ['volume', 'ls']);
      const gotVolumes = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/volumes`, { role: 'viewer' })).body.volumes;
      expect(gotVolumes.map((v: any) => v.name).sort()).toEqual(volumes.map((v) => v.Name).sort());
      expect(gotVolumes.map((v: any) => v.name)).toContain(SEED.volume);
      expect(gotVolumes.find((v: any) => v.name === SEED.volume)).toMatchObject({ driver: 'local', mountpoint: expect.stringContaining(h.dir) });

      const networks = await dockerJsonLines(h, ['network', 'ls', '--no-trunc']);
      const gotNetworks = (await ts.api('GET', `/api/docker/hosts/${ids[i]}/networks`, { role: 'viewer' })).body.networks;
      expect(gotNetworks.map((n: any) => [n.network_id, n.name, n.driver]).sort()).toEqual(networks.map((n) => [n.ID, n.Name, n.Driver]).sort());
      const labnet = gotNetworks.find((n: any) => n.name === SEED.network);
      expect(labnet.subnet).toBe(`10.200.${h.index}.0/24`);
      expect(labnet.containers).toContain(SEED.web);
    }
  });

  it('GET /api/docker/hosts has the running and total counts of each host', async () => {
    const r = await ts.api('GET', '/api/docker/hosts', { role: 'viewer' });
    expect(r.status).toBe(200);
    for (const [i, h] of lab.hosts.entries()) {
      const ps = await dockerJsonLines(h, ['ps', '-a']);
      const card = r.body.hosts.find((x: any) => x.id === ids[i]);
      expect(card).toMatchObject({
        name: `dc-${i + 1}`,
        docker_enabled: true,
        docker_status: 'online',
        docker_status_reason: null,
        containers_total: ps.length,
        containers_running: ps.filter((p) => p.State === 'running').length,
        docker_last_collect_at: expect.any(String),
      });
      expect(Date.parse(card.docker_last_collect_at)).toBeGreaterThan(Date.now() - 120_000);
    }
  });

  it("each host card says what its engine can do: an SSH host offers redeploy, compose actions, every prune kind, live logs and host metrics", async () => {
    const r = await ts.api('GET', '/api/docker/hosts', { role: 'viewer' });
    for (const id of ids) {
      expect(r.body.hosts.find((x: any) => x.id === id).capabilities).toEqual({
        redeploy: true,
        compose_actions: true,
        host_metrics: true,
        prune: ['containers', 'images', 'volumes', 'networks'],
        live_logs: true,
      });
    }
  });

  it('a later collection is incremental: one round trip and fewer containers inspected', async () => {
    const id = ids[0]!;
    // Let the seed's health settle into a steady ps line, then collect twice: the second sees no change.
    await ts.api('POST', `/api/docker/hosts/${id}/collect`, { role: 'operator' });
    const r = await ts.api('POST', `/api/docker/hosts/${id}/collect`, { role: 'operator' });
    expect(r.status).toBe(200);
    console.log(`[docker-collect] incremental collection of ${lab.hosts[0]!.name}: ${r.body.duration_ms} ms, ${r.body.inspected}/${r.body.containers} inspected`);
    expect(r.body).toMatchObject({ docker_status: 'online', round_trips: 1, errors: [] });
    expect(r.body.inspected).toBeLessThan(r.body.containers);
    // Nothing is lost for the containers that were not inspected this time.
    const got = await apiContainers(id);
    expect(got.find((c) => c.name === SEED.web).ip_address).toMatch(/^10\.200\./);
    // ?full=true asks for the full pass.
    const full = await ts.api('POST', `/api/docker/hosts/${id}/collect?full=true`, { role: 'operator' });
    expect(full.body).toMatchObject({ round_trips: 1, inspected: full.body.containers });
  });

  it('a container created then removed behind our back appears, then disappears after a collection; the host card is pushed on the WebSocket', async () => {
    const h = lab.hosts[1]!;
    const id = ids[1]!;
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    try {
      await ws.waitFor((m) => m.type === 'hello');
      const cid = await runLoop(h, 'dc-ephemeral', ['--label', 'hl.test=ephemeral']);
      const added = await ts.api('POST', `/api/docker/hosts/${id}/collect`, { role: 'operator' });
      expect(added.body.inspected).toBeGreaterThanOrEqual(1);
      const seen = (await apiContainers(id)).find((c) => c.name === 'dc-ephemeral');
      expect(seen).toMatchObject({ container_id: cid, state: 'running', labels: { 'hl.test': 'ephemeral' }, ip_address: expect.stringMatching(/^10\.202\./) });
      const card = await ws.waitFor((m) => m.type === 'docker_host_updated' && m.host.id === id && m.host.containers_total === added.body.containers);
      expect(card.host).toMatchObject({ docker_status: 'online', containers_running: added.body.running });

      await docker(h, ['rm', '-f', 'dc-ephemeral']);
      const after = await ts.api('POST', `/api/docker/hosts/${id}/collect`, { role: 'operator' });
      expect(after.body.containers).toBe(added.body.containers - 1);
      const names = (await apiContainers(id)).map((c) => c.name);
      expect(names).not.toContain('dc-ephemeral');
      expect(names).toContain(SEED.web);
      await ws.waitFor((m) => m.type === 'docker_container_removed' && m.host_id === id && m.container_id === cid);
      await ws.waitFor((m) => m.type === 'docker_host_updated' && m.host.id === id && m.host.containers_total === after.body.containers);
    } finally {
      ws.close();
    }
  });

  it('disabling a host while its collection runs leaves it disabled and empty (the collection does not write it back)', async () => {
    const id = (await enableHost(ts, 'dc-race', lab.hosts[2]!)).id;
    const running = ts.api('POST', `/api/docker/hosts/${id}/collect?full=true`, { role: 'operator' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await ts.api('POST', `/api/docker/hosts/${id}/disable`)).status).toBe(200);
    const r = await running;
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'docker_disabled', message: expect.stringMatching(/disabled on dc-race during the collection/) });
    await new Promise((res) => setTimeout(res, 300));
    const card = (await ts.api('GET', '/api/docker/hosts')).body.hosts.find((x: any) => x.id === id);
    expect(card).toMatchObject({ docker_enabled: false, docker_status: 'unknown', containers_total: 0, containers_running: 0 });
    expect(await apiContainers(id)).toEqual([]);
    expect((await ts.api('GET', `/api/docker/hosts/${id}/images`)).body.images).toEqual([]);
  });

  it('collect needs operator, enable needs admin, and a host without Docker enabled answers 409', async () => {
    expect((await ts.api('POST', `/api/docker/hosts/${ids[0]}/collect`, { role: 'viewer' })).status).toBe(403);
    expect((await ts.api('POST', `/api/docker/hosts/${ids[0]}/enable`, { role: 'operator' })).status).toBe(403);
    const plain = await ts.api('POST', '/api/hosts', { body: { name: 'dc-plain', host: lab.hosts[2]!.address, port: 22, username: 'automation' } });
    const r = await ts.api('POST', `/api/docker/hosts/${plain.body.id}/collect`, { role: 'operator' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'docker_disabled', message: expect.stringContaining('enable') });
    expect((await ts.api('POST', '/api/docker/hosts/999999/collect')).status).toBe(404);
  });
});
