/** The one faked piece in component tests: the WebSocket transport (an object the WsClient drives). */
import type { SocketLike } from '../api/ws';
import type { WsMessage } from '../../../src/core/types';

export class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  sent: Record<string, unknown>[] = [];
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  static latest(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** What the server would push. */
  push(msg: WsMessage): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  send(data: string): void {
    const msg = JSON.parse(data);
    this.sent.push(msg);
    // As the server does: an auth first message is answered with hello.
    if (msg.type === 'auth') this.push({ type: 'hello', user: { id: 1, username: 'fake', role: 'viewer' } });
  }
  close(): void {
    this.readyState = 3;
  }
  /** The connection dropped (server restart, network). */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}
