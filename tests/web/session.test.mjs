// Errors by code and name, login refusals, goodbyes, heartbeats and reconnects: the JavaScript
// client against real parleyd processes over TCP.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ConversationKind, ErrorCode, State } from '../../web/parley-client.js';
import { Parleyd, Recorder, freePort, tcpClient } from './support/parleyd.mjs';

describe('request errors carry the code, its name and the request id', { timeout: 60000 }, () => {
  let node;
  let client;
  let events;

  before(async () => {
    node = await Parleyd.start({
      messageLog: null,
      interceptors: ['{plugin: rate-limit, settings: {messages_per_second: 0.5, burst: 2, types: [4]}}'],
    });
    client = tcpClient(node.endpoint, 11);
    events = new Recorder(client);
    await client.start();
  });

  after(async () => {
    client?.stop();
    await node?.dispose();
  });

  test('a private message to an offline user: 1003 RECIPIENT_UNAVAILABLE', async () => {
    const request = client.sendPrivate(99, 'anyone there?');
    await assert.rejects(request, (err) => {
      assert.equal(err.code, 1003);
      assert.equal(err.codeName, 'RECIPIENT_UNAVAILABLE');
      assert.equal(err.refId, request.id);
      assert.equal(err.refType, 0x04);
      assert.equal(err.local, false);
      assert.match(err.msg, /offline/);
      return true;
    });
  });

  test('rate limited requests are refused before their body is read and still matched: 4000', async () => {
    // A fresh user has two tokens: two pass (and find user 98 offline), two are refused unread.
    const fresh = tcpClient(node.endpoint, 13);
    await fresh.start();
    const requests = [1, 2, 3, 4].map((i) => fresh.sendPrivate(98, `burst ${i}`));
    const results = await Promise.allSettled(requests);
    assert.deepEqual(results.map((r) => r.reason.codeName),
      ['RECIPIENT_UNAVAILABLE', 'RECIPIENT_UNAVAILABLE', 'RATE_LIMITED', 'RATE_LIMITED']);
    assert.deepEqual(results.map((r) => r.reason.refId), requests.map((r) => r.id));
    fresh.stop();
  });

  test('leaving a group one is not in: 1001 PERMISSION_DENIED', async () => {
    await assert.rejects(client.leave(5), { code: ErrorCode.PERMISSION_DENIED, codeName: 'PERMISSION_DENIED' });
  });

  test('joining group 0: 3003 BAD_BODY', async () => {
    await assert.rejects(client.join(0), { code: 3003, codeName: 'BAD_BODY' });
  });

  test('HISTORY on a node without a message log: 3001 UNKNOWN_TYPE, matched by type', async () => {
    const request = client.history(ConversationKind.DIRECT, 12);
    await assert.rejects(request, (err) => err.codeName === 'UNKNOWN_TYPE' && err.refId === request.id);
  });

  test('a plugin frame type nobody handles: an error event with 3001 UNKNOWN_TYPE', async () => {
    client.sendRaw(0x80, 0, new TextEncoder().encode('2d6'));
    const [err] = await events.waitFor('error');
    assert.equal(err.code, 3001);
    assert.equal(err.codeName, 'UNKNOWN_TYPE');
    assert.equal(err.refType, 0x80);
    assert.equal(client.state, State.CONNECTED);
  });
});

describe('login refusals stop the client', { timeout: 60000 }, () => {
  let node;
  const clients = [];

  before(async () => {
    node = await Parleyd.start({ handshake: ['auth: static', 'tokens: {21: good, 22: good}'] });
  });

  after(async () => {
    for (const c of clients) c.stop();
    await node?.dispose();
  });

  test('a bad token: 1000 LOGIN_FAILED, no retry', async () => {
    const client = tcpClient(node.endpoint, 21, { token: 'bad' });
    clients.push(client);
    const events = new Recorder(client);
    await assert.rejects(client.start(), /login refused: 1000 LOGIN_FAILED/);
    assert.equal(client.state, State.STOPPED);
    assert.equal(events.of('error')[0].codeName, 'LOGIN_FAILED');
    const [gone] = events.of('disconnected');
    assert.equal(gone.loginRefused, true);
    assert.equal(gone.willReconnect, false);
    await assert.rejects(client.sendPrivate(22, 'x'), (err) => err.local && /^not sent:/.test(err.msg));
  });

  test('a second login of the same user: 1002 DUPLICATE_LOGIN', async () => {
    const first = tcpClient(node.endpoint, 22, { token: 'good' });
    clients.push(first);
    await first.start();
    const second = tcpClient(node.endpoint, 22, { token: 'good' });
    clients.push(second);
    const events = new Recorder(second);
    await assert.rejects(second.start(), /DUPLICATE_LOGIN/);
    assert.equal(events.of('error')[0].code, 1002);
    assert.equal(first.state, State.CONNECTED);
  });
});

describe('goodbyes, heartbeats and reconnects', { timeout: 60000 }, () => {
  const nodes = [];
  const clients = [];
  const client = (endpoint, user, options) => {
    const c = tcpClient(endpoint, user, options);
    clients.push(c);
    return c;
  };

  after(async () => {
    for (const c of clients) c.stop();
    for (const n of nodes) await n.dispose();
  });

  test('heartbeats at the interval HandshakeOk gives keep an idle session open', async () => {
    const node = await Parleyd.start({ heartbeatInterval: '200ms', idleHeartbeats: 2 });
    nodes.push(node);
    const c = client(node.endpoint, 31);
    const heartbeats = [];
    c.on('heartbeat', (h) => heartbeats.push(h));
    const events = new Recorder(c);
    const info = await c.start();
    assert.equal(info.heartbeatIntervalMs, 200);
    await sleep(1500);
    assert.ok(heartbeats.length >= 5, `${heartbeats.length} heartbeat echoes`);
    assert.ok(heartbeats.every((h) => h.rttMs >= 0 && h.rttMs < 1000));
    assert.deepEqual(events.of('goodbye'), []);
    assert.equal(c.state, State.CONNECTED);
  });

  test('a client that sends no heartbeat gets GOODBYE 5001 IDLE_TIMEOUT and comes back', async () => {
    const node = await Parleyd.start({ heartbeatInterval: '200ms', idleHeartbeats: 2 });
    nodes.push(node);
    const c = client(node.endpoint, 32, { heartbeatIntervalMs: 60000 });
    const events = new Recorder(c);
    await c.start();
    const [bye] = await events.waitFor('goodbye');
    assert.equal(bye.code, 5001);
    assert.equal(bye.name, 'IDLE_TIMEOUT');
    const [gone] = await events.waitFor('disconnected');
    assert.equal(gone.willReconnect, true);
    assert.equal(gone.wasConnected, true);
    await events.waitFor('connected', () => true, { count: 2 });
  });

  test('a node that shuts down says 5003 SERVER_SHUTDOWN; the client reconnects once it is back', async () => {
    const port = await freePort();
    const first = await Parleyd.start({ port });
    nodes.push(first);
    const a = client(first.endpoint, 41);
    const b = client(first.endpoint, 42);
    const aEvents = new Recorder(a);
    const bEvents = new Recorder(b);
    await Promise.all([a.start(), b.start()]);
    await first.stop();
    const [bye] = await aEvents.waitFor('goodbye');
    assert.equal(bye.name, 'SERVER_SHUTDOWN');
    await aEvents.waitFor('state', (s) => s === State.RECONNECTING);
    // Requests made while away wait for the next login.
    const waiting = a.sendPrivate(42, 'sent while the node was down');
    await sleep(300);
    const second = await Parleyd.start({ port });
    nodes.push(second);
    await Promise.all([
      aEvents.waitFor('connected', () => true, { count: 2, timeoutMs: 10000 }),
      bEvents.waitFor('connected', () => true, { count: 2, timeoutMs: 10000 }),
    ]);
    await waiting;
    const [got] = await bEvents.waitFor('message', (m) => m.content === 'sent while the node was down');
    assert.equal(got.from, 41);
  });

  test('a node that stops answering is left after missed heartbeats; resume_epoch takes the session back', async () => {
    // duplicate_login: reject, so only resume_epoch lets the client replace its stale session.
    const node = await Parleyd.start({ heartbeatInterval: '10s' });
    nodes.push(node);
    const c = client(node.endpoint, 51, { heartbeatIntervalMs: 100, maxMissedHeartbeats: 3, connectTimeoutMs: 500 });
    const events = new Recorder(c);
    const first = await c.start();
    process.kill(node.pid, 'SIGSTOP');
    try {
      const [gone] = await events.waitFor('disconnected', () => true, { timeoutMs: 5000 });
      assert.match(gone.reason, /heartbeats in a row got no echo/);
      assert.equal(gone.willReconnect, true);
    } finally {
      process.kill(node.pid, 'SIGCONT');
    }
    const [, second] = await events.waitFor('connected', () => true, { count: 2, timeoutMs: 10000 });
    assert.notEqual(second.sessionEpoch, first.sessionEpoch);
    assert.deepEqual(events.of('error').filter((e) => e.code === 1002), []);
    assert.equal(c.state, State.CONNECTED);
  });

  test('a login elsewhere under duplicate_login: kick ends the old session with 1004 and no reconnect', async () => {
    const node = await Parleyd.start({ handshake: ['duplicate_login: kick'] });
    nodes.push(node);
    const old = client(node.endpoint, 61);
    const events = new Recorder(old);
    await old.start();
    await client(node.endpoint, 61).start();
    const [bye] = await events.waitFor('goodbye');
    assert.equal(bye.code, 1004);
    assert.equal(bye.name, 'SESSION_REPLACED');
    const [gone] = await events.waitFor('disconnected');
    assert.equal(gone.willReconnect, false);
    assert.equal(old.state, State.STOPPED);
  });
});
