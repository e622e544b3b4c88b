// ParleyClient: one user's session with a Parley node over a pluggable transport. It logs in,
// keeps heartbeats, matches answers to requests, reconnects with back-off, and on a node with a
// message log delivers chat messages exactly once and in order (docs/protocol.md, sections 5,
// 6 and 12).
//
// A transport carries whole frames: open() -> Promise, send(frameBytes), close(), and calls
// its onframe({type, sender, receiver, body}) and onclose(error | null). The client asks the
// `transport` factory of its options for a fresh one at every connect.

import { Backoff } from './backoff.js';
import { ErrorCode, ParleyError, errorName } from './errors.js';
import { decodeFrame, encodeFrame } from './frame.js';
import { Inbox } from './inbox.js';
import * as M from './messages.js';
import { decodeMessage, encodeMessage } from './protobuf.js';

const { FrameType, ConversationKind } = M;

/** Connection states, as `state` and the 'state' event report them. */
export const State = Object.freeze({
  IDLE: 'idle', // not started
  CONNECTING: 'connecting', // opening the transport, logging in
  CONNECTED: 'connected', // logged in
  RECONNECTING: 'reconnecting', // waiting for the next attempt
  STOPPED: 'stopped', // for good: stop() or a refused login
});

const DEFAULTS = {
  token: '',
  clientName: 'parley-web/0.1',
  reconnect: true,
  backoff: { initialMs: 200, maxMs: 10000, multiplier: 2 },
  connectTimeoutMs: 5000, // transport open + handshake
  heartbeatIntervalMs: 0, // 0: the interval HandshakeOk asks for
  maxMissedHeartbeats: 3,
  resyncIntervalMs: 30000, // with a message log: a SYNC after this long without one; 0: never
  gapPatienceMs: 1000, // a gap still open after this is filled by a SYNC
  receivedIntervalMs: 1000, // RECEIVED at most this often while positions move ...
  receivedBatch: 100, // ... or at once after this many delivered messages
  maxOutbox: 1024, // requests waiting for a login
  positions: [],
  random: Math.random,
};

const PACE_TICK_MS = 200;
const FIRST_SYNC_ID = 1n << 63n; // the client's own SYNCs, far above request ids

/** Requests whose answer the server can refuse at once: a 1xxx refusal of a login is final. */
const FINAL_LOGIN_REFUSALS = new Set([
  ErrorCode.LOGIN_FAILED, ErrorCode.PERMISSION_DENIED, ErrorCode.DUPLICATE_LOGIN,
]);

export class ParleyClient {
  /**
   * options: userId (1..4294967295, required), transport (a function returning a new transport,
   * required), token, clientName, reconnect, backoff {initialMs, maxMs, multiplier},
   * connectTimeoutMs, heartbeatIntervalMs, maxMissedHeartbeats, resyncIntervalMs,
   * positions [{kind, peer, seq, epoch}] (from positions() of an earlier run), firstMsgId.
   */
  constructor(options) {
    this.options = { ...DEFAULTS, ...options };
    const { userId, transport } = this.options;
    if (!Number.isInteger(userId) || userId < 1 || userId > 0xffffffff) {
      throw new RangeError(`userId must be 1..4294967295, not ${userId}`);
    }
    if (typeof transport !== 'function') throw new TypeError('options.transport must be a function');
    this.userId = userId;
    this.listeners = new Map();
    this.state = State.IDLE;
    this.backoff = new Backoff(this.options.backoff, this.options.random);
    this.inbox = new Inbox(this.options.positions);
    // Chat ids must not repeat within the log's dedup window across restarts: start at the clock.
    this.nextId = BigInt(this.options.firstMsgId ?? BigInt(Date.now()) * 1000n);
    this.outbox = []; // requests waiting for a login, in order
    this.conn = null; // the current attempt or session
    this.sessionEpoch = 0n; // of the last login, for resume_epoch
    this.messageLog = false; // of the last login
    this.abandonedHandshakes = 0;
    this.retryTimer = null;
    this.syncsSent = 0n;
    this.starting = null;
  }

  // ---- events ----

  /**
   * Subscribes `fn` to `event`; returns a function that unsubscribes. Events: state, connected,
   * disconnected, message, sync, error (an ERROR that answers no request), goodbye, heartbeat,
   * frame (a frame type the client does not know).
   */
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event)?.delete(fn);
  }

  emit(event, detail) {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(detail);
      } catch (err) {
        // A listener's mistake must not break the session.
        setTimeout(() => { throw err; }, 0);
      }
    }
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.emit('state', state);
    }
  }

  // ---- lifecycle ----

  /** Connects and logs in. Resolves with the first login's info; rejects if the client stops first. */
  start() {
    if (this.starting) return this.starting.promise;
    this.starting = deferred();
    this.connect();
    return this.starting.promise;
  }

  /** Closes the connection and stops for good; waiting requests fail. */
  stop() {
    if (this.state === State.STOPPED) return;
    this.finish({ reason: 'stopped by the caller', stoppedByCaller: true });
  }

  /** How far each conversation has been received: [{kind, peer, seq, epoch}]. Save it to resume. */
  positions() {
    return this.inbox.positions();
  }

  // ---- requests ----

  /** A private message to user `to`. Resolves with the Ack {clientMsgId, serverMsgId, seq, epoch, duplicate}. */
  sendPrivate(to, content) {
    return this.chat(FrameType.PRIVATE_MESSAGE, to, content);
  }

  /** A message to group `group` (members only). Resolves with the Ack. */
  sendGroup(group, content) {
    return this.chat(FrameType.GROUP_MESSAGE, group, content);
  }

  /** Joins group `group`. Resolves with the Ack. */
  join(group) {
    return this.request(FrameType.GROUP_JOIN, group, M.GroupMembership, {});
  }

  /** Leaves group `group`. Resolves with the Ack. */
  leave(group) {
    return this.request(FrameType.GROUP_LEAVE, group, M.GroupMembership, {});
  }

  /** One page of online users. Resolves with {users, nextCursor, total}. */
  listUsers({ cursor = 0n, limit = 0 } = {}) {
    return this.request(FrameType.PRESENCE, 0, M.PresenceRequest, { cursor, limit });
  }

  /**
   * A page of one conversation's history (a node with a message log). Resolves with
   * {kind, peer, epoch, firstSeq, messages}, messages oldest first.
   */
  history(kind, peer, { beforeSeq = 0n, limit = 0 } = {}) {
    return this.request(FrameType.HISTORY, 0, M.HistoryRequest, { kind, peer, beforeSeq, limit });
  }

  /** A frame of a plugin's type (0x80-0xFF) with raw body bytes; not answered by the client. */
  sendRaw(type, receiver, body = new Uint8Array(0)) {
    const frame = encodeFrame({ type, receiver, body });
    if (this.loggedIn()) this.conn.transport.send(frame);
    else if (this.state !== State.STOPPED && this.outbox.length < this.options.maxOutbox) {
      this.outbox.push({ raw: frame });
    }
  }

  chat(type, peer, content) {
    const kind = type === FrameType.GROUP_MESSAGE ? ConversationKind.GROUP : ConversationKind.DIRECT;
    const sentAtMs = BigInt(Date.now());
    return this.request(type, peer, M.ChatMessage, { content, sentAtMs }, { kind, peer });
  }

  /** Numbers, encodes and sends (or queues) one request; returns its promise, with `.id`. */
  request(type, receiver, schema, fields, conversation = null) {
    const id = this.nextId;
    this.nextId += 1n;
    const body = encodeMessage(schema, { ...fields, clientMsgId: id });
    const d = deferred();
    const req = {
      id, type, receiver, conversation, resolve: d.resolve, reject: d.reject,
      frame: encodeFrame({ type, receiver, body }),
    };
    d.promise.id = id;
    if (this.state === State.STOPPED) {
      this.fail(req, 'not sent: the client has stopped');
    } else if (this.loggedIn()) {
      this.write(req);
    } else if (this.outbox.length >= this.options.maxOutbox) {
      this.fail(req, `not sent: ${this.options.maxOutbox} requests already wait for a connection`);
    } else {
      this.outbox.push(req);
    }
    return d.promise;
  }

  write(req) {
    if (req.raw) {
      this.conn.transport.send(req.raw);
      return;
    }
    this.conn.written.set(req.id, req);
    this.conn.transport.send(req.frame);
  }

  fail(req, message) {
    if (req.raw) return;
    req.reject(new ParleyError({
      code: ErrorCode.BACKEND_UNAVAILABLE, msg: message, refId: req.id, refType: req.type, local: true,
    }));
  }

  loggedIn() {
    return this.conn !== null && this.conn.loggedIn;
  }

  // ---- connecting ----

  connect() {
    this.retryTimer = null;
    this.setState(State.CONNECTING);
    let transport;
    try {
      transport = this.options.transport();
    } catch (err) {
      this.dropped(null, `cannot make a transport: ${err.message}`);
      return;
    }
    const conn = {
      transport, loggedIn: false, handshakeSent: false, written: new Map(), timers: [],
      missedHeartbeats: 0, closed: false,
    };
    this.conn = conn;
    conn.timers.push(setTimeout(() => {
      if (this.conn !== conn || conn.loggedIn) return;
      if (conn.handshakeSent) this.abandonedHandshakes += 1;
      this.closeConnection(conn, `no login within ${this.options.connectTimeoutMs} ms`);
    }, this.options.connectTimeoutMs));
    transport.onframe = (frame) => {
      if (this.conn === conn) this.handleFrame(conn, frame);
    };
    transport.onclose = (err) => {
      if (this.conn === conn && !conn.closed) {
        this.closeConnection(conn, err ? err.message : 'the server closed the connection');
      }
    };
    transport.open().then(() => {
      if (this.conn !== conn || conn.closed) return;
      conn.handshakeSent = true;
      transport.send(encodeFrame({
        type: FrameType.HANDSHAKE,
        body: encodeMessage(M.Handshake, {
          userId: this.userId,
          token: this.options.token,
          clientName: this.options.clientName,
          resumeEpoch: this.sessionEpoch,
          sync: true, // a node without a message log ignores this and the positions
          positions: this.inbox.positions(),
        }),
      }));
    }, (err) => {
      if (this.conn === conn && !conn.closed) this.closeConnection(conn, `cannot connect: ${err.message}`);
    });
  }

  loggedInWith(conn, ok) {
    conn.loggedIn = true;
    this.backoff.reset();
    this.abandonedHandshakes = 0;
    this.sessionEpoch = ok.sessionEpoch;
    this.messageLog = ok.messageLog;
    conn.lastReceived = Date.now();
    conn.deliveredSinceReceived = 0;
    if (ok.messageLog) {
      // The handshake asked for a sync: its replay and SYNC DONE come next.
      conn.syncRunning = true;
      conn.lastSync = Date.now();
      this.inbox.beginSync();
    }
    const intervalMs = this.options.heartbeatIntervalMs || ok.heartbeatIntervalMs || 10000;
    conn.timers.push(setInterval(() => this.heartbeat(conn), intervalMs));
    if (ok.messageLog) conn.timers.push(setInterval(() => this.pace(conn), PACE_TICK_MS));
    const info = {
      userId: ok.userId, nodeId: ok.nodeId, heartbeatIntervalMs: intervalMs,
      sessionEpoch: ok.sessionEpoch, messageLog: ok.messageLog,
    };
    this.setState(State.CONNECTED);
    this.emit('connected', info);
    if (this.starting) this.starting.resolve(info);
    const waiting = this.outbox;
    this.outbox = [];
    for (const req of waiting) {
      if (!this.loggedIn() || this.conn !== conn) {
        this.outbox.push(req);
      } else {
        this.write(req);
      }
    }
  }

  heartbeat(conn) {
    if (this.conn !== conn || conn.closed) return;
    if (conn.missedHeartbeats >= this.options.maxMissedHeartbeats) {
      this.closeConnection(conn, `${conn.missedHeartbeats} heartbeats in a row got no echo`);
      return;
    }
    conn.missedHeartbeats += 1;
    conn.transport.send(encodeFrame({
      type: FrameType.HEARTBEAT,
      body: encodeMessage(M.Heartbeat, { timestampMs: BigInt(Date.now()) }),
    }));
  }

  /** Closes `conn` for `reason` and decides what comes next. */
  closeConnection(conn, reason, { loginRefused = false, noReconnect = false } = {}) {
    if (conn.closed) return;
    conn.closed = true;
    for (const t of conn.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    try {
      conn.transport.close();
    } catch {
      // already closed
    }
    const wasConnected = conn.loggedIn;
    // Requests written to this connection and not answered.
    const resend = [];
    for (const req of conn.written.values()) {
      if (req.conversation && this.messageLog && !noReconnect && !loginRefused) {
        resend.push(req); // the node deduplicates a resend with the same client_msg_id
      } else {
        this.fail(req, `no answer: ${reason}`);
      }
    }
    conn.written.clear();
    this.outbox.unshift(...resend);
    if (conn.syncRunning) this.inbox.endSync();
    if (loginRefused || noReconnect || !this.options.reconnect) {
      this.finish({ reason, wasConnected, loginRefused });
      return;
    }
    this.dropped(conn, reason, wasConnected);
  }

  dropped(conn, reason, wasConnected = false) {
    this.conn = null;
    const retryInMs = this.backoff.next();
    this.setState(State.RECONNECTING);
    this.emit('disconnected', {
      reason, wasConnected, willReconnect: true, retryInMs, loginRefused: false, stoppedByCaller: false,
    });
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  /** Stops for good. */
  finish({ reason, wasConnected = false, loginRefused = false, stoppedByCaller = false }) {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const conn = this.conn;
    if (conn && !conn.closed) {
      // stop() while connected: close first, without reconnecting.
      this.state = State.STOPPED;
      conn.closed = true;
      for (const t of conn.timers) {
        clearTimeout(t);
        clearInterval(t);
      }
      try {
        conn.transport.close();
      } catch {
        // already closed
      }
      wasConnected = conn.loggedIn;
      for (const req of conn.written.values()) this.fail(req, `no answer: ${reason}`);
      conn.written.clear();
    }
    this.conn = null;
    for (const req of this.outbox) this.fail(req, `not sent: ${reason}`);
    this.outbox = [];
    this.state = State.STOPPED;
    this.emit('state', State.STOPPED);
    this.emit('disconnected', {
      reason, wasConnected, willReconnect: false, retryInMs: 0, loginRefused, stoppedByCaller,
    });
    if (this.starting) {
      this.starting.promise.catch(() => {}); // settled already if a login worked
      this.starting.reject(new Error(`stopped: ${reason}`));
    }
  }

  // ---- receiving ----

  handleFrame(conn, frame) {
    const schema = M.serverBodies[frame.type];
    let body = null;
    if (schema) {
      try {
        body = decodeMessage(schema, frame.body);
      } catch (err) {
        // A body that does not parse is ignored, as the server ignores nothing silently
        // either; the frame itself was whole, so the stream is still good.
        this.emit('frame', { ...frame, error: err });
        return;
      }
    }
    switch (frame.type) {
      case FrameType.HANDSHAKE: this.onHandshakeOk(conn, body); break;
      case FrameType.HEARTBEAT: this.onHeartbeat(conn, body); break;
      case FrameType.GROUP_MESSAGE:
      case FrameType.PRIVATE_MESSAGE: this.onChat(conn, frame, body); break;
      case FrameType.ACK: this.onAck(conn, body); break;
      case FrameType.ERROR: this.onError(conn, body); break;
      case FrameType.PRESENCE: this.answer(conn, body.clientMsgId, {
        users: body.users, nextCursor: body.nextCursor, total: body.total,
      }); break;
      case FrameType.GOODBYE: this.onGoodbye(conn, body); break;
      case FrameType.SYNC: this.onSyncDone(conn, body); break;
      case FrameType.HISTORY: this.onHistory(conn, body); break;
      default: this.emit('frame', frame);
    }
  }

  onHandshakeOk(conn, ok) {
    if (conn.loggedIn) return;
    clearTimeout(conn.timers[0]);
    this.loggedInWith(conn, ok);
  }

  onHeartbeat(conn, hb) {
    conn.missedHeartbeats = 0;
    this.emit('heartbeat', { rttMs: Date.now() - Number(hb.timestampMs) });
  }

  onChat(conn, frame, msg) {
    const group = frame.type === FrameType.GROUP_MESSAGE;
    const kind = group ? ConversationKind.GROUP : ConversationKind.DIRECT;
    const own = frame.sender === this.userId;
    // A private chat is named by the other user; one's own message names it by its receiver.
    const peer = group || own ? frame.receiver : frame.sender;
    const event = chatEvent(frame, msg, peer);
    if (msg.seq === 0n) {
      if (!own) this.deliver(conn, [event]);
      return;
    }
    this.deliver(conn, this.inbox.accept(kind, peer, msg.seq, own ? null : event));
  }

  deliver(conn, events) {
    for (const event of events) {
      if (event.seq !== 0n) conn.deliveredSinceReceived += 1;
      this.emit('message', event);
    }
    if (conn.deliveredSinceReceived >= this.options.receivedBatch && conn.loggedIn && !conn.closed) {
      this.sendReceived(conn);
    }
  }

  onAck(conn, ack) {
    const req = this.answer(conn, ack.clientMsgId, ack);
    if (req?.conversation && ack.seq !== 0n) {
      // The user's own message is part of the conversation too.
      const { kind, peer } = req.conversation;
      this.deliver(conn, this.inbox.accept(kind, peer, ack.seq, null, ack.epoch));
    } else if (req?.type === FrameType.GROUP_JOIN && ack.seq !== 0n) {
      // A new member starts at the group's newest message: earlier ones are history, and the
      // next one is no gap.
      this.deliver(conn, this.inbox.startAt(ConversationKind.GROUP, req.receiver, ack.seq, ack.epoch));
    }
  }

  /** Resolves the request `id` written to `conn` with `value`; returns it, or null. */
  answer(conn, id, value) {
    const req = conn.written.get(id);
    if (!req) return null;
    conn.written.delete(id);
    req.resolve(value);
    return req;
  }

  onError(conn, err) {
    const error = new ParleyError(err);
    if (!conn.loggedIn && (err.refType === FrameType.HANDSHAKE || err.refType === 0)) {
      this.emit('error', error);
      if (err.refType === 0) return; // a GOODBYE follows for errors about the byte stream
      let refused = FINAL_LOGIN_REFUSALS.has(err.code);
      if (err.code === ErrorCode.DUPLICATE_LOGIN && this.abandonedHandshakes > 0) {
        this.abandonedHandshakes -= 1; // perhaps our own abandoned login, still held
        refused = false;
      }
      this.closeConnection(conn, `login refused: ${error.message}`, { loginRefused: refused });
      return;
    }
    // Match by ref_id; without one, the oldest unanswered request of that type (answers come
    // in request order).
    let req = err.refId !== 0n ? conn.written.get(err.refId) : undefined;
    if (!req && err.refId === 0n && err.refType !== 0) {
      for (const candidate of conn.written.values()) {
        if (candidate.type === err.refType) {
          req = candidate;
          break;
        }
      }
    }
    if (req) {
      conn.written.delete(req.id);
      error.refId = req.id;
      req.reject(error);
      return;
    }
    if (err.refType === FrameType.SYNC && conn.syncRunning) {
      conn.syncRunning = false;
      this.inbox.endSync();
    }
    this.emit('error', error);
  }

  onGoodbye(conn, bye) {
    const detail = { code: bye.code, name: errorName(bye.code), msg: bye.msg };
    this.emit('goodbye', detail);
    this.closeConnection(conn, `goodbye ${bye.code} ${detail.name}: ${bye.msg}`, {
      // Reconnecting after SESSION_REPLACED would log the newer session out in turn.
      noReconnect: bye.code === ErrorCode.SESSION_REPLACED,
    });
  }

  onSyncDone(conn, done) {
    conn.syncRunning = false;
    const streams = done.streams.map((s) => ({ ...s }));
    for (const stream of streams) this.deliver(conn, this.inbox.settle(stream));
    this.inbox.endSync();
    this.emit('sync', { more: done.more, streams });
    if (done.more && !conn.closed) this.requestSync(conn);
  }

  onHistory(conn, page) {
    const messages = [];
    for (const bytes of [...page.frames].reverse()) {
      try {
        const frame = decodeFrame(bytes);
        const msg = decodeMessage(M.ChatMessage, frame.body);
        const group = frame.type === FrameType.GROUP_MESSAGE;
        messages.push(chatEvent(frame, msg, group ? frame.receiver : page.peer));
      } catch {
        // a frame that does not decode is left out
      }
    }
    this.answer(conn, page.clientMsgId, {
      kind: page.kind, peer: page.peer, epoch: page.epoch, firstSeq: page.firstSeq, messages,
    });
  }

  // ---- reliable delivery ----

  /** Every PACE_TICK_MS on a node with a message log: gap SYNCs, resyncs, RECEIVED. */
  pace(conn) {
    if (this.conn !== conn || conn.closed) return;
    const now = Date.now();
    const resyncDue = this.options.resyncIntervalMs > 0 && now - conn.lastSync >= this.options.resyncIntervalMs;
    if (!conn.syncRunning && (this.inbox.gapOlderThan(now - this.options.gapPatienceMs) || resyncDue)) {
      this.requestSync(conn);
    }
    if (now - conn.lastReceived >= this.options.receivedIntervalMs) this.sendReceived(conn);
  }

  requestSync(conn) {
    conn.lastSync = Date.now();
    conn.syncRunning = true;
    this.inbox.beginSync();
    const clientMsgId = FIRST_SYNC_ID + this.syncsSent;
    this.syncsSent += 1n;
    conn.transport.send(encodeFrame({
      type: FrameType.SYNC,
      body: encodeMessage(M.SyncRequest, { clientMsgId, positions: this.inbox.positions() }),
    }));
  }

  sendReceived(conn) {
    conn.lastReceived = Date.now();
    conn.deliveredSinceReceived = 0;
    const moved = this.inbox.takeMoved();
    if (moved.length > 0) {
      conn.transport.send(encodeFrame({
        type: FrameType.RECEIVED, body: encodeMessage(M.Received, { positions: moved }),
      }));
    }
  }
}

function chatEvent(frame, msg, peer) {
  return {
    kind: frame.type === FrameType.GROUP_MESSAGE ? 'group' : 'private',
    from: frame.sender,
    to: frame.receiver,
    peer,
    clientMsgId: msg.clientMsgId,
    content: msg.content,
    sentAtMs: msg.sentAtMs,
    seq: msg.seq,
    serverMsgId: msg.serverMsgId,
  };
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
