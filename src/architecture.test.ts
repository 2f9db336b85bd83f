/**
 * The dependency arrows docs/ARCHITECTURE.md says must not exist, checked on the sources: a change that adds one
 * fails here with the file and the import that breaks the rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every relative import of every source file, resolved to a path under src/ ("services/docker/actions.ts"). */
const IMPORTS = sources().map((file) => {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  const rel = path.relative(SRC, file);
  const targets = specs.filter((s) => s.startsWith('.')).map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts'));
  return { file: rel, targets };
});

function violations(from: (f: string) => boolean, to: (t: string) => boolean): string[] {
  return IMPORTS.filter((i) => from(i.file)).flatMap((i) => i.targets.filter(to).map((t) => `${i.file} -> ${t}`));
}

const under = (dir: string) => (p: string) => p.startsWith(`${dir}/`);
/** The CLI engine's own files: the only ones that build or run docker command lines. */
const CLI = ['providers/docker/commands.ts', 'providers/docker/transports.ts', 'providers/docker/local-transport.ts', 'providers/docker/cli-engine.ts'];

describe('architecture', () => {
  it('reads the sources (the check itself works)', () => {
    expect(IMPORTS.length).toBeGreaterThan(50);
    expect(IMPORTS.find((i) => i.file === 'services/docker/actions.ts')?.targets).toContain('providers/docker/engine.ts');
  });

  it('nothing under services/ imports the HTTP or WebSocket layer (server/)', () => {
    expect(violations(under('services'), under('server'))).toEqual([]);
  });

  it('core/ is pure: it imports no database, service, server, provider or SSH code', () => {
    expect(violations(under('core'), (t) => ['db', 'services', 'server', 'providers', 'ssh', 'notify', 'jobs'].some((d) => under(d)(t)))).toEqual([]);
  });

  it('only the CLI engine builds docker command lines: commands, transports and the local runner stay inside it', () => {
    const allowed = (f: string) => under('providers/docker')(f) || f === 'providers/registry.ts';
    const outside = violations((f) => !allowed(f), (t) => CLI.includes(t));
    // The composition root hands the registry its local runner; nothing else outside providers/ may.
    expect(outside).toEqual(['container.ts -> providers/docker/local-transport.ts']);
  });

  it('services reach a host through the engine interface and the registry, never through SSH or a transport', () => {
    // The host service's Check button is SSH itself (connect, pin the host key), and says why it failed.
    const hostCheck = (f: string) => f === 'services/host.service.ts';
    expect(violations((f) => under('services')(f) && !hostCheck(f), (t) => under('ssh')(t) && t !== 'ssh/types.ts')).toEqual([]);
    expect(violations(under('services'), (t) => CLI.includes(t))).toEqual([]);
  });

  it('only db/ speaks SQL: no service, route or provider imports kysely directly except through repositories', () => {
    const sqlUsers = sources()
      .map((f) => path.relative(SRC, f))
      .filter((f) => !under('db')(f) && /from 'kysely'/.test(fs.readFileSync(path.join(SRC, f), 'utf8')));
    // Type-only imports of Kysely (to pass a transaction or the handle along) are allowed; queries are not.
    const querying = sqlUsers.filter((f) => /\.(selectFrom|insertInto|updateTable|deleteFrom)\(/.test(fs.readFileSync(path.join(SRC, f), 'utf8')));
    expect(querying).toEqual([]);
  });
});
