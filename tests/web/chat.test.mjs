// The JavaScript client against real parleyd processes over TCP: private and group chat
// between two JS clients, and between a JS client and parley-cli.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ConversationKind, State } from '../../web/parley-client.js';
import { Cli, Parleyd, Recorder, tcpClient } from './support/parleyd.mjs';

for (const messageLog of ['memory', null]) {
  describe(`two JS clients, node ${messageLog ? 'with' : 'without'} a message log`, { timeout: 60000 }, () => {
    let node;
    let alice;
    let bob;
    let aliceEvents;
    let bobEvents;
    let failed = false;

    before(async () => {
      node = await Parleyd.start({ messageLog });
      alice = tcpClient(node.endpoint, 101);
      bob = tcpClient(node.endpoint, 102);
      aliceEvents = new Recorder(alice);
      bobEvents = new Recorder(bob);
      const [a, b] = await Promise.all([alice.start(), bob.start()]);
      assert.equal(a.userId, 101);
      assert.equal(a.nodeId, 'web-test');
      assert.equal(a.messageLog, Boolean(messageLog));
      assert.equal(b.userId, 102);
      assert.ok(a.sessionEpoch > 0n);
    });

    after(async () => {
      alice?.stop();
      bob?.stop();
      await node?.dispose(failed);
    });

    test('both are online', async () => {
      const page = await alice.listUsers();
      assert.deepEqual(page.users, [101, 102]);
      assert.equal(page.total, 2n);
      assert.equal(page.nextCursor, 0n);
      assert.equal(alice.state, State.CONNECTED);
    });

    test('a private message and its answer', async () => {
      const ack = await alice.sendPrivate(102, 'hello bob ✓');
      assert.ok(ack.serverMsgId > 0n);
      assert.equal(ack.seq, messageLog ? 1n : 0n);
      const [got] = await bobEvents.waitFor('message', (m) => m.content === 'hello bob ✓');
      assert.equal(got.kind, 'private');
      assert.equal(got.from, 101);
      assert.equal(got.to, 102);
      assert.equal(got.peer, 101);
      assert.equal(got.clientMsgId, ack.clientMsgId);
      assert.equal(got.seq, messageLog ? 1n : 0n);

      await bob.sendPrivate(101, 'hi alice');
      const [back] = await aliceEvents.waitFor('message', (m) => m.content === 'hi alice');
      assert.equal(back.from, 102);
      assert.equal(back.seq, messageLog ? 2n : 0n); // one conversation, numbered for both
    });

    test('many messages arrive in order, once each', async () => {
      const texts = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await Promise.all(texts.map((t) => alice.sendPrivate(102, t)));
      const got = await bobEvents.waitFor('message', (m) => /^m\d+$/.test(m.content), { count: 50 });
      assert.deepEqual(got.map((m) => m.content), texts);
    });

    test('a group: join, send, receive, leave', async () => {
      await alice.join(7);
      await bob.join(7);
      const ack = await alice.sendGroup(7, 'hi group');
      const [got] = await bobEvents.waitFor('message', (m) => m.content === 'hi group');
      assert.equal(got.kind, 'group');
      assert.equal(got.from, 101);
      assert.equal(got.to, 7);
      assert.equal(got.peer, 7);
      assert.equal(got.seq, ack.seq);
      await bob.sendGroup(7, 'hi from bob');
      await aliceEvents.waitFor('message', (m) => m.content === 'hi from bob');
      assert.equal(aliceEvents.of('message').filter((m) => m.content === 'hi group').length, 0,
        'the author does not get its own group message');

      await bob.leave(7);
      await alice.sendGroup(7, 'after bob left');
      await assert.rejects(bob.sendGroup(7, 'not a member'), { code: 1001, codeName: 'PERMISSION_DENIED' });
      await alice.sendPrivate(102, 'marker');
      await bobEvents.waitFor('message', (m) => m.content === 'marker');
      assert.equal(bobEvents.of('message').filter((m) => m.content === 'after bob left').length, 0);
    });

    if (messageLog) {
      test('history pages back through a conversation, oldest first in each page', async () => {
        const page = await bob.history(ConversationKind.DIRECT, 101, { limit: 5 });
        assert.equal(page.messages.length, 5);
        const seqs = page.messages.map((m) => m.seq);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => (x < y ? -1 : 1)));
        assert.equal(page.messages.at(-1).content, 'marker');
        const older = await bob.history(ConversationKind.DIRECT, 101, { beforeSeq: seqs[0], limit: 500 });
        assert.equal(older.messages.at(-1).seq, seqs[0] - 1n);
        assert.equal(older.messages[0].content, 'hello bob ✓');
        assert.equal(older.firstSeq, 1n);
      });
    }

    test('every listener saw no unmatched error', () => {
      assert.deepEqual(aliceEvents.of('error'), []);
      assert.deepEqual(bobEvents.of('error'), []);
    });
  });
}

describe('a JS client and parley-cli', { timeout: 60000 }, () => {
  let node;
  let js;
  let events;
  let cli;

  before(async () => {
    node = await Parleyd.start();
    js = tcpClient(node.endpoint, 201);
    events = new Recorder(js);
    await js.start();
    cli = new Cli(node.endpoint, 202);
    await cli.waitFor('connected ', 5000);
  });

  after(async () => {
    js?.stop();
    await cli?.quit();
    await node?.dispose();
  });

  test('private messages both ways', async () => {
    const ack = await js.sendPrivate(202, 'hello cli, from the browser library');
    const line = await cli.waitFor('msg from=201 ');
    assert.match(line, new RegExp(`^msg from=201 to=202 id=${ack.clientMsgId} seq=1 text=hello cli, from the browser library$`));
    cli.send('/msg 201 hello js, from the terminal');
    await cli.waitFor('ack id=1 ');
    const [got] = await events.waitFor('message', (m) => m.from === 202);
    assert.equal(got.content, 'hello js, from the terminal');
    assert.equal(got.clientMsgId, 1n);
    assert.equal(got.seq, 2n);
  });

  test('a group message both ways', async () => {
    await js.join(9);
    cli.send('/join 9');
    await cli.waitFor('ack id=2 ');
    cli.send('/group 9 terminal to group');
    await cli.waitFor('ack id=3 ');
    const [got] = await events.waitFor('message', (m) => m.kind === 'group');
    assert.equal(got.content, 'terminal to group');
    assert.equal(got.peer, 9);
    await js.sendGroup(9, 'library to group');
    assert.match(await cli.waitFor('group from=201 '), /group=9 .*text=library to group$/);
  });

  test('each sees the other online', async () => {
    cli.send('/users');
    assert.match(await cli.waitFor('users '), /list=201,202 /);
    assert.deepEqual((await js.listUsers()).users, [201, 202]);
  });
});
