import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ParsedContainer, containerFromPs, parseCollectOutput, parseInspect, parsePortsText, parseVersion } from './parse.js';

// Real CLI output captured by scripts/capture-docker-fixtures.sh (see test/fixtures/docker/README.md).
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/docker/${name}`, import.meta.url), 'utf8');

const byName = (list: ParsedContainer[]) => new Map(list.map((c) => [c.name, c]));

describe('parseCollectOutput on a full collection', () => {
  const r = parseCollectOutput(fixture('collect-all.txt'));
  const c = byName(r.containers);

  it('reads every section without errors', () => {
    expect(r.errors).toEqual([]);
    expect(r.daemon_error).toBeNull();
    expect(Object.values(r.sections).every((s) => s?.ok)).toBe(true);
    expect(r.version).toMatchObject({ server: '20.10.24+dfsg1', client: '28.2.2', api_version: '1.41', os: 'linux' });
  });

  it('finds exactly the containers `docker ps -a` lists, with their names and states', () => {
    const ps = fixture('ps.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { ID: string; Names: string; State: string });
    expect(r.containers.map((x) => x.container_id).sort()).toEqual(ps.map((p) => p.ID).sort());
    expect([...c.keys()].sort()).toEqual(
      ['crashy', 'exited', 'idle-created', 'noisy', 'paused', 'shop_api_1', 'shop_worker_1', 'sick', 'web'].sort(),
    );
    for (const p of ps) expect(c.get(p.Names)?.state).toBe(p.State);
    expect(r.inspects).toHaveLength(9);
    expect(r.containers.every((x) => x.inspected && x.container_id.length === 64)).toBe(true);
  });

  it('web: running, healthy, published and unpublished ports, user network addresses, exact labels', () => {
    const web = c.get('web')!;
    expect(web).toMatchObject({
      state: 'running',
      health: 'healthy',
      image: 'homelab/busybox:1',
      ip_address: '172.31.250.2',
      mac_address: '02:42:ac:1f:fa:02',
      gateway: '172.31.250.1',
      networks: ['labnet'],
      exit_code: null,
      finished_at: null,
      compose_project: null,
    });
    expect(web.status).toMatch(/^Up \d+ seconds \(healthy\)$/);
    expect(web.ports).toEqual([
      { ip: '127.0.0.1', public_port: 18080, private_port: 8080, type: 'tcp' },
      { ip: null, public_port: null, private_port: 9000, type: 'tcp' },
    ]);
    // A label value with a comma: ps joins labels with commas, inspect keeps them exact.
    expect(web.labels).toEqual({ 'homelab.desired': 'running', 'homelab.monitor': 'true', 'homelab.note': 'a,b=c' });
    expect(web.created_at).toBe('2026-11-22T02:41:03.354Z');
    expect(web.started_at).toBe('2026-11-22T02:41:03.826Z');
    expect(web.command).toBe(`sh -c 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'`);
  });

  it('sick is unhealthy, exited has exit code 3, crashy restarted twice, paused and created are told apart', () => {
    expect(c.get('sick')).toMatchObject({ state: 'running', health: 'unhealthy' });
    expect(c.get('exited')).toMatchObject({ state: 'exited', exit_code: 3, health: 'none', oom_killed: false });
    expect(c.get('exited')!.status).toMatch(/^Exited \(3\) /);
    expect(c.get('exited')!.finished_at).toBe('2026-11-22T02:41:04.252Z');
    expect(c.get('crashy')).toMatchObject({ state: 'exited', exit_code: 1, restart_count: 2 });
    expect(c.get('paused')).toMatchObject({ state: 'paused', exit_code: null });
    expect(c.get('paused')!.status).toContain('(Paused)');
    expect(c.get('idle-created')).toMatchObject({ state: 'created', status: 'Created', started_at: null, exit_code: null });
  });

  it('compose containers carry their project and service', () => {
    expect(c.get('shop_api_1')).toMatchObject({
      compose_project: 'shop',
      compose_service: 'api',
      ip_address: '172.19.0.2',
      gateway: '172.19.0.1',
      networks: ['shop_default'],
      ports: [{ ip: '127.0.0.1', public_port: 18081, private_port: 8080, type: 'tcp' }],
    });
    expect(c.get('shop_api_1')!.labels['com.docker.compose.project.working_dir']).toBe('/tmp/hdcap/shop');
    expect(c.get('shop_worker_1')).toMatchObject({ compose_project: 'shop', compose_service: 'worker' });
  });

  it('images with exact sizes, every tag, the untagged one, and how many containers use each', () => {
    expect(r.images).toEqual([
      {
        image_id: 'sha256:77137eccc68ecc01949fce99c490baa1bcb4a8e7754dc105a3ac39e6e93ab2f4',
        repo_tags: ['homelab/busybox:1', 'homelab/busybox:latest'],
        size: 1982256,
        created: '2026-11-22T02:41:03.226Z',
        containers: 9,
      },
      {
        image_id: 'sha256:897208973abc5e1ea45df0a369bfd36a4fa64f751919fa70874744bd8617d91e',
        repo_tags: [],
        size: 1982256,
        created: '2026-11-22T02:41:07.535Z',
        containers: 0,
      },
    ]);
  });

  it('volumes with mountpoint, scope and exact labels', () => {
    expect(r.volumes).toEqual([
      {
        name: 'webdata',
        driver: 'local',
        mountpoint: '/tmp/hdcap/data/volumes/webdata/_data',
        scope: 'local',
        labels: { 'homelab.lab': '1', 'homelab.note': 'a,b' },
      },
    ]);
  });

  it('networks with subnet and attached containers', () => {
    const n = new Map(r.networks.map((x) => [x.name, x]));
    expect([...n.keys()]).toEqual(['host', 'labnet', 'none', 'shop_default']);
    expect(n.get('labnet')).toMatchObject({ driver: 'bridge', subnet: '172.31.250.0/24', containers: ['web'], internal: false });
    expect(n.get('shop_default')!.containers).toEqual(['shop_api_1', 'shop_worker_1']);
    expect(n.get('host')).toMatchObject({ driver: 'host', subnet: null, containers: [] });
  });
});

describe('ps lines alone (containers not inspected this cycle)', () => {
  const full = byName(parseCollectOutput(fixture('collect-all.txt')).containers);
  const ps = fixture('ps.jsonl').trim().split('\n').map((l) => containerFromPs(JSON.parse(l))!);

  it('agree with inspect on state, health, exit code, ports, networks and compose project', () => {
    for (const p of ps) {
      const i = full.get(p.name)!;
      expect({ ...p, n: p.name }).toMatchObject({
        n: i.name,
        container_id: i.container_id,
        state: i.state,
        health: i.health,
        exit_code: i.exit_code,
        ports: i.ports,
        networks: i.networks,
        compose_project: i.compose_project,
        compose_service: i.compose_service,
        created_at: i.created_at!.replace(/\.\d{3}Z$/, '.000Z'),
      });
      expect(p.inspected).toBe(false);
    }
  });

  it('read the command without ps quoting, and labels best-effort', () => {
    const p = byName(ps);
    expect(p.get('crashy')!.command).toBe(`sh -c 'exit 1'`);
    expect(p.get('exited')!.labels).toEqual({ 'homelab.desired': 'running', 'homelab.monitor': 'true' });
    expect(p.get('shop_api_1')!.labels['com.docker.compose.service']).toBe('api');
  });

  it('fingerprints ignore the clock ("Up 5 seconds") but change with state and health', () => {
    const line = JSON.parse(fixture('ps.jsonl').split('\n').find((l) => l.includes('"Names":"sick"'))!);
    const a = containerFromPs(line)!;
    const later = containerFromPs({ ...line, Status: 'Up 3 hours (unhealthy)', RunningFor: '3 hours ago' })!;
    const healed = containerFromPs({ ...line, Status: 'Up 3 hours (healthy)' })!;
    const stopped = containerFromPs({ ...line, State: 'exited', Status: 'Exited (137) 1 second ago' })!;
    expect(later.fingerprint).toBe(a.fingerprint);
    expect(healed.fingerprint).not.toBe(a.fingerprint);
    expect(stopped.fingerprint).not.toBe(a.fingerprint);
    expect(stopped.exit_code).toBe(137);
  });
});

describe('partial and broken collections', () => {
  it('inspect of chosen ids: the others stay ps-only, a vanished id is reported, the rest kept', () => {
    const r = parseCollectOutput(fixture('collect-ids.txt'));
    const c = byName(r.containers);
    expect(r.containers).toHaveLength(9);
    expect(r.inspects).toHaveLength(1);
    expect(c.get('web')).toMatchObject({ inspected: true, ip_address: '172.31.250.2', health: 'healthy' });
    expect(c.get('sick')).toMatchObject({ inspected: false, ip_address: null, health: 'unhealthy' });
    expect(r.sections.inspect).toMatchObject({ ok: false, rc: 1 });
    expect(r.errors).toEqual([{ section: 'inspect', message: 'Error response from daemon: No such container: 0123456789ab' }]);
    expect(r.sections.ps?.ok).toBe(true);
  });

  it('a corrupted output loses only the damaged lines and reports each', () => {
    const r = parseCollectOutput(fixture('collect-corrupted.txt'));
    const c = byName(r.containers);
    // The truncated ps line of "sick": its inspect line still makes it known.
    expect(c.get('sick')).toMatchObject({ inspected: true, state: 'running', health: 'unhealthy' });
    // The truncated inspect line of "paused": ps still knows it.
    expect(c.get('paused')).toMatchObject({ inspected: false, state: 'paused' });
    expect(r.containers).toHaveLength(9);
    expect(r.images.map((i) => i.repo_tags)).toEqual([['homelab/busybox:1', 'homelab/busybox:latest'], []]);
    const sections = r.errors.map((e) => e.section);
    expect(sections).toEqual(expect.arrayContaining(['ps', 'inspect', 'images', 'network_inspect']));
    expect(r.errors.find((e) => e.section === 'images')!.message).toMatch(/^line 1: .*Error response from daemon: garbage/);
    expect(r.sections.network_inspect).toMatchObject({ ok: false, rc: null, error: 'output cut short' });
    // Networks still come from `network ls`; only the inspected "host" has its details.
    expect(r.networks.map((n) => n.name)).toEqual(['host', 'labnet', 'none', 'shop_default']);
    expect(r.networks.find((n) => n.name === 'labnet')!.subnet).toBeNull();
  });

  it('daemon down: the reason, the client version, no containers, and ps marked as failed', () => {
    const r = parseCollectOutput(fixture('collect-daemon-down.txt'));
    expect(r.daemon_error).toBe('Cannot connect to the Docker daemon at unix:///tmp/hdcap/d.sock. Is the docker daemon running?');
    expect(r.version).toMatchObject({ server: null, client: '28.2.2' });
    expect(r.containers).toEqual([]);
    expect(r.sections.ps).toMatchObject({ ok: false, rc: 1 });
    expect(r.errors.length).toBeGreaterThanOrEqual(9);
  });

  it('empty or foreign output: nothing invented, missing sections reported', () => {
    for (const text of ['', 'bash: docker: command not found\n', '::homelab:begin:ps\n{"ID":']) {
      const r = parseCollectOutput(text);
      expect(r.containers).toEqual([]);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.daemon_error).not.toBeNull();
    }
  });
});

describe('single parsers', () => {
  it('parseInspect reads the pretty array `docker container inspect` prints', () => {
    const { inspects, errors } = parseInspect(fixture('inspect.json'));
    expect(errors).toEqual([]);
    expect(inspects.map((i) => i.Name).sort()).toContain('/web');
    expect(inspects).toHaveLength(9);
  });

  it('parseVersion reads the daemon and the negotiated API', () => {
    expect(parseVersion(fixture('version.json'))).toEqual({
      server: '20.10.24+dfsg1',
      client: '28.2.2',
      api_version: '1.41',
      os: 'linux',
      arch: 'amd64',
      kernel: '6.18.44-fc-v657',
    });
    expect(parseVersion('not json')).toBeNull();
  });

  it.each([
    ['', []],
    ['9000/tcp', [{ ip: null, public_port: null, private_port: 9000, type: 'tcp' }]],
    [
      '0.0.0.0:80->80/tcp, :::80->80/tcp',
      [
        { ip: '0.0.0.0', public_port: 80, private_port: 80, type: 'tcp' },
        { ip: '::', public_port: 80, private_port: 80, type: 'tcp' },
      ],
    ],
    ['[::1]:53->53/udp', [{ ip: '::1', public_port: 53, private_port: 53, type: 'udp' }]],
    [
      '127.0.0.1:18080-18081->8080-8081/tcp',
      [
        { ip: '127.0.0.1', public_port: 18080, private_port: 8080, type: 'tcp' },
        { ip: '127.0.0.1', public_port: 18081, private_port: 8081, type: 'tcp' },
      ],
    ],
  ])('ps ports %j', (text, expected) => {
    expect(parsePortsText(text)).toEqual(expected);
  });
});
