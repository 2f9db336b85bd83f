#!/usr/bin/env node
// `npm test`: every test, then one plain closing line with the counts ("Tests: N passed, N failed, N skipped"); a test
// that did not run because its file's set-up failed counts as failed, and the line says how many.
// First the type-check of src/, test/, bench/ (tsconfig.check.json) and web/ (web/tsconfig.json): Vitest strips types
// without checking them, so a test can pass on code that does not compile, or a web copy of an API shape drift.
// Each project that fails counts as one failed test. Then the fast in-process tests (unit, UI components) in parallel,
// then the tests that share the lab of real sshd + dockerd hosts (integration, then end-to-end in Chromium) one file
// at a time, on the same lab.
// Extra arguments run one Vitest invocation with them instead (no type-check), e.g. `npm test -- --project unit`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-test-'));
const extra = process.argv.slice(2);
const phases = extra.length
  ? [extra]
  : [
      ['--project', 'unit', '--project', 'web'],
      ['--project', 'integration', '--project', 'e2e', '--maxWorkers=1', '--minWorkers=1'],
    ];

const total = { passed: 0, failed: 0, skipped: 0, setupFailed: 0 };
let status = 0;

if (!extra.length) {
  for (const project of ['tsconfig.check.json', 'web/tsconfig.json']) {
    console.log(`Type-check: tsc -p ${project}`);
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--noEmit', '--pretty', 'false'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.log(`Type-check: ${project} has type errors (above)`);
      total.failed += 1;
      status = 1;
    }
  }
}
phases.forEach((args, i) => {
  const report = path.join(tmp, `report-${i}.json`);
  const r = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) status = r.status ?? 1;
  try {
    const j = JSON.parse(fs.readFileSync(report, 'utf8'));
    const files = j.testResults ?? [];
    // A file that fails to load has no tests but must count as a failure.
    const broken = files.filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    // A file whose beforeAll failed reports its tests as skipped: they did not run because the set-up failed
    // (PostgreSQL, the lab or Chromium missing), which is a failure, never a skip.
    const notRun = files
      .filter((f) => f.status === 'failed')
      .flatMap((f) => f.assertionResults ?? [])
      .filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo').length;
    total.passed += j.numPassedTests;
    total.failed += j.numFailedTests + broken + notRun;
    total.setupFailed += notRun;
    total.skipped += j.numPendingTests + j.numTodoTests - notRun;
  } catch {
    total.failed += 1; // no report: Vitest itself failed to start
  }
});
fs.rmSync(tmp, { recursive: true, force: true });
const setup = total.setupFailed ? ` (${total.setupFailed} of them did not run: their file's set-up failed)` : '';
console.log(`\nTests: ${total.passed} passed, ${total.failed} failed${setup}, ${total.skipped} skipped`);
process.exit(status || (total.failed ? 1 : 0));
