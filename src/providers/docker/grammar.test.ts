import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as g from './grammar.js';

// What an attacker (or a careless client) might send as an id, name, project... (shared with commands.test.ts)
const INJECTIONS = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/docker/injections.json', import.meta.url), 'utf8'),
) as [string, string][];

describe('grammar: container names, ids and refs', () => {
  it.each(['web', 'shop_api_1', 'idle-created', 'a.b', 'x', 'A9', 'e1efe5707248', 'a'.repeat(128)])(
    'accepts the Docker name %s',
    (name) => {
      expect(g.containerName(name)).toBe(name);
      expect(g.containerRef(name)).toBe(name);
    },
  );

  it.each(INJECTIONS)('refuses %s as a container ref', (_label, value) => {
    expect(() => g.containerRef(value)).toThrow(g.DockerInputError);
    expect(() => g.containerName(value)).toThrow(g.DockerInputError);
    expect(() => g.containerId(value)).toThrow(g.DockerInputError);
  });

  it('refuses names longer than 128 characters and non-strings', () => {
    expect(() => g.containerName('a'.repeat(129))).toThrow(/at most 128/);
    expect(() => g.containerRef(42)).toThrow(/must be a string/);
    expect(() => g.containerRef(undefined)).toThrow(g.DockerInputError);
  });

  it('accepts hex ids from 1 to 64 characters, lowercase only', () => {
    const full = 'e1efe5707248aeb0d916fbb30f0024ab14064d8fb8d0efbd2fcefeedf5bf44b5';
    expect(g.containerId(full)).toBe(full);
    expect(g.containerId('e')).toBe('e');
    expect(() => g.containerId(`${full}0`)).toThrow(/at most 64/);
    expect(() => g.containerId('E1EFE5')).toThrow(g.DockerInputError);
    expect(() => g.containerId('web')).toThrow(g.DockerInputError);
  });

  it('reports the field and a stable code, never the raw value', () => {
    try {
      g.containerRef('$(id)', 'container_id');
      expect.unreachable();
    } catch (e) {
      const err = e as g.DockerInputError;
      expect(err.code).toBe('invalid_input');
      expect(err.field).toBe('container_id');
      expect(err.message).not.toContain('$(id)');
    }
  });
});

describe('grammar: compose, images, labels, paths, signals', () => {
  it('accepts compose project and service names', () => {
    expect(g.composeProject('shop')).toBe('shop');
    expect(g.composeProject('my-stack_2')).toBe('my-stack_2');
    expect(g.composeService('api')).toBe('api');
    expect(g.composeService('Web.v2')).toBe('Web.v2');
    expect(() => g.composeProject('Shop')).toThrow(g.DockerInputError);
    expect(() => g.composeProject('_shop')).toThrow(g.DockerInputError);
  });

  it.each(INJECTIONS)('refuses %s as a compose project, service, label or image', (_label, value) => {
    expect(() => g.composeProject(value)).toThrow(g.DockerInputError);
    expect(() => g.composeService(value)).toThrow(g.DockerInputError);
    expect(() => g.labelKey(value)).toThrow(g.DockerInputError);
    expect(() => g.imageRef(value)).toThrow(g.DockerInputError);
    expect(() => g.signal(value)).toThrow(g.DockerInputError);
  });

  it.each([
    'nginx',
    'nginx:1.25',
    'homelab/busybox:1',
    'ghcr.io/owner/app:v1.2.3',
    'registry.local:5000/team/app',
    `nginx@sha256:${'a'.repeat(64)}`,
    `sha256:${'b'.repeat(64)}`,
  ])('accepts the image reference %s', (ref) => {
    expect(g.imageRef(ref)).toBe(ref);
  });

  it('refuses malformed image references', () => {
    for (const bad of ['Nginx', 'nginx:', ':tag', 'a//b', 'nginx:-x', `nginx@sha256:${'a'.repeat(63)}`, `${'a'.repeat(256)}:1`]) {
      expect(() => g.imageRef(bad), bad).toThrow(g.DockerInputError);
    }
  });

  it('label values allow what compose labels hold, nothing a shell cares about', () => {
    expect(g.labelValue('shop')).toBe('shop');
    expect(g.labelValue('')).toBe('');
    for (const bad of ["a'b", 'a b', '$(id)', 'a;b', 'a\nb', 'a`b']) {
      expect(() => g.labelValue(bad), bad).toThrow(g.DockerInputError);
    }
  });

  it('absolute paths: accepted plain, refused relative, with "..", or shell characters', () => {
    expect(g.absolutePath('/srv/stacks/shop')).toBe('/srv/stacks/shop');
    expect(g.absolutePath('/srv/my stacks/shop/docker-compose.yml')).toBe('/srv/my stacks/shop/docker-compose.yml');
    expect(g.absolutePath('/srv/a..b/c')).toBe('/srv/a..b/c'); // ".." inside a name is not a segment
    for (const bad of ['srv/shop', '../shop', '/srv/../etc', '/srv/..', '/srv/$(id)', "/srv/'x", '/srv/\nx', '/srv/`x`', '']) {
      expect(() => g.absolutePath(bad), bad).toThrow(g.DockerInputError);
    }
  });

  it('signals: names and numbers', () => {
    expect(g.signal('SIGTERM')).toBe('SIGTERM');
    expect(g.signal('HUP')).toBe('HUP');
    expect(g.signal('9')).toBe('9');
    expect(() => g.signal('sigterm')).toThrow(g.DockerInputError);
  });
});

describe('grammar: since and tail', () => {
  it.each([
    '2026-11-22T02:41:04Z',
    '2026-11-22T02:41:04.249224145Z',
    '2026-11-22T03:41:04+01:00',
    '2026-11-22',
    '1795315264',
    '1795315264.297043097',
    '10m',
    '1h30m',
    '1.5h',
    '300ms',
  ])('accepts --since %s', (v) => {
    expect(g.since(v)).toBe(v);
  });

  it.each([...INJECTIONS, ['negative duration', '-10m'], ['unit only', 'm'], ['words', 'yesterday'], ['micro sign', '10µs']])(
    'refuses %s as --since',
    (_label, value) => {
      expect(() => g.since(value)).toThrow(g.DockerInputError);
    },
  );

  it('tail: numbers and digit strings, "all" and large values bounded to 5000', () => {
    expect(g.tail(200)).toBe(200);
    expect(g.tail('200')).toBe(200);
    expect(g.tail(0)).toBe(0);
    expect(g.tail('all')).toBe(g.MAX_TAIL);
    expect(g.tail(99999)).toBe(5000);
    expect(g.tail('99999999')).toBe(5000);
  });

  it.each([[-1], [1.5], ['1.5'], ['-1'], ['10; reboot'], ['$(id)'], [''], [null], [Number.NaN], ['ALL'], ['1e3']])(
    'tail refuses %s',
    (value) => {
      expect(() => g.tail(value)).toThrow(g.DockerInputError);
    },
  );

  it('stop timeouts are whole seconds within an hour', () => {
    expect(g.timeoutSeconds(10)).toBe(10);
    expect(() => g.timeoutSeconds(-1)).toThrow(g.DockerInputError);
    expect(() => g.timeoutSeconds(3601)).toThrow(g.DockerInputError);
    expect(() => g.timeoutSeconds('10')).toThrow(g.DockerInputError);
  });
});
