import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(chunks: Array<Buffer | string>, max?: number): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), max);
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('line splitting of streamed output', () => {
  it('joins lines cut across chunks', () => {
    expect(split(['{"a":', '1}\n{"b"', ':2}\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('strips CRLF and keeps empty lines', () => {
    expect(split(['one\r\n\r\ntwo\n'])).toEqual(['one', '', 'two']);
  });

  it('emits a last line without newline at the end', () => {
    expect(split(['tail'])).toEqual(['tail']);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('café ✓\n', 'utf8');
    expect(split([bytes.subarray(0, 4), bytes.subarray(4, 7), bytes.subarray(7)])).toEqual(['café ✓']);
  });

  it('cuts a line with no newline that grows past the cap', () => {
    expect(split(['abcdefghij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
