import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as c from './commands.js';
import { DockerInputError } from './grammar.js';

const INJECTIONS = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/docker/injections.json', import.meta.url), 'utf8'),
) as [string, string][];

const ID = 'e1efe5707248aeb0d916fbb30f0024ab14064d8fb8d0efbd2fcefeedf5bf44b5';

/** Runs a line in a real POSIX shell and returns what it printed. */
function sh(line: string): string {
  return execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
}

describe('quote', () => {
  it.each([
    ['plain', 'web'],
    ['single quotes', "it's a 'test'"],
    ['command substitution', '$(touch /tmp/pwned) `id`'],
    ['separators and newlines', 'a; reboot\nb && c | d > e'],
    ['variables and globs', '${HOME} * ? [a]'],
    ['backslashes', 'a\\b\\\\c'],
    ['unicode', 'wеb ｗｅｂ é'],
  ])('a real shell reads %s back unchanged and runs nothing', (_label, value) => {
    expect(sh(`printf %s ${c.quote(value)}`)).toBe(value);
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => c.quote('a\0b')).toThrow(DockerInputError);
  });
});

describe('single commands: exact lines', () => {
  it('version probe', () => {
    expect(c.dockerVersion()).toBe(`docker version --format '{{json .}}'`);
  });

  it('container actions, with -- before the target', () => {
    expect(c.containerAction('start', 'web')).toBe(`docker start -- 'web'`);
    expect(c.containerAction('stop', 'web', { timeoutS: 10 })).toBe(`docker stop -t 10 -- 'web'`);
    expect(c.containerAction('restart', ID)).toBe(`docker restart -- '${ID}'`);
    expect(c.containerAction('pause', 'web')).toBe(`docker pause -- 'web'`);
    expect(c.containerAction('unpause', 'web')).toBe(`docker unpause -- 'web'`);
    expect(c.containerAction('kill', 'web', { signal: 'SIGHUP' })).toBe(`docker kill -s 'SIGHUP' -- 'web'`);
    expect(c.containerAction('remove', 'web')).toBe(`docker rm -- 'web'`);
    expect(c.containerAction('remove', 'web', { force: true, volumes: true })).toBe(`docker rm -f -v -- 'web'`);
  });

  it('refuses an unknown action', () => {
    expect(() => c.containerAction('exec' as c.ContainerAction, 'web')).toThrow(DockerInputError);
  });

  it('logs: timestamps by default, tail bounded, since validated', () => {
    expect(c.logs('web')).toBe(`docker logs --timestamps --tail 200 -- 'web'`);
    expect(c.logs('web', { tail: 'all', since: '10m' })).toBe(`docker logs --timestamps --tail 5000 --since '10m' -- 'web'`);
    expect(c.logs('noisy', { follow: true, tail: 0 })).toBe(`docker logs --timestamps --follow --tail 0 -- 'noisy'`);
    expect(c.logs('web', { timestamps: false, tail: 99999 })).toBe(`docker logs --tail 5000 -- 'web'`);
  });

  it('stats, events, inspect, uname', () => {
    expect(c.stats()).toBe(`docker stats --no-stream --no-trunc --format '{{json .}}'`);
    expect(c.stats('web')).toBe(`docker stats --no-stream --no-trunc --format '{{json .}}' -- 'web'`);
    expect(c.events()).toBe(`docker events --format '{{json .}}'`);
    expect(c.events({ since: '1795315264', types: ['container', 'network'] })).toBe(
      `docker events --format '{{json .}}' --since '1795315264' --filter 'type=container' --filter 'type=network'`,
    );
    expect(c.inspectContainers(['web', ID])).toBe(`docker container inspect -- 'web' '${ID}'`);
    expect(c.uname()).toBe('uname -a');
  });

  it('refuses an unknown event type and an empty inspect', () => {
    expect(() => c.events({ types: ['container; reboot' as c.EventType] })).toThrow(DockerInputError);
    expect(() => c.inspectContainers([])).toThrow(DockerInputError);
  });
});

describe('every builder refuses every injection', () => {
  const builders: [string, (v: string) => unknown][] = [
    ['containerAction ref', (v) => c.containerAction('stop', v)],
    ['containerAction remove ref', (v) => c.containerAction('remove', v, { force: true })],
    ['containerAction kill signal', (v) => c.containerAction('kill', 'web', { signal: v })],
    ['logs ref', (v) => c.logs(v)],
    ['logs since', (v) => c.logs('web', { since: v })],
    ['logs tail', (v) => c.logs('web', { tail: v })],
    ['stats ref', (v) => c.stats(v)],
    ['events since', (v) => c.events({ since: v })],
    ['inspectContainers', (v) => c.inspectContainers(['web', v])],
    ['collectScript ids', (v) => c.collectScript({ inspect: [ID, v] })],
    ['composeAction project', (v) => c.composeAction(v, 'restart')],
    ['composeAction service', (v) => c.composeAction('shop', 'restart', { service: v })],
    ['composeRedeploy project', (v) => c.composeRedeploy({ project: v, service: 'api', workingDir: '/srv/shop', configFiles: ['/srv/shop/c.yml'] })],
    ['composeRedeploy service', (v) => c.composeRedeploy({ project: 'shop', service: v, workingDir: '/srv/shop', configFiles: ['/srv/shop/c.yml'] })],
    ['composeRedeploy working dir', (v) => c.composeRedeploy({ project: 'shop', service: 'api', workingDir: `/srv/${v}`, configFiles: ['/srv/shop/c.yml'] })],
    ['composeRedeploy config file', (v) => c.composeRedeploy({ project: 'shop', service: 'api', workingDir: '/srv/shop', configFiles: [`/srv/shop/${v}`] })],
  ];
  // Some injections are harmless inside a path ("/srv/web" + "*" is a valid file name): paths allow
  // spaces and a few more characters, so for them only the dangerous ones are expected to fail.
  const pathSafe = new Set(['300 characters', 'space', 'leading dash (flag)', 'single dash flag', 'empty']);

  for (const [name, build] of builders) {
    const isPath = name.includes('working dir') || name.includes('config file');
    it.each(INJECTIONS.filter(([label]) => !(isPath && pathSafe.has(label))))(`${name}: refuses %s`, (_label, value) => {
      expect(() => build(value)).toThrow(DockerInputError);
    });
  }

  it('paths: "..", relative paths and quotes are refused', () => {
    const t = { project: 'shop', service: 'api', workingDir: '/srv/shop', configFiles: ['/srv/shop/c.yml'] };
    expect(() => c.composeRedeploy({ ...t, workingDir: '/srv/shop/..' })).toThrow(/"\.\."/);
    expect(() => c.composeRedeploy({ ...t, configFiles: ['c.yml'] })).toThrow(DockerInputError);
    expect(() => c.composeRedeploy({ ...t, configFiles: [] })).toThrow(DockerInputError);
    expect(() => c.composeRedeploy({ ...t, configFiles: ["/srv/shop/c.yml' ; reboot '"] })).toThrow(DockerInputError);
  });
});

describe('scripts', () => {
  it('collect: one sh -c script with every section, ids quoted', () => {
    const all = c.collectScript({ inspect: 'all' });
    expect(all.startsWith("sh -c '")).toBe(true);
    for (const s of ['version', 'ps', 'inspect', 'images', 'image_inspect', 'volumes', 'volume_inspect', 'networks', 'network_inspect']) {
      expect(all).toContain(`hl_run ${s} hl_s_${s}`);
    }
    expect(all).toContain('docker ps -aq --no-trunc');
    const some = c.collectScript({ inspect: [ID, 'e1efe570'] });
    expect(some).toContain(`docker container inspect --format '\\''{{json .}}'\\'' '\\''${ID}'\\'' '\\''e1efe570'\\''`);
    const none = c.collectScript({ inspect: [] });
    expect(none).not.toContain('docker container inspect');
  });

  it('collect: ids must be hex (names are not accepted where ids are expected)', () => {
    expect(() => c.collectScript({ inspect: ['web'] })).toThrow(DockerInputError);
  });

  it('a sections script frames stdout, stderr and the exit code of each section (real sh, no docker)', () => {
    // hostMetrics only reads /proc and df: runnable here and on any Linux host.
    const out = sh(c.hostMetrics());
    expect(out).toMatch(/^::homelab:begin:uptime\n\d+\.\d+ \d+\.\d+\n\n::homelab:stderr:uptime\n\n::homelab:end:uptime:0\n/);
    for (const s of ['loadavg', 'nproc', 'meminfo', 'df']) expect(out).toContain(`::homelab:end:${s}:0`);
  });

  it('compose actions act by label, so they work without the compose file', () => {
    const line = c.composeAction('shop', 'restart', { service: 'api' });
    expect(line).toContain(`--filter '\\''label=com.docker.compose.project=shop'\\''`);
    expect(line).toContain(`--filter '\\''label=com.docker.compose.service=api'\\''`);
    expect(line).toContain('docker restart $ids');
    expect(() => c.composeAction('shop', 'remove' as c.ComposeAction)).toThrow(DockerInputError);
  });

  it('redeploy: detects compose v2 or v1, pulls without aborting, recreates one service', () => {
    const line = c.composeRedeploy({
      project: 'shop',
      service: 'api',
      workingDir: '/srv/my stacks/shop',
      configFiles: ['/srv/my stacks/shop/docker-compose.yml', '/srv/my stacks/shop/override.yml'],
    });
    expect(line).toContain('docker compose version');
    expect(line).toContain('command -v docker-compose');
    expect(line).toContain('pull '); // followed by the quoted service
    expect(line).toContain('|| echo "homelab: pull failed');
    expect(line).toContain('up -d --no-deps --force-recreate');
    expect(line).toContain(`-f '\\''/srv/my stacks/shop/override.yml'\\''`);
  });

  it('prune: only the kinds asked for, containers first; at least one kind', () => {
    const line = c.prune({ images: 'all', containers: true });
    expect(line.indexOf('docker container prune -f')).toBeLessThan(line.indexOf('docker image prune -f -a'));
    expect(line).not.toContain('volume prune');
    expect(c.prune({ images: true })).toContain('docker image prune -f\n');
    expect(() => c.prune({})).toThrow(DockerInputError);
  });
});
