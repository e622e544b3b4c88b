// A small protobuf binary codec for Parley's bodies (docs/protocol.md, section 3): varints up to
// 64 bits, length-delimited strings, bytes and nested messages, packed or unpacked repeated
// scalars. Messages are described by schemas (messages.js); unknown fields are skipped.
//
// Types: uint32, enum (Number); uint64 (BigInt when decoded; Number or BigInt when encoded);
// bool; string; bytes (Uint8Array); or a schema object for a nested message.

const MASK64 = (1n << 64n) - 1n;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** A body that is not valid protobuf. */
export class DecodeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Builds one message's bytes. */
class Writer {
  constructor() {
    this.bytes = [];
  }

  varint(value) {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  tag(field, wireType) {
    this.varint((field << 3) | wireType);
  }

  raw(array) {
    for (const b of array) this.bytes.push(b);
  }

  delimited(field, array) {
    this.tag(field, 2);
    this.varint(array.length);
    this.raw(array);
  }

  finish() {
    return Uint8Array.from(this.bytes);
  }
}

/** Reads one message's bytes. */
class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0;
  }

  get done() {
    return this.pos >= this.bytes.length;
  }

  varint() {
    let result = 0n;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.bytes.length) throw new DecodeError('truncated varint');
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result & MASK64;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  /** A varint that must fit in 32 bits unsigned after truncation, as protobuf reads uint32. */
  varint32() {
    return Number(this.varint() & 0xffffffffn);
  }

  take(n) {
    if (n > this.bytes.length - this.pos) throw new DecodeError('length beyond the end of the body');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  delimited() {
    const n = this.varint();
    if (n > BigInt(this.bytes.length - this.pos)) {
      throw new DecodeError('length beyond the end of the body');
    }
    return this.take(Number(n));
  }

  /** Skips a field of `wireType` whose tag was just read. */
  skip(wireType, field) {
    switch (wireType) {
      case 0: this.varint(); return;
      case 1: this.take(8); return;
      case 2: this.delimited(); return;
      case 5: this.take(4); return;
      case 3: {
        // A group: skip fields up to its end-group tag.
        for (;;) {
          if (this.done) throw new DecodeError('unterminated group');
          const [inner, innerType] = this.tag();
          if (innerType === 4) {
            if (inner !== field) throw new DecodeError('mismatched end-group tag');
            return;
          }
          this.skip(innerType, inner);
        }
      }
      default:
        throw new DecodeError(`invalid wire type ${wireType}`);
    }
  }

  tag() {
    const t = this.varint();
    const field = Number(t >> 3n);
    const wireType = Number(t & 7n);
    if (field === 0 || t >> 3n > 0x1fffffffn) throw new DecodeError('invalid field number');
    return [field, wireType];
  }
}

const SCALAR_WIRE = { uint32: 0, enum: 0, uint64: 0, bool: 0, string: 2, bytes: 2 };

function isDefault(type, value) {
  if (value === undefined || value === null) return true;
  switch (type) {
    case 'uint32': case 'enum': case 'uint64': return BigInt(value) === 0n;
    case 'bool': return !value;
    case 'string': return value === '';
    case 'bytes': return value.length === 0;
    default: return false; // a set nested message is always written
  }
}

function encodeScalar(writer, type, value) {
  switch (type) {
    case 'uint32': case 'enum': writer.varint(BigInt(value) & 0xffffffffn); break;
    case 'uint64': writer.varint(value); break;
    case 'bool': writer.varint(value ? 1 : 0); break;
    default: throw new TypeError(`not a varint type: ${type}`);
  }
}

/** Encodes `message` (a plain object keyed by the schema's names) as protobuf bytes. */
export function encodeMessage(schema, message = {}) {
  const writer = new Writer();
  for (const field of schema.fields) {
    const value = message[field.name];
    const type = field.type;
    if (field.repeated) {
      if (!value || value.length === 0) continue;
      if (typeof type === 'object') {
        for (const item of value) writer.delimited(field.number, encodeMessage(type, item));
      } else if (type === 'string') {
        for (const item of value) writer.delimited(field.number, utf8Encoder.encode(item));
      } else if (type === 'bytes') {
        for (const item of value) writer.delimited(field.number, item);
      } else {
        // proto3 packs repeated scalars.
        const packed = new Writer();
        for (const item of value) encodeScalar(packed, type, item);
        writer.delimited(field.number, packed.finish());
      }
      continue;
    }
    if (typeof type === 'object') {
      if (value !== undefined && value !== null) {
        writer.delimited(field.number, encodeMessage(type, value));
      }
      continue;
    }
    if (isDefault(type, value)) continue;
    if (type === 'string') {
      writer.delimited(field.number, utf8Encoder.encode(value));
    } else if (type === 'bytes') {
      writer.delimited(field.number, value);
    } else {
      writer.tag(field.number, 0);
      encodeScalar(writer, type, value);
    }
  }
  return writer.finish();
}

function defaultOf(type) {
  switch (type) {
    case 'uint32': case 'enum': return 0;
    case 'uint64': return 0n;
    case 'bool': return false;
    case 'string': return '';
    case 'bytes': return new Uint8Array(0);
    default: return undefined; // an unset nested message
  }
}

function readScalar(reader, type) {
  switch (type) {
    case 'uint32': case 'enum': return reader.varint32();
    case 'uint64': return reader.varint();
    case 'bool': return reader.varint() !== 0n;
    default: throw new TypeError(`not a varint type: ${type}`);
  }
}

/**
 * Decodes protobuf `bytes` with `schema`: every field of the schema is present in the result,
 * at its default when absent. Throws DecodeError for bytes that are not a valid message.
 */
export function decodeMessage(schema, bytes) {
  const message = {};
  for (const field of schema.fields) {
    message[field.name] = field.repeated ? [] : defaultOf(field.type);
  }
  const reader = new Reader(bytes);
  while (!reader.done) {
    const [number, wireType] = reader.tag();
    const field = schema.byNumber.get(number);
    if (!field) {
      reader.skip(wireType, number);
      continue;
    }
    const type = field.type;
    const expected = typeof type === 'object' ? 2 : SCALAR_WIRE[type];
    const packedScalar = field.repeated && expected === 0 && wireType === 2;
    if (wireType !== expected && !packedScalar) {
      // Protobuf treats a field with an unexpected wire type as unknown.
      reader.skip(wireType, number);
      continue;
    }
    let values;
    if (packedScalar) {
      const inner = new Reader(reader.delimited());
      values = [];
      while (!inner.done) values.push(readScalar(inner, type));
    } else if (typeof type === 'object') {
      values = [decodeMessage(type, reader.delimited())];
    } else if (type === 'string') {
      values = [utf8Decoder.decode(reader.delimited())];
    } else if (type === 'bytes') {
      values = [reader.delimited().slice()];
    } else {
      values = [readScalar(reader, type)];
    }
    if (field.repeated) {
      message[field.name].push(...values);
    } else {
      // The last occurrence wins (that is how the server's appended seq takes effect).
      message[field.name] = values[values.length - 1];
    }
  }
  return message;
}

/**
 * Makes a schema from [number, name, type, 'repeated'?] rows. `type` is a scalar type name or
 * another schema.
 */
export function schema(name, rows) {
  const fields = rows.map(([number, fieldName, type, label]) => ({
    number, name: fieldName, type, repeated: label === 'repeated',
  }));
  return { name, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
}
