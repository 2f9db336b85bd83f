import { describe, expect, it } from 'vitest';
import { FrameDecoder, LineSplitter, decodeLogBody, looksFramed } from './framing.js';

const frame = (stream: number, text: string) => {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
};

describe('log stream framing', () => {
  it('tells stdout from stderr and splits frames holding several lines or part of one', () => {
    const body = Buffer.concat([frame(1, 'out 1\nout 2\n'), frame(2, 'err '), frame(2, 'continued\n'), frame(1, 'last without newline')]);
    expect(decodeLogBody(body, false)).toEqual([
      { stream: 'stdout', line: 'out 1' },
      { stream: 'stdout', line: 'out 2' },
      { stream: 'stderr', line: 'err continued' },
      { stream: 'stdout', line: 'last without newline' },
    ]);
  });

  it('gives the same lines whatever the chunk boundaries (headers and UTF-8 characters cut in two)', () => {
    const body = Buffer.concat([frame(1, 'héllo wörld\n'), frame(2, 'ça va\n'), frame(1, 'x'.repeat(5000) + '\n')]);
    const whole = decodeLogBody(body, false);
    for (const size of [1, 3, 7, 8, 9, 4096]) {
      const got: { stream: string; line: string }[] = [];
      const d = new FrameDecoder((stream, line) => got.push({ stream, line }));
      for (let i = 0; i < body.length; i += size) d.push(body.subarray(i, i + size));
      d.end();
      expect(got, `chunks of ${size}`).toEqual(whole);
    }
    expect(whole.map((l) => l.line.slice(0, 11))).toEqual(['héllo wörld', 'ça va', 'xxxxxxxxxxx']);
  });

  it('reads a TTY body as raw text (CRLF too) and sniffs framed bodies', () => {
    expect(decodeLogBody(Buffer.from('a\r\nb\nc'), true)).toEqual([
      { stream: 'stdout', line: 'a' },
      { stream: 'stdout', line: 'b' },
      { stream: 'stdout', line: 'c' },
    ]);
    expect(looksFramed(frame(1, 'x\n'))).toBe(true);
    expect(looksFramed(Buffer.from('2024-10-26T12:00:01Z hello'))).toBe(false);
  });

  it('drops an incomplete last frame rather than inventing text', () => {
    const f = frame(1, 'complete\n');
    const cut = frame(2, 'never finished\n').subarray(0, 12);
    expect(decodeLogBody(Buffer.concat([f, cut]), false)).toEqual([{ stream: 'stdout', line: 'complete' }]);
  });

  it('splits lines across chunks', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    s.push(Buffer.from('{"a":'));
    s.push(Buffer.from('1}\n{"b"'));
    expect(got).toEqual(['{"a":1}']);
    s.push(Buffer.from(':2}\n'));
    s.end();
    expect(got).toEqual(['{"a":1}', '{"b":2}']);
  });
});
