/**
 * After `vite build`, prints what the first page costs: index.html plus the JS and CSS it loads
 * directly (entry chunk, modulepreloads, stylesheets), gzipped. Lazy sections are listed apart.
 * Budget: 150 KB gzipped (issue 5). Over budget fails the build, so a regression cannot go unnoticed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const BUDGET = 150 * 1024;

export function sizeReport(outDir: string): Plugin {
  return {
    name: 'homelab-size-report',
    apply: 'build',
    closeBundle() {
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const first = new Set<string>(['index.html']);
      for (const m of html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)) first.add(m[1]);
      const gz = (f: string) => gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length;
      let total = 0;
      for (const f of first) total += gz(f);
      const lazy = readdirSync(join(outDir, 'assets')).map((f) => `assets/${f}`).filter((f) => !first.has(f) && /\.(js|css)$/.test(f));
      const lazyTotal = lazy.reduce((n, f) => n + gz(f), 0);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(`\nFirst page (gzip): ${kb(total)} of the ${kb(BUDGET)} budget — ${[...first].join(', ')}`);
      console.log(`Lazy sections (gzip, loaded on demand): ${kb(lazyTotal)} in ${lazy.length} files`);
      if (total > BUDGET) throw new Error(`First page is ${kb(total)} gzipped, over the ${kb(BUDGET)} budget`);
    },
  };
}
