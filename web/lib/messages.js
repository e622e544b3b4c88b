// The frame types and protobuf bodies of docs/protocol.md (sections 3 and 4), package
// parley.wire of core/proto/parley.proto. Field names are camelCase here.

import { schema } from './protobuf.js';

/** Frame types (docs/protocol.md, section 4). */
export const FrameType = Object.freeze({
  HANDSHAKE: 0x01,
  HEARTBEAT: 0x02,
  GROUP_MESSAGE: 0x03,
  PRIVATE_MESSAGE: 0x04,
  ACK: 0x05,
  ERROR: 0x06,
  PRESENCE: 0x07,
  GROUP_JOIN: 0x08,
  GROUP_LEAVE: 0x09,
  GOODBYE: 0x0a,
  RECEIVED: 0x0b,
  SYNC: 0x0c,
  HISTORY: 0x0d,
});

/** ConversationKind. */
export const ConversationKind = Object.freeze({ UNSPECIFIED: 0, DIRECT: 1, GROUP: 2 });

/** How far a client has received one conversation. */
export const Position = schema('Position', [
  [1, 'kind', 'enum'],
  [2, 'peer', 'uint32'],
  [3, 'seq', 'uint64'],
  [4, 'epoch', 'uint64'],
]);

export const Handshake = schema('Handshake', [
  [1, 'userId', 'uint32'],
  [2, 'token', 'string'],
  [3, 'clientName', 'string'],
  [4, 'resumeEpoch', 'uint64'],
  [5, 'sync', 'bool'],
  [6, 'positions', Position, 'repeated'],
]);

export const HandshakeOk = schema('HandshakeOk', [
  [1, 'userId', 'uint32'],
  [2, 'nodeId', 'string'],
  [3, 'heartbeatIntervalMs', 'uint32'],
  [4, 'sessionEpoch', 'uint64'],
  [5, 'messageLog', 'bool'],
]);

export const Heartbeat = schema('Heartbeat', [[1, 'timestampMs', 'uint64']]);

export const ChatMessage = schema('ChatMessage', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'content', 'string'],
  [3, 'sentAtMs', 'uint64'],
  [4, 'seq', 'uint64'],
  [5, 'serverMsgId', 'uint64'],
]);

export const Ack = schema('Ack', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'serverMsgId', 'uint64'],
  [3, 'seq', 'uint64'],
  [4, 'epoch', 'uint64'],
  [5, 'duplicate', 'bool'],
]);

export const ErrorBody = schema('ErrorBody', [
  [1, 'code', 'uint32'],
  [2, 'msg', 'string'],
  [3, 'data', 'string'],
  [4, 'refId', 'uint64'],
  [5, 'refType', 'uint32'],
]);

export const PresenceRequest = schema('PresenceRequest', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'cursor', 'uint64'],
  [3, 'limit', 'uint32'],
]);

export const PresenceList = schema('PresenceList', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'users', 'uint32', 'repeated'],
  [3, 'nextCursor', 'uint64'],
  [4, 'total', 'uint64'],
]);

export const GroupMembership = schema('GroupMembership', [[1, 'clientMsgId', 'uint64']]);

export const Goodbye = schema('Goodbye', [
  [1, 'code', 'uint32'],
  [2, 'msg', 'string'],
]);

export const Received = schema('Received', [[1, 'positions', Position, 'repeated']]);

export const SyncRequest = schema('SyncRequest', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'positions', Position, 'repeated'],
  [3, 'limit', 'uint32'],
]);

export const StreamState = schema('StreamState', [
  [1, 'kind', 'enum'],
  [2, 'peer', 'uint32'],
  [3, 'epoch', 'uint64'],
  [4, 'firstSeq', 'uint64'],
  [5, 'lastSeq', 'uint64'],
  [6, 'delivered', 'uint64'],
  [7, 'unread', 'uint64'],
  [8, 'lost', 'bool'],
]);

export const SyncDone = schema('SyncDone', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'streams', StreamState, 'repeated'],
  [3, 'more', 'bool'],
]);

export const HistoryRequest = schema('HistoryRequest', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'kind', 'enum'],
  [3, 'peer', 'uint32'],
  [4, 'beforeSeq', 'uint64'],
  [5, 'limit', 'uint32'],
]);

export const HistoryPage = schema('HistoryPage', [
  [1, 'clientMsgId', 'uint64'],
  [2, 'kind', 'enum'],
  [3, 'peer', 'uint32'],
  [4, 'frames', 'bytes', 'repeated'],
  [5, 'epoch', 'uint64'],
  [6, 'firstSeq', 'uint64'],
]);

/** The body a client sends with each Parley frame type. */
export const clientBodies = Object.freeze({
  [FrameType.HANDSHAKE]: Handshake,
  [FrameType.HEARTBEAT]: Heartbeat,
  [FrameType.GROUP_MESSAGE]: ChatMessage,
  [FrameType.PRIVATE_MESSAGE]: ChatMessage,
  [FrameType.PRESENCE]: PresenceRequest,
  [FrameType.GROUP_JOIN]: GroupMembership,
  [FrameType.GROUP_LEAVE]: GroupMembership,
  [FrameType.RECEIVED]: Received,
  [FrameType.SYNC]: SyncRequest,
  [FrameType.HISTORY]: HistoryRequest,
});

/** The body a server sends with each Parley frame type. */
export const serverBodies = Object.freeze({
  [FrameType.HANDSHAKE]: HandshakeOk,
  [FrameType.HEARTBEAT]: Heartbeat,
  [FrameType.GROUP_MESSAGE]: ChatMessage,
  [FrameType.PRIVATE_MESSAGE]: ChatMessage,
  [FrameType.ACK]: Ack,
  [FrameType.ERROR]: ErrorBody,
  [FrameType.PRESENCE]: PresenceList,
  [FrameType.GOODBYE]: Goodbye,
  [FrameType.SYNC]: SyncDone,
  [FrameType.HISTORY]: HistoryPage,
});
