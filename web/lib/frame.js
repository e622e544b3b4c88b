// Parley frames (docs/protocol.md, section 2): magic 0xAB, a big-endian 32-bit length counting
// every byte after the magic, type, sender, receiver (big-endian 32-bit), then the body.

export const MAGIC = 0xab;
/** Bytes of type + sender + receiver: the smallest `length`. */
export const HEADER_AFTER_MAGIC = 13;
/** The whole header: magic + length + type + sender + receiver. */
export const HEADER_SIZE = 14;
/** The default limit on a received body: generous, since a HISTORY page holds whole frames. */
export const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** A byte stream or message that is not a valid frame; the connection cannot go on. */
export class FrameError extends Error {
  constructor(message) {
    super(message);
    this.name = 'FrameError';
  }
}

function checkUint32(name, value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be an integer in 0..4294967295, not ${value}`);
  }
}

/** Encodes {type, sender, receiver, body} as the bytes of one frame. */
export function encodeFrame({ type, sender = 0, receiver = 0, body = new Uint8Array(0) }) {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) {
    throw new RangeError(`frame type must be an integer in 0..255, not ${type}`);
  }
  checkUint32('sender', sender);
  checkUint32('receiver', receiver);
  const out = new Uint8Array(HEADER_SIZE + body.length);
  const view = new DataView(out.buffer);
  out[0] = MAGIC;
  view.setUint32(1, HEADER_AFTER_MAGIC + body.length);
  out[5] = type;
  view.setUint32(6, sender);
  view.setUint32(10, receiver);
  out.set(body, HEADER_SIZE);
  return out;
}

/**
 * Checks a header's first five bytes (magic and length) and returns the frame's whole size.
 * Throws FrameError as the server would refuse it: bad magic, length < 13, body too large.
 */
function frameSize(bytes, offset, maxBody) {
  if (bytes[offset] !== MAGIC) {
    throw new FrameError(`bad magic byte 0x${bytes[offset].toString(16).padStart(2, '0')} (expected 0xab)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 5);
  const length = view.getUint32(1);
  if (length < HEADER_AFTER_MAGIC) {
    throw new FrameError(`frame length ${length} is below the minimum of ${HEADER_AFTER_MAGIC}`);
  }
  if (length - HEADER_AFTER_MAGIC > maxBody) {
    throw new FrameError(`frame body of ${length - HEADER_AFTER_MAGIC} bytes exceeds the limit of ${maxBody}`);
  }
  return 1 + length;
}

function parseFrame(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    type: bytes[5],
    sender: view.getUint32(6),
    receiver: view.getUint32(10),
    body: bytes.slice(HEADER_SIZE),
  };
}

/**
 * Decodes bytes that hold exactly one frame (a WebSocket message, a HISTORY entry).
 * Throws FrameError when they do not.
 */
export function decodeFrame(bytes, { maxBodySize = DEFAULT_MAX_BODY } = {}) {
  if (bytes.length < 5) throw new FrameError(`${bytes.length} bytes are too few for a frame`);
  const size = frameSize(bytes, 0, maxBodySize);
  if (bytes.length !== size) {
    throw new FrameError(`the frame's length says ${size} bytes in all, but there are ${bytes.length}`);
  }
  return parseFrame(bytes);
}

/**
 * Splits a byte stream (TCP) into frames. push() each chunk as it arrives; it returns the
 * frames completed by it, in order, and keeps the rest. Once it has thrown FrameError, the
 * stream cannot be trusted: close the connection.
 */
export class FrameReader {
  constructor({ maxBodySize = DEFAULT_MAX_BODY } = {}) {
    this.maxBodySize = maxBodySize;
    this.chunks = [];
    this.held = 0; // bytes in chunks
    this.needed = 5; // bytes needed before the next frame (or its header) can be read
  }

  /** Bytes held of a frame not yet complete. */
  get pending() {
    return this.held;
  }

  push(chunk) {
    if (chunk.length === 0) return [];
    if (this.held === 0 && chunk[0] !== MAGIC) frameSize(chunk, 0, this.maxBodySize);
    this.chunks.push(chunk);
    this.held += chunk.length;
    if (this.held < this.needed) return [];

    const data = this.chunks.length === 1 ? this.chunks[0] : concat(this.chunks, this.held);
    const frames = [];
    let offset = 0;
    this.needed = 5;
    while (data.length - offset >= 5) {
      const size = frameSize(data, offset, this.maxBodySize);
      if (data.length - offset < size) {
        this.needed = size;
        break;
      }
      frames.push(parseFrame(data.subarray(offset, offset + size)));
      offset += size;
    }
    if (offset < data.length && data[offset] !== MAGIC) frameSize(data, offset, this.maxBodySize);
    const rest = data.slice(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.held = rest.length;
    return frames;
  }
}

function concat(chunks, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
