// Reliable delivery (docs/protocol.md, section 12) with the JavaScript client against a real
// parleyd with a memory message log: offline messages at login, in order, once; positions that
// carry over; the reorder logic on its own.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ConversationKind, Inbox } from '../../web/parley-client.js';
import { Cli, Parleyd, Recorder, tcpClient } from './support/parleyd.mjs';

describe('an offline recipient', { timeout: 60000 }, () => {
  let node;
  const clients = [];
  const client = (user, options) => {
    const c = tcpClient(node.endpoint, user, options);
    clients.push(c);
    return c;
  };

  before(async () => {
    node = await Parleyd.start({ messageLog: 'memory' });
  });

  after(async () => {
    for (const c of clients) c.stop();
    await node?.dispose();
  });

  test('gets its private and group messages at login, in order, then live ones', async () => {
    const sender = client(301);
    await sender.start();
    // The recipient is a member of the group before it goes offline.
    const member = client(302);
    await member.start();
    await member.join(30);
    member.stop();
    await sleep(100);
    await sender.join(30);

    const acks = [];
    for (let i = 1; i <= 20; i += 1) acks.push(await sender.sendPrivate(302, `offline ${i}`));
    assert.deepEqual(acks.map((a) => a.seq), Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    for (let i = 1; i <= 5; i += 1) await sender.sendGroup(30, `group ${i}`);

    // A parley-cli user writes too while the recipient is away.
    const cli = new Cli(node.endpoint, 303);
    await cli.waitFor('connected ');
    cli.send('/msg 302 from the terminal');
    await cli.waitFor('ack id=1 ');
    await cli.quit();

    const recipient = client(302);
    const events = new Recorder(recipient);
    await recipient.start();
    const [sync] = await events.waitFor('sync');
    const messages = events.of('message');
    assert.deepEqual(messages.filter((m) => m.peer === 301).map((m) => m.content),
      Array.from({ length: 20 }, (_, i) => `offline ${i + 1}`));
    assert.deepEqual(messages.filter((m) => m.peer === 30).map((m) => m.content),
      ['group 1', 'group 2', 'group 3', 'group 4', 'group 5']);
    assert.deepEqual(messages.filter((m) => m.peer === 303).map((m) => m.content), ['from the terminal']);
    const stream = sync.streams.find((s) => s.kind === ConversationKind.DIRECT && s.peer === 301);
    assert.equal(stream.lastSeq, 20n);
    assert.equal(stream.delivered, 20n);
    assert.equal(stream.unread, 20n);
    assert.equal(sync.more, false);

    await sender.sendPrivate(302, 'live');
    const [live] = await events.waitFor('message', (m) => m.content === 'live');
    assert.equal(live.seq, 21n);

    const positions = recipient.positions();
    const direct = positions.find((p) => p.kind === ConversationKind.DIRECT && p.peer === 301);
    assert.equal(direct.seq, 21n);
    assert.ok(direct.epoch > 0n);
    assert.equal(positions.find((p) => p.kind === ConversationKind.GROUP && p.peer === 30).seq, 5n);
  });

  test('a client that comes back with its positions gets nothing twice', async () => {
    const first = client(402);
    const firstEvents = new Recorder(first);
    await first.start();
    const sender = client(401);
    await sender.start();
    for (let i = 1; i <= 3; i += 1) await sender.sendPrivate(402, `once ${i}`);
    await firstEvents.waitFor('message', () => true, { count: 3 });
    const positions = first.positions();
    first.stop();
    await sleep(100);
    await sender.sendPrivate(402, 'while away');

    const again = client(402, { positions });
    const events = new Recorder(again);
    await again.start();
    await events.waitFor('sync');
    assert.deepEqual(events.of('message').map((m) => m.content), ['while away']);
  });

  test('the server learns positions from RECEIVED: a login without positions replays nothing old', async () => {
    const reader = client(502);
    const readerEvents = new Recorder(reader);
    await reader.start();
    const sender = client(501);
    await sender.start();
    for (let i = 1; i <= 3; i += 1) await sender.sendPrivate(502, `read ${i}`);
    await readerEvents.waitFor('message', () => true, { count: 3 });
    await sleep(1500); // RECEIVED goes out within a second
    reader.stop();
    await sleep(100);

    const fresh = client(502); // no positions: the server's record is used
    const events = new Recorder(fresh);
    await fresh.start();
    const [sync] = await events.waitFor('sync');
    assert.deepEqual(events.of('message'), []);
    const stream = sync.streams.find((s) => s.peer === 501);
    assert.equal(stream.delivered, 3n);
    assert.equal(stream.unread, 0n);
  });

  test('a resend of a chat message is acknowledged as a duplicate and not delivered again', async () => {
    const recipient = client(602);
    const events = new Recorder(recipient);
    await recipient.start();
    const a = client(601, { firstMsgId: 777n });
    await a.start();
    const first = await a.sendPrivate(602, 'exactly once');
    a.stop();
    await sleep(100);
    const b = client(601, { firstMsgId: 777n }); // the same id again, as a resend would
    await b.start();
    const second = await b.sendPrivate(602, 'exactly once');
    assert.equal(second.duplicate, true);
    assert.equal(second.seq, first.seq);
    await recipient.sendPrivate(601, 'marker');
    await b.sendPrivate(602, 'after');
    await events.waitFor('message', (m) => m.content === 'after');
    assert.equal(events.of('message').filter((m) => m.content === 'exactly once').length, 1);
  });

  test('a late joiner gets what follows the join at once, and nothing from before', async () => {
    const alice = client(311);
    await alice.start();
    await alice.join(31);
    for (let i = 1; i <= 5; i += 1) await alice.sendGroup(31, `before ${i}`);

    const bob = client(312, { resyncIntervalMs: 300 });
    const events = new Recorder(bob);
    await bob.start();
    await events.waitFor('sync');
    const joined = await bob.join(31);
    assert.equal(joined.seq, 5n, "the join's ACK says where bob's position starts");
    await alice.sendGroup(31, 'after the join');
    await events.waitFor('message', (m) => m.content === 'after the join');
    await sleep(1000); // several resyncs: none may bring back what came before the join
    assert.deepEqual(events.of('message').filter((m) => m.peer === 31).map((m) => m.content),
      ['after the join']);
  });
});

describe('Inbox: in order, exactly once', { timeout: 60000 }, () => {
  const D = ConversationKind.DIRECT;
  const G = ConversationKind.GROUP;
  const ev = (seq) => ({ seq: BigInt(seq), content: `m${seq}` });
  const contents = (events) => events.map((e) => e.content);

  test('in-order messages pass at once; duplicates are dropped', () => {
    const inbox = new Inbox();
    assert.deepEqual(contents(inbox.accept(D, 2, 1n, ev(1))), ['m1']);
    assert.deepEqual(contents(inbox.accept(D, 2, 2n, ev(2))), ['m2']);
    assert.deepEqual(inbox.accept(D, 2, 2n, ev(2)), []);
    assert.deepEqual(inbox.accept(D, 2, 1n, ev(1)), []);
  });

  test('a message ahead of a gap waits for it, then both leave in order', () => {
    let clock = 1000;
    const inbox = new Inbox([], () => clock);
    inbox.accept(D, 2, 1n, ev(1));
    assert.deepEqual(inbox.accept(D, 2, 3n, ev(3)), []);
    assert.deepEqual(inbox.accept(D, 2, 4n, ev(4)), []);
    clock = 1500;
    assert.equal(inbox.gapOlderThan(clock - 1000), false);
    clock = 2100;
    assert.equal(inbox.gapOlderThan(clock - 1000), true);
    assert.deepEqual(contents(inbox.accept(D, 2, 2n, ev(2))), ['m2', 'm3', 'm4']);
    assert.equal(inbox.gapOlderThan(clock), false);
  });

  test("the user's own messages take their place without being handed out", () => {
    const inbox = new Inbox();
    inbox.accept(G, 7, 1n, ev(1));
    assert.deepEqual(inbox.accept(G, 7, 3n, ev(3)), []);
    assert.deepEqual(contents(inbox.accept(G, 7, 2n, null, 55n)), ['m3']);
    assert.deepEqual(inbox.positions(), [{ kind: G, peer: 7, seq: 3n, epoch: 55n }]);
  });

  test('conversations are independent', () => {
    const inbox = new Inbox();
    inbox.accept(D, 2, 2n, ev(2));
    assert.deepEqual(contents(inbox.accept(D, 3, 1n, ev(1))), ['m1']);
    assert.deepEqual(contents(inbox.accept(G, 2, 1n, ev(1))), ['m1']);
  });

  test('SYNC DONE moves a late-joined or unknown conversation to delivered', () => {
    const inbox = new Inbox();
    assert.deepEqual(inbox.accept(G, 7, 41n, ev(41)), []);
    inbox.beginSync();
    assert.deepEqual(contents(inbox.settle({ kind: G, peer: 7, epoch: 9n, delivered: 40n, firstSeq: 1n, lost: false })),
      ['m41']);
    inbox.endSync();
    assert.deepEqual(contents(inbox.accept(G, 7, 42n, ev(42))), ['m42']);
  });

  test('lost messages are passed over, what was held is still handed out', () => {
    const inbox = new Inbox([{ kind: D, peer: 2, seq: 3n, epoch: 9n }]);
    inbox.accept(D, 2, 12n, ev(12)); // pushed live, ahead of the gap
    inbox.beginSync();
    // Retention dropped 4..10: the replay starts at the oldest message kept.
    assert.deepEqual(inbox.accept(D, 2, 11n, ev(11)), []);
    assert.deepEqual(inbox.accept(D, 2, 12n, ev(12)), []);
    const due = inbox.settle({ kind: D, peer: 2, epoch: 9n, delivered: 12n, firstSeq: 11n, lost: true });
    inbox.endSync();
    assert.deepEqual(contents(due), ['m11', 'm12']);
    assert.equal(inbox.positions()[0].seq, 12n);
  });

  test('a new epoch: the replay under the new numbers is handed out, not taken for duplicates', () => {
    const inbox = new Inbox([{ kind: D, peer: 2, seq: 50n, epoch: 9n }]);
    inbox.beginSync();
    assert.deepEqual(inbox.accept(D, 2, 1n, ev(1)), []);
    assert.deepEqual(inbox.accept(D, 2, 2n, ev(2)), []);
    const due = inbox.settle({ kind: D, peer: 2, epoch: 10n, delivered: 2n, firstSeq: 1n, lost: true });
    inbox.endSync();
    assert.deepEqual(contents(due), ['m1', 'm2']);
    assert.deepEqual(inbox.positions(), [{ kind: D, peer: 2, seq: 2n, epoch: 10n }]);
    assert.deepEqual(contents(inbox.accept(D, 2, 3n, ev(3))), ['m3']);
  });

  test('RECEIVED carries only the positions that moved', () => {
    const inbox = new Inbox();
    inbox.accept(D, 2, 1n, ev(1));
    inbox.accept(G, 7, 1n, ev(1));
    assert.equal(inbox.takeMoved().length, 2);
    assert.deepEqual(inbox.takeMoved(), []);
    inbox.accept(G, 7, 2n, ev(2));
    assert.deepEqual(inbox.takeMoved(), [{ kind: G, peer: 7, seq: 2n, epoch: 0n }]);
  });
});
