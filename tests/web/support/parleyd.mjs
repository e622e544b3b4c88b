// Real parleyd and parley-cli processes for the JavaScript client's tests: parleyd from
// $PARLEY_BUILD_DIR (ctest sets it) on a loopback port, configured by a temporary YAML file, and
// stopped by its pid when the test ends.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ParleyClient } from '../../../web/parley-client.js';
import { TcpTransport } from '../../../web/node/tcp-transport.js';

// Every child this module started and that still runs; killed (by pid) if the test process
// exits without stopping them, so a failed or timed-out test leaves nothing behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** The build tree; a test without it fails (it is never skipped). */
export function buildDir() {
  const dir = process.env.PARLEY_BUILD_DIR;
  if (!dir) throw new Error('PARLEY_BUILD_DIR is not set: run through ctest, or set it to the build tree');
  for (const bin of ['parleyd', 'parley-cli']) {
    if (!fs.existsSync(path.join(dir, 'bin', bin))) throw new Error(`${dir}/bin/${bin} is missing: build it first`);
  }
  return dir;
}

/** A loopback port that was free a moment ago (for a node restarted on the same port). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The YAML of a standalone test node. options: port (0), messageLog ('memory' or null),
 * handshake (extra handshake settings, YAML flow items), heartbeatInterval ('10s'),
 * idleHeartbeats, extraHandlers (YAML flow items), listen (replaces the listen list).
 */
export function nodeYaml({
  port = 0, messageLog = 'memory', handshake = [], heartbeatInterval, idleHeartbeats,
  extraHandlers = [], listen, interceptors = [],
} = {}) {
  const server = [`listen: [${(listen ?? [`"127.0.0.1:${port}"`]).join(', ')}]`, 'threads: 1'];
  if (heartbeatInterval) server.push(`heartbeat_interval: ${heartbeatInterval}`);
  if (idleHeartbeats) server.push(`idle_heartbeats: ${idleHeartbeats}`);
  const handlers = [
    `{plugin: handshake, settings: {${authSettings(handshake).join(', ')}}}`,
    'heartbeat', 'private', 'group', 'presence',
    ...(messageLog ? ['sync'] : []),
    ...extraHandlers,
  ];
  return [
    'node: {id: web-test}',
    `server: {${server.join(', ')}}`,
    'logging: {level: info}',
    'transport: {plugin: local}',
    'registry: {plugin: static}',
    'store: {plugin: memory}',
    ...(messageLog ? [`message_log: {plugin: ${messageLog}}`] : []),
    'handlers:',
    ...handlers.map((h) => `  - ${h}`),
    `interceptors: [${interceptors.join(', ')}]`,
    '',
  ].join('\n');
}

function authSettings(handshake) {
  return handshake.some((s) => s.startsWith('auth:')) ? handshake : ['auth: none', ...handshake];
}

/** A running parleyd. */
export class Parleyd {
  static async start(options = {}) {
    const node = new Parleyd(options);
    await node.ready();
    return node;
  }

  constructor(options) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-test-'));
    this.config = path.join(this.dir, 'parleyd.yaml');
    this.readyFile = path.join(this.dir, 'ready');
    this.logFile = path.join(this.dir, 'parleyd.log');
    fs.writeFileSync(this.config, options.yaml ?? nodeYaml(options));
    const log = fs.openSync(this.logFile, 'w');
    this.child = track(spawn(path.join(buildDir(), 'bin', 'parleyd'),
      ['-c', this.config, '--ready-file', this.readyFile], { stdio: ['ignore', log, log] }));
    fs.closeSync(log);
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exitStatus = null;
    this.exited.then((status) => { this.exitStatus = status; });
  }

  async ready(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(this.readyFile)) {
      if (this.exitStatus) throw new Error(`parleyd exited (${JSON.stringify(this.exitStatus)}) before it was ready:\n${this.log()}`);
      if (Date.now() > deadline) {
        await this.kill9();
        throw new Error(`parleyd was not ready after ${timeoutMs} ms:\n${this.log()}`);
      }
      await sleep(20);
    }
    this.endpoints = fs.readFileSync(this.readyFile, 'utf8').split('\n')
      .filter((l) => l.startsWith('listen=')).map((l) => l.slice('listen='.length));
    this.endpoint = this.endpoints[0];
  }

  log() {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  /** SIGTERM (the node says GOODBYE 5003), SIGKILL if it still runs after 5 s. Only this pid. */
  async stop() {
    if (this.exitStatus) return this.exitStatus;
    this.child.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(5000).then(() => null)]);
    if (done) return done;
    return this.kill9();
  }

  async kill9() {
    if (!this.exitStatus) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Stops the node and removes its directory; prints its log when `failed`. */
  async dispose(failed = false) {
    await this.stop();
    if (failed) process.stderr.write(`---- parleyd log ----\n${this.log()}---- end ----\n`);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** parley-cli in script mode, fed commands one by one, its event lines collected. */
export class Cli {
  constructor(endpoint, userId, extraArgs = []) {
    this.lines = [];
    this.waiters = [];
    this.child = track(spawn(path.join(buildDir(), 'bin', 'parley-cli'),
      ['--server', endpoint, '--user', String(userId), '--script', ...extraArgs],
      { stdio: ['pipe', 'pipe', 'pipe'] }));
    this.stderr = '';
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    let partial = '';
    this.child.stdout.on('data', (d) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop();
      for (const line of parts) this.add(line);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.exitCode = null;
    this.exited.then((code) => {
      this.exitCode = code;
      for (const w of this.waiters.splice(0)) w.check();
    });
    this.cursor = 0; // lines before it were consumed by waitFor
  }

  add(line) {
    this.lines.push(line);
    for (const w of [...this.waiters]) w.check();
  }

  send(command) {
    this.child.stdin.write(`${command}\n`);
  }

  /** Waits for a line starting with `prefix` after the last line a waitFor matched. */
  waitFor(prefix, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          for (let i = this.cursor; i < this.lines.length; i += 1) {
            if (this.lines[i].startsWith(prefix)) {
              this.cursor = i + 1;
              clearTimeout(waiter.timer);
              this.waiters.splice(this.waiters.indexOf(waiter), 1);
              resolve(this.lines[i]);
              return;
            }
          }
          if (this.exitCode !== null) {
            clearTimeout(waiter.timer);
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            reject(new Error(`parley-cli exited (${this.exitCode}) without '${prefix}'; output:\n${this.lines.join('\n')}\n${this.stderr}`));
          }
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no '${prefix}' from parley-cli within ${timeoutMs} ms; output:\n${this.lines.join('\n')}\n${this.stderr}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      waiter.check();
    });
  }

  /** /quit, then SIGKILL if it has not exited within 5 s. */
  async quit() {
    if (this.exitCode !== null) return this.exitCode;
    try {
      this.send('/quit');
      this.child.stdin.end();
    } catch {
      // stdin already closed
    }
    const code = await Promise.race([this.exited, sleep(5000).then(() => null)]);
    if (code !== null) return code;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** A ParleyClient over TCP to `endpoint`, with fast reconnects for tests. */
export function tcpClient(endpoint, userId, options = {}) {
  return new ParleyClient({
    userId,
    clientName: 'parley-web-test',
    transport: () => new TcpTransport(endpoint),
    backoff: { initialMs: 50, maxMs: 500, multiplier: 2 },
    ...options,
  });
}

/** Collects a client's events for assertions; next(event, predicate) waits for one. */
export class Recorder {
  constructor(client, events = ['message', 'error', 'goodbye', 'sync', 'connected', 'disconnected', 'state']) {
    this.events = [];
    this.waiters = [];
    for (const name of events) {
      client.on(name, (detail) => {
        this.events.push({ name, detail });
        for (const w of [...this.waiters]) w();
      });
    }
    this.cursor = new Map();
  }

  of(name) {
    return this.events.filter((e) => e.name === name).map((e) => e.detail);
  }

  /** Waits until `count` events `name` matching `predicate` were recorded; returns them. */
  waitFor(name, predicate = () => true, { count = 1, timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hits = this.of(name).filter(predicate);
        if (hits.length >= count) {
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(check), 1);
          resolve(hits);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(check), 1);
        reject(new Error(`waited ${timeoutMs} ms for ${count} '${name}' events; got: ${
          JSON.stringify(this.events.map((e) => e.name === 'state' ? e.detail : e), bigints)}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }
}

function bigints(key, value) {
  return typeof value === 'bigint' ? `${value}n` : value;
}
