import { describe, expect, it } from 'vitest';
import { ftsPhrase } from '../../db/repositories/log.repository.js';
import { newLines, sortableTs } from './log-capture.js';

const T = (s: number, ns = '000000000') => `2026-12-01T10:00:${String(s).padStart(2, '0')}.${ns}Z`;
const line = (ts: string | null, text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ ts, stream, text });

describe('newLines', () => {
  it('keeps nothing from before capture started, then moves the cursor to the newest line', () => {
    const r = newLines([line(T(1), 'old'), line(T(3), 'a'), line(T(4), 'b'), line(null, 'no ts')], { started_at: T(2), last_ts: null, last_ts_count: 0 });
    expect(r.fresh.map((l) => l.text)).toEqual(['a', 'b']);
    expect(r.cursor).toEqual({ last_ts: T(4), last_ts_count: 1 });
  });

  it('skips the lines already stored at the cursor timestamp (--since is inclusive), keeps later ones sharing it', () => {
    const fetched = [line(T(3), 'x'), line(T(4), 'a'), line(T(4), 'b', 'stderr'), line(T(4), 'c'), line(T(5), 'd')];
    const first = newLines(fetched.slice(0, 3), { started_at: T(0), last_ts: null, last_ts_count: 0 });
    expect(first.cursor).toEqual({ last_ts: T(4), last_ts_count: 2 });
    const second = newLines(fetched.slice(1), { started_at: T(0), ...first.cursor! });
    expect(second.fresh.map((l) => l.text)).toEqual(['c', 'd']);
    expect(second.cursor).toEqual({ last_ts: T(5), last_ts_count: 1 });
    expect(newLines(fetched.slice(1, 3), { started_at: T(0), ...first.cursor! })).toEqual({ fresh: [], cursor: null });
  });
});

describe('sortableTs', () => {
  it('pads to nanoseconds and brings offsets to UTC; null for what is not a time', () => {
    expect(sortableTs('2026-12-01T10:00:01.5Z')).toBe('2026-12-01T10:00:01.500000000Z');
    expect(sortableTs('2026-12-01T10:00:01Z')).toBe('2026-12-01T10:00:01.000000000Z');
    expect(sortableTs('2026-12-01T12:00:01+02:00')).toBe('2026-12-01T10:00:01.000000000Z');
    expect(sortableTs('yesterday')).toBeNull();
    expect(sortableTs('1700000000')).toBeNull();
  });
});

describe('ftsPhrase', () => {
  it('quotes every word, doubling quotes, so FTS5 syntax is plain text', () => {
    expect(ftsPhrase(' tick  "3" OR * ')).toBe('"tick" """3""" "OR" "*"');
  });
});
