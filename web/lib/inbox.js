// In-order, exactly-once delivery of sequenced chat messages (docs/protocol.md, section 12).
// For each conversation the inbox keeps the client's position (every seq up to it is in hand),
// holds messages that arrive ahead of a gap, and hands messages out in seq order, once each.
// The user's own messages (their ACK, or a replay of them) take their place in the sequence but
// are not handed out. No timers here: the client asks gapOlderThan() and sends SYNC itself.

import { ConversationKind } from './messages.js';

/** Held messages per conversation at most; beyond that they are dropped and a SYNC brings them. */
export const MAX_HELD_PER_CONVERSATION = 1000;

/** "d:2" for the private chat with user 2, "g:7" for group 7. */
export function conversationKey(kind, peer) {
  return `${kind === ConversationKind.GROUP ? 'g' : 'd'}:${peer}`;
}

export class Inbox {
  /** `positions`: [{kind, peer, seq, epoch}] the client had before (seq, epoch: BigInt or Number). */
  constructor(positions = [], now = () => Date.now()) {
    this.now = now;
    this.conversations = new Map();
    // Between a sync's start and its SYNC DONE, messages at or below a position are kept
    // aside: if SYNC DONE reports a new epoch they were not duplicates but the new log's.
    this.syncing = false;
    for (const p of positions) {
      const c = this.conversation(p.kind, p.peer);
      c.seq = BigInt(p.seq ?? 0);
      c.epoch = BigInt(p.epoch ?? 0);
    }
  }

  conversation(kind, peer) {
    const key = conversationKey(kind, peer);
    let c = this.conversations.get(key);
    if (!c) {
      c = { kind, peer, seq: 0n, epoch: 0n, held: new Map(), gapSince: 0, moved: false, aside: new Map() };
      this.conversations.set(key, c);
    }
    return c;
  }

  /**
   * A received message `event` with `seq` in conversation (kind, peer); `event` null for one of
   * the user's own messages (then `epoch` may come from its ACK). Returns the events now due.
   */
  accept(kind, peer, seq, event, epoch = 0n) {
    const c = this.conversation(kind, peer);
    const s = BigInt(seq);
    const due = [];
    if (epoch && BigInt(epoch) !== c.epoch) {
      c.epoch = BigInt(epoch);
      c.moved = true;
    }
    if (s <= c.seq) {
      if (this.syncing && !c.aside.has(s)) c.aside.set(s, event);
      return due; // a duplicate: a replay or resend of what is here already
    }
    if (s === c.seq + 1n) {
      if (event) due.push(event);
      c.seq = s;
      c.moved = true;
      this.release(c, due);
      return due;
    }
    if (c.held.size === 0) c.gapSince = this.now();
    if (c.held.size < MAX_HELD_PER_CONVERSATION && !c.held.has(s)) c.held.set(s, event);
    return due;
  }

  /**
   * The position in (kind, peer) is at least `seq` (a group joined when its newest message was
   * `seq`): nothing up to it is handed out. Returns the held events now due.
   */
  startAt(kind, peer, seq, epoch = 0n) {
    const c = this.conversation(kind, peer);
    const s = BigInt(seq);
    const due = [];
    if (epoch) c.epoch = BigInt(epoch);
    if (s > c.seq) {
      c.seq = s;
      c.moved = true;
    }
    for (const held of [...c.held.keys()]) if (held <= c.seq) c.held.delete(held);
    this.release(c, due);
    return due;
  }

  /** A sync starts: see `syncing`. */
  beginSync() {
    this.syncing = true;
    for (const c of this.conversations.values()) c.aside.clear();
  }

  /**
   * A SYNC DONE's StreamState: the client now holds everything up to `delivered`. Adopts the
   * log's epoch; after a new epoch hands out what was kept aside; moves past lost messages,
   * handing out held ones in order. Returns the events now due.
   */
  settle(stream) {
    const c = this.conversation(stream.kind, stream.peer);
    const due = [];
    const epoch = BigInt(stream.epoch);
    const delivered = BigInt(stream.delivered);
    if (c.epoch !== 0n && c.epoch !== epoch) {
      // The log lost its history and numbers afresh: what the replay brought under the new
      // numbers was taken for duplicates of the old ones. Start over from the replay.
      const replayed = [...c.aside.entries()].filter(([s]) => s <= delivered).sort(bySeq);
      for (const [, event] of replayed) if (event) due.push(event);
      c.held.clear();
      c.seq = delivered;
    } else {
      let target = delivered > c.seq ? delivered : c.seq;
      if (stream.lost && BigInt(stream.firstSeq) > 0n && BigInt(stream.firstSeq) - 1n > target) {
        target = BigInt(stream.firstSeq) - 1n;
      }
      // Held messages at or below the new position came ahead of messages that are gone:
      // they are still new to the application.
      const passed = [...c.held.entries()].filter(([s]) => s <= target).sort(bySeq);
      for (const [s, event] of passed) {
        if (event) due.push(event);
        c.held.delete(s);
      }
      c.seq = target;
    }
    if (c.epoch !== epoch) c.epoch = epoch;
    c.moved = true;
    c.aside.clear();
    this.release(c, due);
    return due;
  }

  /** The sync is over (its SYNC DONE was settled, or it failed). */
  endSync() {
    this.syncing = false;
    for (const c of this.conversations.values()) {
      c.aside.clear();
      if (c.held.size > 0) c.gapSince = this.now(); // a gap the sync did not fill waits afresh
    }
  }

  release(c, due) {
    while (c.held.has(c.seq + 1n)) {
      const event = c.held.get(c.seq + 1n);
      c.held.delete(c.seq + 1n);
      if (event) due.push(event);
      c.seq += 1n;
      c.moved = true;
    }
    if (c.held.size > 0 && due.length > 0) c.gapSince = this.now();
  }

  /** Whether some conversation has waited for a missing message since before `cutoff` (ms). */
  gapOlderThan(cutoff) {
    for (const c of this.conversations.values()) {
      if (c.held.size > 0 && c.gapSince < cutoff) return true;
    }
    return false;
  }

  /** Every known position, [{kind, peer, seq, epoch}], for a HANDSHAKE or SYNC. */
  positions() {
    const out = [];
    for (const c of this.conversations.values()) {
      if (c.seq > 0n || c.epoch > 0n) out.push({ kind: c.kind, peer: c.peer, seq: c.seq, epoch: c.epoch });
    }
    return out;
  }

  /** The positions that moved since the last call, for RECEIVED. */
  takeMoved() {
    const out = [];
    for (const c of this.conversations.values()) {
      if (c.moved) {
        c.moved = false;
        if (c.seq > 0n) out.push({ kind: c.kind, peer: c.peer, seq: c.seq, epoch: c.epoch });
      }
    }
    return out;
  }
}

function bySeq([a], [b]) {
  return a < b ? -1 : a > b ? 1 : 0;
}
