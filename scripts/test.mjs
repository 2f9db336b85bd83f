#!/usr/bin/env node
// `npm test`: every test (unit, UI components, integration against the lab, end-to-end in Chromium), then one
// plain closing line with the counts. Extra arguments go to Vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-test-')), 'report.json');
const r = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
let summary = null;
try {
  const j = JSON.parse(fs.readFileSync(report, 'utf8'));
  // A file that fails to load has no tests but must count as a failure.
  const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  summary = { passed: j.numPassedTests, failed: j.numFailedTests + brokenFiles, skipped: j.numPendingTests + j.numTodoTests };
} catch {
  // no report: vitest itself failed to start
}
if (summary) console.log(`\nTests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
else console.log('\nTests: 0 passed, 1 failed (the test runner did not produce a report)');
process.exit(r.status ?? 1);
