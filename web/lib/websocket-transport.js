// The browser's transport: a WebSocket to a parleyd ws/wss listener, where each binary message
// carries exactly one frame, in both directions.

import { DEFAULT_MAX_BODY, FrameError, decodeFrame } from './frame.js';

export class WebSocketTransport {
  /**
   * `url`: "ws://host:port/parley" or "wss://...". options: maxBodySize (received frames),
   * WebSocket (the constructor to use; the global one by default).
   */
  constructor(url, { maxBodySize = DEFAULT_MAX_BODY, WebSocket: Impl = globalThis.WebSocket } = {}) {
    if (!Impl) throw new Error('no WebSocket implementation here; pass options.WebSocket');
    this.url = url;
    this.maxBodySize = maxBodySize;
    this.Impl = Impl;
    this.socket = null;
    this.onframe = null;
    this.onclose = null;
    this.closed = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      let opened = false;
      const socket = new this.Impl(this.url);
      this.socket = socket;
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        opened = true;
        resolve();
      };
      socket.onerror = () => {
        // The close event follows with what little the browser tells.
      };
      socket.onclose = (event) => {
        const why = `WebSocket closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`;
        if (!opened) {
          reject(new Error(`cannot open ${this.url}: ${why}`));
          return;
        }
        this.ended(new Error(why));
      };
      socket.onmessage = (event) => {
        if (this.closed) return;
        if (!(event.data instanceof ArrayBuffer)) {
          this.fail(new FrameError('a text WebSocket message; Parley frames are binary'));
          return;
        }
        let frame;
        try {
          frame = decodeFrame(new Uint8Array(event.data), { maxBodySize: this.maxBodySize });
        } catch (err) {
          this.fail(err);
          return;
        }
        this.onframe?.(frame);
      };
    });
  }

  send(bytes) {
    if (!this.closed && this.socket?.readyState === 1) this.socket.send(bytes);
  }

  close() {
    this.closed = true;
    this.socket?.close(1000);
  }

  fail(err) {
    this.ended(err);
    this.socket?.close(1002); // protocol error
  }

  ended(err) {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.(err);
  }
}
