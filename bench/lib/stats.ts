// Figures for the benches: order statistics over samples and a plain-text table. Nothing here asserts anything.

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  // Nearest rank: p95 of 20 samples is the 19th, a value that was really measured.
  const rank = Math.min(s.length, Math.max(1, Math.ceil(q * s.length)));
  return s[rank - 1]!;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const p95 = (xs: readonly number[]): number => quantile(xs, 0.95);

/** Milliseconds since `t0` (performance.now()), one decimal. */
export const since = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** Runs `fn` and answers its wall time in ms. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return since(t0);
}

export const ms = (v: number): string => (Number.isFinite(v) ? `${v < 100 ? v.toFixed(1) : Math.round(v)} ms` : '-');
export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : '-');
export const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;

/** A left-aligned text table with a header rule, printed as is (no colours: the output goes to notes). */
export function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`\n## ${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));
