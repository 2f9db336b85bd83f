#!/usr/bin/env node
// The `homelab` command. Runs the compiled CLI (npm start / npm run build compile it to dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('homelab: not built yet — run `npm run build` in the project folder first\n');
  process.exit(1);
}
const { runCli } = await import(cli);
const code = await runCli(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`error: ${err.message}\n`);
  return 1;
});
if (code >= 0) process.exit(code);
