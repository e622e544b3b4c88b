// A Node.js transport: one TCP connection to a parleyd tcp listener, the byte stream split into
// frames by their length (docs/protocol.md, section 1). For tests and Node programs; the
// browser uses WebSocketTransport.

import net from 'node:net';

import { DEFAULT_MAX_BODY, FrameReader } from '../lib/frame.js';

export class TcpTransport {
  /** `endpoint`: "host:port" or "tcp://host:port" ("[::1]:7400" for IPv6). */
  constructor(endpoint, { maxBodySize = DEFAULT_MAX_BODY } = {}) {
    const m = /^(?:tcp:\/\/)?(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(endpoint);
    if (!m) throw new Error(`'${endpoint}' is not host:port`);
    this.host = m[1] ?? m[2];
    this.port = Number(m[3]);
    this.reader = new FrameReader({ maxBodySize });
    this.socket = null;
    this.onframe = null;
    this.onclose = null;
    this.closed = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      this.socket = socket;
      socket.setNoDelay(true);
      let opened = false;
      socket.once('connect', () => {
        opened = true;
        resolve();
      });
      socket.on('data', (chunk) => {
        if (this.closed) return;
        let frames;
        try {
          frames = this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        } catch (err) {
          this.ended(err);
          socket.destroy();
          return;
        }
        for (const frame of frames) {
          if (this.closed) return;
          this.onframe?.(frame);
        }
      });
      socket.on('error', (err) => {
        if (!opened) reject(err);
        else this.ended(err);
      });
      socket.on('close', () => {
        if (!opened) reject(new Error(`connection to ${this.host}:${this.port} closed`));
        else this.ended(null);
      });
    });
  }

  send(bytes) {
    if (!this.closed && this.socket && !this.socket.destroyed) this.socket.write(bytes);
  }

  close() {
    this.closed = true;
    this.socket?.destroy();
  }

  ended(err) {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.(err);
  }
}
