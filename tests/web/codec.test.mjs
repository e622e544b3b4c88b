// The JavaScript frame and protobuf codec, checked byte for byte against the examples of
// docs/protocol.md (sections 10 and 11), round trips of every message, and malformed input.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  ConversationKind, DecodeError, FrameError, FrameReader, FrameType, decodeFrame, decodeMessage,
  encodeFrame, encodeMessage, errorName, messages as M,
} from '../../web/parley-client.js';

const hex = (text) => Uint8Array.from(text.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

// [title, schema, type, sender, receiver, fields, wire bytes] from docs/protocol.md section 11.
const examples = [
  ['HANDSHAKE C->S', M.Handshake, 0x01, 0, 0,
    { userId: 42, token: 's3cret', clientName: 'parley-cli/0.1' },
    `ab 00 00 00 27 01 00 00 00 00 00 00 00 00 08 2a 12 06 73 33 63 72 65 74 1a 0e 70 61 72 6c
     65 79 2d 63 6c 69 2f 30 2e 31`],
  ['HANDSHAKE S->C', M.HandshakeOk, 0x01, 0, 42,
    { userId: 42, nodeId: 'standalone', heartbeatIntervalMs: 10000, sessionEpoch: 1n },
    `ab 00 00 00 20 01 00 00 00 00 00 00 00 2a 08 2a 12 0a 73 74 61 6e 64 61 6c 6f 6e 65 18 90
     4e 20 01`],
  ['HEARTBEAT', M.Heartbeat, 0x02, 0, 0, { timestampMs: 1700000000000n },
    'ab 00 00 00 14 02 00 00 00 00 00 00 00 00 08 80 d0 95 ff bc 31'],
  ['HEARTBEAT empty', M.Heartbeat, 0x02, 0, 0, {},
    'ab 00 00 00 0d 02 00 00 00 00 00 00 00 00'],
  ['GROUP MESSAGE', M.ChatMessage, 0x03, 0, 7,
    { clientMsgId: 1n, content: 'hi all', sentAtMs: 1700000000123n },
    `ab 00 00 00 1e 03 00 00 00 00 00 00 00 07 08 01 12 06 68 69 20 61 6c 6c 18 fb d0 95 ff bc
     31`],
  ['PRIVATE MESSAGE', M.ChatMessage, 0x04, 0, 43,
    { clientMsgId: 2n, content: 'hi bob', sentAtMs: 1700000000456n },
    `ab 00 00 00 1e 04 00 00 00 00 00 00 00 2b 08 02 12 06 68 69 20 62 6f 62 18 c8 d3 95 ff bc
     31`],
  ['ACK', M.Ack, 0x05, 0, 42, { clientMsgId: 2n, serverMsgId: 17n },
    'ab 00 00 00 11 05 00 00 00 00 00 00 00 2a 08 02 10 11'],
  ['ERROR', M.ErrorBody, 0x06, 0, 42,
    { code: 1003, msg: 'user 43 is offline', data: '', refId: 2n, refType: 4 },
    `ab 00 00 00 28 06 00 00 00 00 00 00 00 2a 08 eb 07 12 12 75 73 65 72 20 34 33 20 69 73 20
     6f 66 66 6c 69 6e 65 20 02 28 04`],
  ['PRESENCE C->S', M.PresenceRequest, 0x07, 0, 0, { clientMsgId: 3n, cursor: 0n, limit: 50 },
    'ab 00 00 00 11 07 00 00 00 00 00 00 00 00 08 03 18 32'],
  ['PRESENCE S->C', M.PresenceList, 0x07, 0, 42,
    { clientMsgId: 3n, users: [42, 43], nextCursor: 0n, total: 2n },
    'ab 00 00 00 15 07 00 00 00 00 00 00 00 2a 08 03 12 02 2a 2b 20 02'],
  ['GROUP JOIN', M.GroupMembership, 0x08, 0, 7, { clientMsgId: 4n },
    'ab 00 00 00 0f 08 00 00 00 00 00 00 00 07 08 04'],
  ['GROUP LEAVE', M.GroupMembership, 0x09, 0, 7, { clientMsgId: 5n },
    'ab 00 00 00 0f 09 00 00 00 00 00 00 00 07 08 05'],
  ['GOODBYE', M.Goodbye, 0x0a, 0, 42, { code: 5001, msg: 'no frame for 3 heartbeat intervals' },
    `ab 00 00 00 34 0a 00 00 00 00 00 00 00 2a 08 89 27 12 22 6e 6f 20 66 72 61 6d 65 20 66 6f
     72 20 33 20 68 65 61 72 74 62 65 61 74 20 69 6e 74 65 72 76 61 6c 73`],
  ['ACK stored', M.Ack, 0x05, 0, 42,
    { clientMsgId: 2n, serverMsgId: 1700000000123457n, seq: 7n, epoch: 24301n },
    `ab 00 00 00 1e 05 00 00 00 00 00 00 00 2a 08 02 10 c1 c4 80 c1 c1 c4 82 03 18 07 20 ed bd
     01`],
  ['HANDSHAKE with sync', M.Handshake, 0x01, 0, 0,
    { userId: 43, token: 's3cret', sync: true,
      positions: [{ kind: ConversationKind.DIRECT, peer: 42, seq: 5n, epoch: 24301n }] },
    `ab 00 00 00 25 01 00 00 00 00 00 00 00 00 08 2b 12 06 73 33 63 72 65 74 28 01 32 0a 08 01
     10 2a 18 05 20 ed bd 01`],
  ['RECEIVED', M.Received, 0x0b, 0, 0,
    { positions: [{ kind: ConversationKind.DIRECT, peer: 42, seq: 7n }] },
    'ab 00 00 00 15 0b 00 00 00 00 00 00 00 00 0a 06 08 01 10 2a 18 07'],
  ['SYNC', M.SyncRequest, 0x0c, 0, 0, { clientMsgId: 9n },
    'ab 00 00 00 0f 0c 00 00 00 00 00 00 00 00 08 09'],
  ['SYNC DONE', M.SyncDone, 0x0c, 0, 43,
    { clientMsgId: 9n, streams: [{ kind: ConversationKind.DIRECT, peer: 42, epoch: 24301n,
      firstSeq: 1n, lastSeq: 7n, delivered: 7n, unread: 2n }] },
    `ab 00 00 00 21 0c 00 00 00 00 00 00 00 2b 08 09 12 10 08 01 10 2a 18 ed bd 01 20 01 28 07
     30 07 38 02`],
  ['HISTORY C->S', M.HistoryRequest, 0x0d, 0, 0,
    { clientMsgId: 10n, kind: ConversationKind.DIRECT, peer: 42, limit: 20 },
    'ab 00 00 00 15 0d 00 00 00 00 00 00 00 00 08 0a 10 01 18 2a 28 14'],
];

const deliveredFrame = hex(`ab 00 00 00 29 04 00 00 00 2a 00 00 00 2b 08 02 12 06 68 69 20 62 6f
  62 18 c8 d1 95 ff bc 31 20 07 28 c1 c4 80 c1 c1 c4 82 03`);

describe('the examples of docs/protocol.md', () => {
  for (const [title, schema, type, sender, receiver, fields, wire] of examples) {
    test(`${title} encodes to the documented bytes and decodes back`, () => {
      const bytes = encodeFrame({ type, sender, receiver, body: encodeMessage(schema, fields) });
      assert.equal(toHex(bytes), toHex(hex(wire)));
      const frame = decodeFrame(hex(wire));
      assert.deepEqual([frame.type, frame.sender, frame.receiver], [type, sender, receiver]);
      const decoded = decodeMessage(schema, frame.body);
      for (const [key, value] of Object.entries(fields)) {
        if (key === 'positions' || key === 'streams') {
          assert.equal(decoded[key].length, value.length);
          for (let i = 0; i < value.length; i += 1) {
            for (const [k, v] of Object.entries(value[i])) assert.equal(decoded[key][i][k], v, `${key}.${k}`);
          }
        } else {
          assert.deepEqual(decoded[key], value, key);
        }
      }
    });
  }

  test('a delivered message: the appended seq and server_msg_id are read', () => {
    const frame = decodeFrame(deliveredFrame);
    assert.deepEqual([frame.type, frame.sender, frame.receiver], [FrameType.PRIVATE_MESSAGE, 42, 43]);
    const msg = decodeMessage(M.ChatMessage, frame.body);
    assert.equal(msg.content, 'hi bob');
    assert.equal(msg.seq, 7n);
    assert.equal(msg.serverMsgId, 1700000000123457n);
  });

  test('a HISTORY page carries whole frames', () => {
    const wire = hex(`ab 00 00 00 45 0d 00 00 00 00 00 00 00 2b 08 0a 10 01 18 2a 22 2a ab 00 00 00
      29 04 00 00 00 2a 00 00 00 2b 08 02 12 06 68 69 20 62 6f 62 18 c8 d1 95 ff bc 31 20 07 28 c1
      c4 80 c1 c1 c4 82 03 28 ed bd 01 30 01`);
    const page = decodeMessage(M.HistoryPage, decodeFrame(wire).body);
    assert.equal(page.clientMsgId, 10n);
    assert.equal(page.kind, ConversationKind.DIRECT);
    assert.equal(page.peer, 42);
    assert.equal(page.epoch, 24301n);
    assert.equal(page.firstSeq, 1n);
    assert.equal(page.frames.length, 1);
    assert.equal(toHex(page.frames[0]), toHex(deliveredFrame));
    const round = encodeMessage(M.HistoryPage, page);
    assert.equal(toHex(round), toHex(decodeFrame(wire).body));
  });
});

describe('protobuf round trips', () => {
  const max64 = (1n << 64n) - 1n;
  const position = { kind: ConversationKind.GROUP, peer: 0xffffffff, seq: max64, epoch: 1n << 63n };
  const samples = {
    Handshake: { userId: 0xffffffff, token: 'tök€n', clientName: 'x', resumeEpoch: max64, sync: true,
      positions: [position, { kind: 1, peer: 2, seq: 3n, epoch: 0n }] },
    HandshakeOk: { userId: 1, nodeId: 'n', heartbeatIntervalMs: 0xffffffff, sessionEpoch: max64, messageLog: true },
    Heartbeat: { timestampMs: max64 },
    ChatMessage: { clientMsgId: max64, content: '𝄞 emoji 👋 and\nnewline', sentAtMs: 1n, seq: 2n, serverMsgId: 3n },
    Ack: { clientMsgId: 1n, serverMsgId: max64, seq: 5n, epoch: 6n, duplicate: true },
    ErrorBody: { code: 9000, msg: 'm', data: 'd', refId: max64, refType: 255 },
    PresenceRequest: { clientMsgId: 1n, cursor: max64, limit: 0xffffffff },
    PresenceList: { clientMsgId: 1n, users: [1, 300, 0xffffffff], nextCursor: 7n, total: max64 },
    GroupMembership: { clientMsgId: max64 },
    Goodbye: { code: 1004, msg: 'replaced' },
    Position: position,
    Received: { positions: [position] },
    SyncRequest: { clientMsgId: 1n, positions: [position], limit: 10000 },
    StreamState: { kind: 2, peer: 7, epoch: 1n, firstSeq: 2n, lastSeq: 3n, delivered: 4n, unread: 5n, lost: true },
    SyncDone: { clientMsgId: 1n, streams: [{ kind: 1, peer: 2, epoch: 3n, firstSeq: 4n, lastSeq: 5n,
      delivered: 6n, unread: 7n, lost: false }], more: true },
    HistoryRequest: { clientMsgId: 1n, kind: 2, peer: 7, beforeSeq: max64, limit: 500 },
    HistoryPage: { clientMsgId: 1n, kind: 1, peer: 2, frames: [deliveredFrame, new Uint8Array([1, 2])],
      epoch: 3n, firstSeq: 4n },
  };

  for (const [name, value] of Object.entries(samples)) {
    test(`${name}: every field survives`, () => {
      const schema = M[name];
      assert.ok(schema, name);
      assert.deepEqual(schema.fields.map((f) => f.name).sort(), Object.keys(value).sort(),
        'the sample sets every field of the schema');
      assert.deepEqual(decodeMessage(schema, encodeMessage(schema, value)), value);
    });

    test(`${name}: all defaults encode to nothing and an empty body decodes to defaults`, () => {
      const schema = M[name];
      const empty = decodeMessage(schema, new Uint8Array(0));
      assert.equal(encodeMessage(schema, empty).length, 0);
    });
  }

  test('unknown fields of every wire type are skipped', () => {
    const known = encodeMessage(M.Ack, { clientMsgId: 5n, seq: 9n });
    const unknown = [
      0x30, 0x96, 0x01, // field 6, varint 150
      0x39, 1, 2, 3, 4, 5, 6, 7, 8, // field 7, fixed64
      0x42, 0x03, 0x61, 0x62, 0x63, // field 8, 3 bytes
      0x4d, 1, 2, 3, 4, // field 9, fixed32
      0x53, 0x08, 0x01, 0x54, // field 10, a group holding field 1 = 1
      0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01, // field 2^29 - 1, varint 1
    ];
    const body = Uint8Array.from([...unknown, ...known]);
    assert.deepEqual(decodeMessage(M.Ack, body),
      { clientMsgId: 5n, serverMsgId: 0n, seq: 9n, epoch: 0n, duplicate: false });
  });

  test('a known field with an unexpected wire type is skipped as unknown', () => {
    // field 1 (client_msg_id) as 3 bytes, then field 2 as a varint
    const body = Uint8Array.from([0x0a, 0x01, 0x05, 0x10, 0x07]);
    const ack = decodeMessage(M.Ack, body);
    assert.equal(ack.clientMsgId, 0n);
    assert.equal(ack.serverMsgId, 7n);
  });

  test('repeated scalars are read packed or not', () => {
    const unpacked = Uint8Array.from([0x10, 0x2a, 0x10, 0x2b, 0x12, 0x01, 0x2c]);
    assert.deepEqual(decodeMessage(M.PresenceList, unpacked).users, [42, 43, 44]);
  });

  test('the last occurrence of a field wins', () => {
    const body = Uint8Array.from([0x20, 0x01, 0x20, 0x07]);
    assert.equal(decodeMessage(M.ChatMessage, body).seq, 7n);
  });

  test('a uint32 keeps the low 32 bits of a wider varint, as protobuf does', () => {
    const body = encodeMessage(M.Heartbeat, { timestampMs: (1n << 32n) + 5n });
    assert.equal(decodeMessage(M.Goodbye, body).code, 5);
  });

  for (const [title, bytes] of [
    ['a truncated varint', [0x08, 0x80]],
    ['a varint of 11 bytes', [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
    ['a length beyond the end', [0x12, 0x05, 0x61]],
    ['a huge length', [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['field number 0', [0x00, 0x01]],
    ['wire type 6', [0x0e]],
    ['wire type 7', [0x0f]],
    ['a truncated fixed64', [0x39, 1, 2, 3]],
    ['a truncated fixed32', [0x3d, 1]],
    ['an unterminated group', [0x53, 0x08, 0x01]],
    ['an end-group without a start', [0x54]],
    ['a truncated nested message', [0x12, 0x02, 0x08, 0x80]],
  ]) {
    test(`rejects ${title}`, () => {
      const schema = title.includes('nested') ? M.SyncDone : M.ChatMessage;
      assert.throws(() => decodeMessage(schema, Uint8Array.from(bytes)), DecodeError);
    });
  }
});

describe('frames', () => {
  test('an empty body makes a 14-byte frame with length 13', () => {
    const bytes = encodeFrame({ type: 2 });
    assert.equal(toHex(bytes), 'ab 00 00 00 0d 02 00 00 00 00 00 00 00 00');
  });

  test('sender and receiver are big-endian 32-bit', () => {
    const frame = decodeFrame(encodeFrame({ type: 0x80, sender: 0xfffffffe, receiver: 0x01020304 }));
    assert.equal(frame.sender, 0xfffffffe);
    assert.equal(frame.receiver, 0x01020304);
  });

  test('refuses header fields out of range', () => {
    assert.throws(() => encodeFrame({ type: 256 }), RangeError);
    assert.throws(() => encodeFrame({ type: 1, sender: -1 }), RangeError);
    assert.throws(() => encodeFrame({ type: 1, receiver: 2 ** 32 }), RangeError);
  });

  test('decodeFrame rejects a bad magic byte, a short length, a long body, a partial or trailing byte', () => {
    const good = encodeFrame({ type: 4, receiver: 2, body: Uint8Array.from([8, 1]) });
    const badMagic = good.slice();
    badMagic[0] = 0xac;
    assert.throws(() => decodeFrame(badMagic), /magic/);
    const shortLength = good.slice();
    shortLength[4] = 12;
    assert.throws(() => decodeFrame(shortLength), /below the minimum/);
    assert.throws(() => decodeFrame(good, { maxBodySize: 1 }), /exceeds/);
    assert.throws(() => decodeFrame(good.subarray(0, good.length - 1)), FrameError);
    assert.throws(() => decodeFrame(Uint8Array.from([...good, 0])), FrameError);
    assert.throws(() => decodeFrame(good.subarray(0, 3)), FrameError);
  });

  test('FrameReader splits a stream at any chunking', () => {
    const frames = [
      encodeFrame({ type: 1, body: encodeMessage(M.Handshake, { userId: 1, token: 't' }) }),
      encodeFrame({ type: 2 }),
      encodeFrame({ type: 4, sender: 9, receiver: 1, body: new Uint8Array(300).fill(7) }),
    ];
    const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
    for (const chunkSize of [1, 2, 5, 13, 14, 100, stream.length]) {
      const reader = new FrameReader();
      const got = [];
      for (let i = 0; i < stream.length; i += chunkSize) got.push(...reader.push(stream.subarray(i, i + chunkSize)));
      assert.equal(got.length, 3, `chunk size ${chunkSize}`);
      assert.deepEqual(got.map((f) => f.type), [1, 2, 4]);
      assert.equal(got[2].sender, 9);
      assert.equal(got[2].body.length, 300);
      assert.equal(reader.pending, 0);
    }
  });

  test('FrameReader refuses a bad magic byte at once, even alone', () => {
    assert.throws(() => new FrameReader().push(Uint8Array.from([0x00])), /magic/);
    const reader = new FrameReader();
    reader.push(encodeFrame({ type: 2 }).subarray(0, 3));
    reader.push(encodeFrame({ type: 2 }).subarray(3));
    assert.throws(() => reader.push(Uint8Array.from([0x12])), /magic/);
  });

  test('FrameReader refuses length < 13 and an oversized body before it arrives', () => {
    assert.throws(() => new FrameReader().push(Uint8Array.from([0xab, 0, 0, 0, 12])), /below the minimum/);
    const reader = new FrameReader({ maxBodySize: 100 });
    assert.throws(() => reader.push(Uint8Array.from([0xab, 0, 0, 0, 13 + 101])), /exceeds/);
    assert.throws(() => new FrameReader().push(Uint8Array.from([0xab, 0xff, 0xff, 0xff, 0xff])), /exceeds/);
  });
});

test('error names follow the table of docs/protocol.md section 7', () => {
  assert.equal(errorName(1003), 'RECIPIENT_UNAVAILABLE');
  assert.equal(errorName(3001), 'UNKNOWN_TYPE');
  assert.equal(errorName(5003), 'SERVER_SHUTDOWN');
  assert.equal(errorName(1234), 'UNKNOWN');
});
