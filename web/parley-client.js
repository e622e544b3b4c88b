// Parley's JavaScript client library, for browsers and Node.js (an ES module, no build step).
// docs/browser-client.md describes it; docs/protocol.md is the contract it implements.

export { Backoff } from './lib/backoff.js';
export { ParleyClient, State } from './lib/client.js';
export { ErrorCode, ParleyError, errorName } from './lib/errors.js';
export {
  DEFAULT_MAX_BODY, FrameError, FrameReader, HEADER_SIZE, MAGIC, decodeFrame, encodeFrame,
} from './lib/frame.js';
export { Inbox, conversationKey } from './lib/inbox.js';
export * as messages from './lib/messages.js';
export { ConversationKind, FrameType } from './lib/messages.js';
export { DecodeError, decodeMessage, encodeMessage } from './lib/protobuf.js';
export { WebSocketTransport } from './lib/websocket-transport.js';
