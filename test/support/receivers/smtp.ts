import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Recorder } from './http.js';

/**
 * A small real SMTP server (RFC 5321 subset) on 127.0.0.1: EHLO/HELO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA (with
 * dot-unstuffing), RSET, NOOP, QUIT. No TLS, so senders must use `secure: false` (it does not offer STARTTLS).
 * Records each accepted message with its envelope, decoded headers (RFC 2047 encoded-words) and decoded text body.
 */

export interface SmtpMessage {
  from: string;
  to: string[];
  /** header names lower-cased, folded lines joined, encoded-words decoded */
  headers: Record<string, string>;
  subject: string;
  /** the body, transfer-decoded (quoted-printable / base64) */
  text: string;
  /** the DATA as received, after dot-unstuffing */
  raw: string;
  /** the user the session authenticated as, if it did */
  user?: string;
  receivedAt: number;
}

/** A reply to force at a stage (e.g. {at: 'MAIL', code: 451, text: '4.3.0 try later'}), or 'hang': greet never. */
export type SmtpFailure = { at: 'MAIL' | 'RCPT' | 'DATA'; code: number; text: string } | 'hang';

export interface SmtpReceiverOptions {
  /** require AUTH with these credentials before MAIL */
  auth?: { user: string; pass: string };
  /** recipients refused with 550 */
  rejectRecipients?: string[];
}

export class SmtpReceiver {
  readonly messages = new Recorder<SmtpMessage>();
  private failure: SmtpFailure | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://${this.host}:${this.port}`;
  }
  waitFor(predicate?: (m: SmtpMessage) => boolean, timeoutMs?: number): Promise<SmtpMessage> {
    return this.messages.waitFor(predicate, timeoutMs);
  }
  fail(mode: SmtpFailure): void {
    this.failure = mode;
  }
  heal(): void {
    this.failure = null;
  }
  /** @internal */
  currentFailure(): SmtpFailure | null {
    return this.failure;
  }
  /** @internal */
  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  let receiver!: SmtpReceiver;
  const server = createServer((socket) => {
    receiver.track(socket);
    socket.on('error', () => {}); // a sender that gives up resets the connection; nothing to report
    if (receiver.currentFailure() === 'hang') return;
    new SmtpSession(socket, options, receiver).start();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver = new SmtpReceiver(server, '127.0.0.1', port);
  return receiver;
}

class SmtpSession {
  private buffer = '';
  private from: string | null = null;
  private to: string[] = [];
  private user: string | undefined;
  private mode: 'command' | 'data' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass' = 'command';
  private pendingUser = '';
  private dataLines: string[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly options: SmtpReceiverOptions,
    private readonly receiver: SmtpReceiver,
  ) {}

  start(): void {
    this.socket.setEncoding('utf8');
    this.reply('220 receiver.local ESMTP test receiver');
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        this.onLine(line);
      }
    });
  }

  private reply(text: string): void {
    if (!this.socket.destroyed) this.socket.write(`${text}\r\n`);
  }

  private forced(stage: 'MAIL' | 'RCPT' | 'DATA'): boolean {
    const f = this.receiver.currentFailure();
    if (f && f !== 'hang' && f.at === stage) {
      this.reply(`${f.code} ${f.text}`);
      return true;
    }
    return false;
  }

  private onLine(line: string): void {
    if (this.mode === 'data') return this.onDataLine(line);
    if (this.mode !== 'command') return this.onAuthLine(line);
    const [verb = '', ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (verb.toUpperCase()) {
      case 'EHLO':
        this.reply('250-receiver.local');
        this.reply('250-8BITMIME');
        this.reply('250-SMTPUTF8');
        this.reply('250-AUTH PLAIN LOGIN');
        return this.reply('250 OK');
      case 'HELO':
        return this.reply('250 receiver.local');
      case 'AUTH':
        return this.onAuth(arg);
      case 'MAIL': {
        if (this.options.auth && !this.user) return this.reply('530 5.7.0 Authentication required');
        if (this.forced('MAIL')) return;
        const m = /^FROM:\s*<([^>]*)>/i.exec(arg);
        if (!m) return this.reply('501 5.5.4 Syntax: MAIL FROM:<address>');
        this.from = m[1];
        this.to = [];
        return this.reply('250 2.1.0 OK');
      }
      case 'RCPT': {
        if (this.from === null) return this.reply('503 5.5.1 Error: need MAIL command');
        if (this.forced('RCPT')) return;
        const m = /^TO:\s*<([^>]*)>/i.exec(arg);
        if (!m) return this.reply('501 5.5.4 Syntax: RCPT TO:<address>');
        if (this.options.rejectRecipients?.includes(m[1])) return this.reply(`550 5.1.1 <${m[1]}>: Recipient address rejected`);
        this.to.push(m[1]);
        return this.reply('250 2.1.5 OK');
      }
      case 'DATA':
        if (this.to.length === 0) return this.reply('503 5.5.1 Error: need RCPT command');
        if (this.forced('DATA')) return;
        this.mode = 'data';
        this.dataLines = [];
        return this.reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
        this.from = null;
        this.to = [];
        return this.reply('250 2.0.0 OK');
      case 'NOOP':
        return this.reply('250 2.0.0 OK');
      case 'QUIT':
        this.reply('221 2.0.0 Bye');
        this.socket.end();
        return;
      default:
        return this.reply('502 5.5.2 Error: command not recognized');
    }
  }

  private onAuth(arg: string): void {
    const [mech = '', initial] = arg.split(' ');
    if (mech.toUpperCase() === 'PLAIN') {
      if (initial) return this.checkPlain(initial);
      this.mode = 'auth-plain';
      return this.reply('334 ');
    }
    if (mech.toUpperCase() === 'LOGIN') {
      this.mode = 'auth-login-user';
      return this.reply(`334 ${Buffer.from('Username:').toString('base64')}`);
    }
    return this.reply('504 5.5.4 Unrecognized authentication type');
  }

  private onAuthLine(line: string): void {
    if (this.mode === 'auth-plain') {
      this.mode = 'command';
      return this.checkPlain(line);
    }
    if (this.mode === 'auth-login-user') {
      this.pendingUser = Buffer.from(line, 'base64').toString('utf8');
      this.mode = 'auth-login-pass';
      return this.reply(`334 ${Buffer.from('Password:').toString('base64')}`);
    }
    this.mode = 'command';
    this.checkCredentials(this.pendingUser, Buffer.from(line, 'base64').toString('utf8'));
  }

  private checkPlain(b64: string): void {
    const [, user = '', pass = ''] = Buffer.from(b64, 'base64').toString('utf8').split('\0');
    this.checkCredentials(user, pass);
  }

  private checkCredentials(user: string, pass: string): void {
    const expected = this.options.auth;
    if (expected && (user !== expected.user || pass !== expected.pass)) {
      return this.reply('535 5.7.8 Error: authentication failed: bad username or password');
    }
    this.user = user;
    this.reply('235 2.7.0 Authentication successful');
  }

  private onDataLine(line: string): void {
    if (line !== '.') {
      this.dataLines.push(line.startsWith('..') ? line.slice(1) : line);
      return;
    }
    this.mode = 'command';
    const raw = this.dataLines.join('\r\n');
    this.receiver.messages.push({ ...parseMessage(raw), from: this.from ?? '', to: this.to, raw, user: this.user, receivedAt: Date.now() });
    this.from = null;
    this.to = [];
    this.reply('250 2.0.0 Ok: queued');
  }
}

function parseMessage(raw: string): { headers: Record<string, string>; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  return { headers, subject: headers.subject ?? '', text: decodeBody(body, encoding) };
}

/** RFC 2047 encoded-words (=?UTF-8?B?...?= / =?UTF-8?Q?...?=), as mailers use for non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between adjacent encoded-words is not part of the text
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.replace(/=\r\n/g, ''));
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
