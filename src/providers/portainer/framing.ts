/**
 * Docker's log stream framing (reference §5.4): without a TTY every write is a frame — an 8-byte header (byte 0 the
 * stream: 0 stdin, 1 stdout, 2 stderr; bytes 4..7 the payload length, big-endian) then the payload, which may hold
 * several lines or part of one. With a TTY the body is raw bytes. Streams arrive in chunks cut anywhere (a local-socket
 * environment delivers 4 KB lumps), so both decoders keep what is incomplete until the next chunk.
 */

export type FrameStream = 'stdout' | 'stderr';

/** Splits text into lines across chunks: a line is emitted once its newline has arrived (or at end()). */
export class LineSplitter {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly onLine: (line: string) => void) {}

  push(bytes: Uint8Array): void {
    const text = this.rest + this.decoder.decode(bytes, { stream: true });
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }

  end(): void {
    const tail = this.rest + this.decoder.decode();
    this.rest = '';
    if (tail !== '') this.onLine(tail.endsWith('\r') ? tail.slice(0, -1) : tail);
  }
}

/** Demultiplexes framed chunks into per-stream lines; stdin frames (never sent by logs) count as stdout. */
export class FrameDecoder {
  private buf = Buffer.alloc(0);
  private readonly lines: Record<FrameStream, LineSplitter>;
  constructor(onLine: (stream: FrameStream, line: string) => void) {
    this.lines = { stdout: new LineSplitter((l) => onLine('stdout', l)), stderr: new LineSplitter((l) => onLine('stderr', l)) };
  }

  push(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt32BE(off + 4);
      if (this.buf.length - off - 8 < len) break;
      const stream: FrameStream = this.buf[off] === 2 ? 'stderr' : 'stdout';
      this.lines[stream].push(this.buf.subarray(off + 8, off + 8 + len));
      off += 8 + len;
    }
    this.buf = off ? this.buf.subarray(off) : this.buf;
  }

  /** The body ended: partial lines are emitted; an incomplete frame's bytes are dropped (the stream was cut). */
  end(): void {
    this.lines.stdout.end();
    this.lines.stderr.end();
    this.buf = Buffer.alloc(0);
  }
}

/** A framed body's first header: stream byte 0..2 and three zero bytes (for bodies of unknown TTY-ness). */
export function looksFramed(b: Uint8Array): boolean {
  return b.length >= 8 && b[0]! <= 2 && b[1] === 0 && b[2] === 0 && b[3] === 0;
}

/** A whole body -> lines per stream, in arrival order. */
export function decodeLogBody(body: Uint8Array, tty: boolean): { stream: FrameStream; line: string }[] {
  const out: { stream: FrameStream; line: string }[] = [];
  if (tty) {
    const s = new LineSplitter((line) => out.push({ stream: 'stdout', line }));
    s.push(body);
    s.end();
  } else {
    const d = new FrameDecoder((stream, line) => out.push({ stream, line }));
    d.push(body);
    d.end();
  }
  return out;
}
