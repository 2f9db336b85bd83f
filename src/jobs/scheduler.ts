import { Cron } from 'croner';

interface Logger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
  debug(o: object, m?: string): void;
}

export interface JobSpec {
  /** e.g. "host-metrics" */
  name: string;
  /** what the run is about, for logs, e.g. "host 3 (nas)" */
  target?: string;
  intervalSeconds: number;
  /** delay before the first run, to stagger loops of many hosts (ms) */
  startDelayMs?: number;
  run: () => Promise<unknown>;
}

/**
 * Background loops on croner. A run never dies (errors are caught and logged with the job's target), never piles up
 * (a run still going when the next tick comes makes that tick skip: croner's `protect`), and is timed.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Cron>();
  private readonly starters = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly log: Logger) {}

  add(spec: JobSpec): void {
    const key = spec.target ? `${spec.name}:${spec.target}` : spec.name;
    this.remove(key);
    if (this.stopped) return;
    const tick = async () => {
      const started = Date.now();
      try {
        await spec.run();
        this.log.debug({ job: spec.name, target: spec.target, ms: Date.now() - started }, 'job run');
      } catch (err) {
        this.log.warn({ job: spec.name, target: spec.target, ms: Date.now() - started, err: (err as Error).message }, 'job run failed');
      }
    };
    const start = () => {
      this.starters.delete(key);
      if (this.stopped) return;
      const job = new Cron(
        '* * * * * *',
        {
          name: key,
          interval: spec.intervalSeconds,
          protect: (j) => this.log.debug({ job: j.name }, 'previous run still going: tick skipped'),
          catch: (err) => this.log.error({ job: key, err }, 'job crashed'),
        },
        tick,
      );
      // With `interval`, croner fires at the next second, then at most once per interval.
      this.jobs.set(key, job);
    };
    if (spec.startDelayMs && spec.startDelayMs > 0) this.starters.set(key, setTimeout(start, spec.startDelayMs));
    else start();
  }

  remove(key: string): void {
    this.jobs.get(key)?.stop();
    this.jobs.delete(key);
    const s = this.starters.get(key);
    if (s) clearTimeout(s);
    this.starters.delete(key);
  }

  removeTarget(target: string): void {
    for (const key of [...this.jobs.keys(), ...this.starters.keys()]) if (key.endsWith(`:${target}`)) this.remove(key);
  }

  has(key: string): boolean {
    return this.jobs.has(key) || this.starters.has(key);
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.jobs.keys(), ...this.starters.keys()]) this.remove(key);
  }
}

/** Spread N loops over one interval so 200 hosts do not all connect in the same second. */
export function staggerDelay(index: number, count: number, intervalSeconds: number): number {
  if (count <= 1) return Math.floor(Math.random() * 1000);
  const spread = Math.min(intervalSeconds * 1000, 30_000);
  return Math.floor((spread * index) / count) + Math.floor(Math.random() * 250);
}
