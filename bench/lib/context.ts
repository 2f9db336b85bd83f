// What every bench receives: parsed arguments, a lab of the size it asks for, and a printer.
import { startLab, type Lab } from '../../test/lab/index.js';

export interface BenchArgs {
  /** Memory bench: how long to watch the server (default 10). */
  minutes: number;
  /** Samples per figure where the brief says "median of 10" / "of 20" (overridable with --runs). */
  runs: number | null;
}

export interface Bench {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Lab indexes 70+ keep benches clear of test runs (which start at 1, fault tests at 20/50). */
const FIRST_INDEX = 70;

/**
 * Holds one lab at a time: asking for another size stops the current one first, so a 3-host figure is not taken
 * beside 7 idle extra hosts (each dockerd runs health probes that cost CPU on this 2-core machine).
 */
export class BenchContext {
  private current: Lab | null = null;

  constructor(readonly args: BenchArgs) {}

  async lab(hosts: number): Promise<Lab> {
    if (this.current?.hosts.length === hosts) return this.current;
    await this.stop();
    const t0 = Date.now();
    this.current = await startLab({ hosts, firstIndex: FIRST_INDEX });
    this.log(`lab of ${hosts} hosts up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${this.current.hosts.map((h) => h.address).join(' ')})`);
    return this.current;
  }

  runs(fallback: number): number {
    return this.args.runs ?? fallback;
  }

  print(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  /** Progress lines go to stderr so that stdout holds only the tables. */
  log(text: string): void {
    process.stderr.write(`  · ${text}\n`);
  }

  async stop(): Promise<void> {
    const lab = this.current;
    this.current = null;
    await lab?.stop();
  }
}
