import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeRedeploy } from './commands.js';
import { DockerInputError } from './grammar.js';
import {
  composeTarget,
  parseBytes,
  parseCollectOutput,
  parseEventLine,
  parseLogLine,
  parseLogs,
  parseMetrics,
  parsePruneOutput,
  parseStats,
} from './parse.js';

// Real CLI output captured by scripts/capture-docker-fixtures.sh (see test/fixtures/docker/README.md).
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/docker/${name}`, import.meta.url), 'utf8');

describe('parseEventLine', () => {
  const lines = fixture('events.jsonl').trim().split('\n');
  const events = lines.map(parseEventLine);

  it('reads every captured event line', () => {
    expect(events.every((e) => e !== null)).toBe(true);
    expect(events).toHaveLength(lines.length);
  });

  it('a container dying carries its name and exit code', () => {
    const die = events.find((e) => e?.type === 'container' && e.action === 'die' && e.name === 'exited')!;
    expect(die).toEqual({
      time: '2026-11-22T02:41:04.297Z',
      type: 'container',
      action: 'die',
      id: '36bf1f9e70a51eee90fe32cf9ee2877b76a4b6c86cff7fe379ff41e64a86e507',
      name: 'exited',
      attributes: { exitCode: '3', 'homelab.desired': 'running', 'homelab.monitor': 'true', image: 'homelab/busybox:1', name: 'exited' },
    });
  });

  it('health changes, pause, networks and volumes', () => {
    expect(events.find((e) => e?.action === 'health_status: unhealthy')?.name).toBe('sick');
    expect(events.find((e) => e?.action === 'health_status: healthy')?.name).toBe('web');
    expect(events.find((e) => e?.action === 'pause')?.name).toBe('paused');
    expect(events.find((e) => e?.type === 'network' && e.action === 'create' && e.name === 'labnet')).toBeTruthy();
    expect(events.find((e) => e?.type === 'volume' && e.action === 'create')).toMatchObject({ id: 'webdata', name: 'webdata' });
  });

  it('ignores what is not an event', () => {
    expect(parseEventLine('')).toBeNull();
    expect(parseEventLine('Error response from daemon: ...')).toBeNull();
    expect(parseEventLine('{"Type":"container"}')).toBeNull();
    expect(parseEventLine('[1,2]')).toBeNull();
    expect(parseEventLine('{"Type":"container","Action":"start","Actor":{"ID":"abc"}}')).toBeNull(); // no time
  });
});

describe('parseLogs', () => {
  it('tells stdout from stderr and orders them by timestamp', () => {
    const lines = parseLogs(fixture('logs-exited.stdout'), fixture('logs-exited.stderr'));
    expect(lines).toEqual([
      { ts: '2026-11-22T02:41:04.249224145Z', stream: 'stderr', text: 'err' },
      { ts: '2026-11-22T02:41:04.249314520Z', stream: 'stdout', text: 'out' },
    ]);
  });

  it('interleaves a noisy container line by line', () => {
    const lines = parseLogs(fixture('logs-noisy.stdout'), fixture('logs-noisy.stderr'));
    expect(lines.map((l) => `${l.stream}:${l.text}`)).toEqual([
      'stderr:warn 9',
      'stdout:tick 9',
      'stdout:tick 10',
      'stderr:warn 10',
      'stdout:tick 11',
      'stderr:warn 11',
    ]);
  });

  it('orders timestamps with different fraction lengths correctly', () => {
    const lines = parseLogs('2026-11-22T02:41:04.5Z late\n', '2026-11-22T02:41:04.25Z early\n');
    expect(lines.map((l) => l.text)).toEqual(['early', 'late']);
  });

  it('without timestamps: lines kept as they are, stdout first', () => {
    expect(parseLogs('a\nb\n', 'c\n', { timestamps: false })).toEqual([
      { ts: null, stream: 'stdout', text: 'a' },
      { ts: null, stream: 'stdout', text: 'b' },
      { ts: null, stream: 'stderr', text: 'c' },
    ]);
  });

  it('a line without a timestamp, an empty line, spaces kept', () => {
    expect(parseLogLine('no timestamp here', 'stdout')).toEqual({ ts: null, stream: 'stdout', text: 'no timestamp here' });
    expect(parseLogLine('2026-11-22T02:41:04.249224145Z ', 'stderr')).toEqual({ ts: '2026-11-22T02:41:04.249224145Z', stream: 'stderr', text: '' });
    expect(parseLogLine('2026-11-22T02:41:04.249224145Z   indented', 'stdout').text).toBe('  indented');
  });
});

describe('parseStats', () => {
  it('reads docker human units exactly', () => {
    const { stats, errors } = parseStats(fixture('stats.jsonl'));
    expect(errors).toEqual([]);
    expect(stats.map((s) => s.name).sort()).toEqual(['noisy', 'paused', 'shop_api_1', 'shop_worker_1', 'sick', 'web']);
    expect(stats.find((s) => s.name === 'web')).toEqual({
      container_id: 'e1efe5707248aeb0d916fbb30f0024ab14064d8fb8d0efbd2fcefeedf5bf44b5',
      name: 'web',
      cpu_percent: 2.09,
      mem_used_bytes: 700 * 1024,
      mem_limit_bytes: Math.round(23.54 * 1024 ** 3),
      mem_percent: 0,
      net_rx_bytes: 1170,
      net_tx_bytes: 0,
      block_read_bytes: 0,
      block_write_bytes: 0,
      pids: 2,
    });
  });

  it('keeps good lines when one is broken, and "--" reads as unknown', () => {
    const { stats, errors } = parseStats(
      '{"ID":"abc","Name":"a","CPUPerc":"--","MemUsage":"-- / --","NetIO":"--","BlockIO":"--","PIDs":"--"}\n{"ID":\n',
    );
    expect(stats).toEqual([
      expect.objectContaining({ container_id: 'abc', cpu_percent: null, mem_used_bytes: null, net_rx_bytes: null, pids: null }),
    ]);
    expect(errors).toHaveLength(1);
  });

  it.each([
    ['0B', 0],
    ['932B', 932],
    ['1.04kB', 1040],
    ['1.98MB', 1_980_000],
    ['2GB', 2e9],
    ['680KiB', 696_320],
    ['1.5MiB', 1_572_864],
    ['7.7GiB', Math.round(7.7 * 1024 ** 3)],
    ['1TiB', 1024 ** 4],
    ['N/A', null],
    ['--', null],
    ['12 parsecs', null],
  ])('parseBytes(%s) = %s', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });
});

describe('parseMetrics', () => {
  it('reads uptime, load, CPUs, memory and root disk from the host script', () => {
    const { metrics, errors } = parseMetrics(fixture('host-metrics.txt'));
    expect(errors).toEqual([]);
    expect(metrics).toEqual({
      uptime_s: 598,
      load1: expect.any(Number),
      load5: expect.any(Number),
      load15: expect.any(Number),
      cpu_count: 2,
      mem_total_bytes: 24684092 * 1024,
      mem_used_bytes: (24684092 - 23845468) * 1024,
      disk_total_bytes: 270553174016,
      disk_used_bytes: 24535576576,
    });
  });

  it('a failed section is reported, the others kept', () => {
    const text = fixture('host-metrics.txt').replace(
      /::homelab:begin:df\n[\s\S]*?::homelab:end:df:0/,
      '::homelab:begin:df\n\n::homelab:stderr:df\ndf: /: No such file or directory\n::homelab:end:df:1',
    );
    const { metrics, errors } = parseMetrics(text);
    expect(metrics.disk_total_bytes).toBeNull();
    expect(metrics.cpu_count).toBe(2);
    expect(errors).toContainEqual({ section: 'df', message: 'df: /: No such file or directory' });
  });
});

describe('parsePruneOutput', () => {
  it('lists what each kind deleted', () => {
    const r = parsePruneOutput(fixture('prune.txt'));
    expect(r.errors).toEqual([]);
    expect(r.kinds.containers!.deleted).toHaveLength(3);
    expect(r.kinds.images!.deleted).toEqual(['deleted: sha256:897208973abc5e1ea45df0a369bfd36a4fa64f751919fa70874744bd8617d91e']);
    expect(r.kinds.volumes!.deleted).toEqual(['unused-vol']);
    expect(r.kinds.networks!.deleted).toEqual(['unused-net']);
    expect(r.reclaimed_bytes).toBe(0); // vfs storage reports 0B
  });

  it('sums the reclaimed space of every kind', () => {
    const text = [
      '::homelab:begin:images',
      'Deleted Images:',
      'untagged: nginx:1.24',
      'deleted: sha256:aaa',
      '',
      'Total reclaimed space: 187.6MB',
      '',
      '::homelab:stderr:images',
      '',
      '::homelab:end:images:0',
      '::homelab:begin:volumes',
      'Total reclaimed space: 1.5GB',
      '',
      '::homelab:stderr:volumes',
      '',
      '::homelab:end:volumes:0',
      '::homelab:begin:networks',
      '',
      '::homelab:stderr:networks',
      'Error response from daemon: a prune operation is already running',
      '::homelab:end:networks:1',
    ].join('\n');
    const r = parsePruneOutput(text);
    expect(r.reclaimed_bytes).toBe(187_600_000 + 1_500_000_000);
    expect(r.kinds.images!.deleted).toEqual(['untagged: nginx:1.24', 'deleted: sha256:aaa']);
    expect(r.errors).toEqual([{ section: 'networks', message: 'Error response from daemon: a prune operation is already running' }]);
  });
});

describe('composeTarget', () => {
  const api = parseCollectOutput(fixture('collect-all.txt')).containers.find((c) => c.name === 'shop_api_1')!;

  it('compose v1 labels: config file made absolute from the working dir', () => {
    expect(composeTarget(api.labels)).toEqual({
      project: 'shop',
      service: 'api',
      workingDir: '/tmp/hdcap/shop',
      configFiles: ['/tmp/hdcap/shop/docker-compose.yml'],
    });
  });

  it('compose v2 labels: absolute, comma separated files', () => {
    expect(
      composeTarget({
        'com.docker.compose.project': 'media',
        'com.docker.compose.service': 'jellyfin',
        'com.docker.compose.project.working_dir': '/srv/media',
        'com.docker.compose.project.config_files': '/srv/media/compose.yaml,/srv/media/compose.override.yaml',
      })?.configFiles,
    ).toEqual(['/srv/media/compose.yaml', '/srv/media/compose.override.yaml']);
  });

  it('not a compose container: null', () => {
    expect(composeTarget({ 'homelab.monitor': 'true' })).toBeNull();
  });

  it('a label pointing outside with "../" survives parsing but the redeploy builder refuses it', () => {
    const t = composeTarget({ ...api.labels, 'com.docker.compose.project.config_files': '../../etc/evil.yml' })!;
    expect(t.configFiles).toEqual(['/tmp/hdcap/shop/../../etc/evil.yml']);
    expect(() => composeRedeploy(t)).toThrow(DockerInputError);
  });

  it('the redeploy captured from the real docker-compose: pull failed, service recreated anyway', () => {
    expect(fixture('compose-redeploy.stdout')).toBe('homelab: using docker-compose\n');
    const err = fixture('compose-redeploy.stderr');
    expect(err).toContain('homelab: pull failed (exit 1), recreating from the local image');
    expect(err).toContain('Recreating shop_api_1 ... done');
  });
});
