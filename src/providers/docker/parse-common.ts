/**
 * Building blocks for parse.ts: the section framing of our scripts, JSON lines, docker's human units
 * and dates. Pure functions, no I/O.
 */
import { SECTION_PREFIX } from './commands.js';

export interface ParseError {
  section: string;
  message: string;
}

export interface Section {
  name: string;
  stdout: string;
  stderr: string;
  /** Exit code of the section's command; null when the output was cut before the section's end marker. */
  rc: number | null;
}

const BEGIN = `${SECTION_PREFIX}begin:`;
const STDERR = `${SECTION_PREFIX}stderr:`;
const END = `${SECTION_PREFIX}end:`;

/** Splits the output of a sections script (commands.ts) into its sections, in order. */
export function parseSections(output: string): Section[] {
  const sections: Section[] = [];
  let cur: { name: string; out: string[]; err: string[]; inErr: boolean } | null = null;
  const close = (rc: number | null) => {
    if (!cur) return;
    sections.push({ name: cur.name, stdout: trimFraming(cur.out), stderr: trimFraming(cur.err).trim(), rc });
    cur = null;
  };
  for (const line of output.split('\n')) {
    if (line.startsWith(BEGIN)) {
      close(null); // a begin before the previous end: that one was cut
      cur = { name: line.slice(BEGIN.length), out: [], err: [], inErr: false };
    } else if (cur && line === `${STDERR}${cur.name}`) {
      cur.inErr = true;
    } else if (cur && line.startsWith(`${END}${cur.name}:`)) {
      const rc = Number(line.slice(END.length + cur.name.length + 1));
      close(Number.isInteger(rc) ? rc : null);
    } else if (cur) {
      (cur.inErr ? cur.err : cur.out).push(line);
    }
  }
  close(null);
  return sections;
}

// The script prints "\n" before each marker so that output without a final newline still ends its line;
// that adds one empty line at the end of every part.
function trimFraming(lines: string[]): string {
  const copy = lines.slice();
  if (copy.length > 0 && copy[copy.length - 1] === '') copy.pop();
  return copy.join('\n');
}

/** A section's failure as one message, or null when it succeeded. */
export function sectionError(s: Section): string | null {
  if (s.rc === null) return `output cut short${s.stderr ? `: ${firstLine(s.stderr)}` : ''}`;
  if (s.rc !== 0) return s.stderr ? firstLine(s.stderr) : `exit code ${s.rc}`;
  return null;
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 500) ?? '';
}

/**
 * Parses JSON objects one per line (a line that is a JSON array contributes its elements: that is what
 * `docker inspect` prints without --format). A line that does not parse is reported and skipped; the
 * others are kept. Pretty-printed multi-line JSON is accepted when the whole text parses at once.
 */
export function jsonObjects(text: string, section: string, errors: ParseError[]): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    try {
      const all = JSON.parse(trimmed) as unknown;
      if (Array.isArray(all)) return all.filter(isObject);
    } catch {
      // not one document: fall through to line by line
    }
  }
  const out: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (l === '') return;
    try {
      const v = JSON.parse(l) as unknown;
      if (Array.isArray(v)) out.push(...v.filter(isObject));
      else if (isObject(v)) out.push(v);
      else errors.push({ section, message: `line ${i + 1}: not a JSON object` });
    } catch (e) {
      errors.push({ section, message: `line ${i + 1}: ${(e as Error).message}: ${l.slice(0, 80)}` });
    }
  });
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function obj(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

export function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  pib: 1024 ** 5,
};

/**
 * docker's human sizes: "680KiB" (binary, memory), "1.04kB" and "1.98MB" (decimal, network, block IO,
 * images), "0B". Returns whole bytes, or null for "--", "N/A" and anything unknown.
 */
export function parseBytes(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return null;
  const unit = (m[2] || 'B').toLowerCase();
  const factor = UNITS[unit];
  return factor === undefined ? null : Math.round(Number(m[1]) * factor);
}

/** "680KiB / 23.54GiB" -> [696320, 25275...]. */
export function parseBytesPair(text: unknown): [number | null, number | null] {
  if (typeof text !== 'string') return [null, null];
  const [a, b] = text.split('/');
  return [parseBytes(a), parseBytes(b)];
}

/** "12.5%" -> 12.5; "--" -> null. */
export function parsePercent(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * Dates to ISO 8601 UTC. Accepts RFC 3339 with nanoseconds ("2026-11-22T02:41:04.301169707Z") and the
 * CLI's table form ("2026-11-22 02:40:10 +0000 UTC"). Docker's zero time ("0001-01-01T00:00:00Z", a
 * container never started) is null.
 */
export function isoDate(v: unknown): string | null {
  if (typeof v !== 'string' || v === '' || v.startsWith('0001-01-01')) return null;
  let s = v;
  const cli = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})(?: [A-Z]+)?$/.exec(v);
  if (cli) s = `${cli[1]}T${cli[2]}${cli[3]}:${cli[4]}`;
  // Date() reads at most milliseconds; keep three fraction digits.
  s = s.replace(/(\.\d{3})\d+/, '$1');
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The CLI joins labels with commas ("a=1,b=x,y"), and values may contain commas themselves, so this is
 * a best guess: a piece without "=" continues the previous value. Inspect's Config.Labels is exact and
 * preferred whenever it is available.
 */
export function parseLabelString(text: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof text !== 'string' || text === '') return out;
  let last: string | null = null;
  for (const piece of text.split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) {
      last = piece.slice(0, eq);
      out[last] = piece.slice(eq + 1);
    } else if (last !== null) {
      out[last] += `,${piece}`;
    } else if (piece !== '') {
      out[piece] = '';
    }
  }
  return out;
}
