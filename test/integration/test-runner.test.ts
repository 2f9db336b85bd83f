// scripts/test.mjs (what `npm test` runs) on a throwaway suite of its own: a file whose beforeAll fails must make
// its tests count as failed, never as skipped, and the run must exit non-zero. Real processes, real Vitest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(files: Record<string, string>): { code: number | null; last: string } {
  for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true }); // Vitest leaves a node_modules/.vite cache
  fs.writeFileSync(path.join(dir, 'vitest.config.mjs'), "export default { test: { globals: true, include: ['*.spec.js'] } };\n");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const r = spawnSync(process.execPath, ['scripts/test.mjs', '--root', dir, '--config', path.join(dir, 'vitest.config.mjs')], { cwd: root, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, last: lines[lines.length - 1]! };
}

describe('npm test closing line', () => {
  it('counts the tests of a file whose set-up failed as failed, says so, and exits 1', () => {
    const r = run({
      'a.spec.js': "beforeAll(() => { throw new Error('PostgreSQL is not installed'); });\nit('one', () => {});\nit('two', () => {});\n",
      'b.spec.js': "it('fine', () => {});\n",
    });
    expect(r.last).toBe("Tests: 1 passed, 2 failed (2 of them did not run: their file's set-up failed), 0 skipped");
    expect(r.code).toBe(1);
  });

  it('a green suite reads 0 failed and exits 0; a test skipped on purpose still reads as skipped', () => {
    const r = run({ 'b.spec.js': "it('fine', () => {});\nit.skip('later', () => {});\n" });
    expect(r.last).toBe('Tests: 1 passed, 0 failed, 1 skipped');
    expect(r.code).toBe(0);
  });
});
