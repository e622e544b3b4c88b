// The chat page (web/) in headless Chromium: two browser users, one over ws and one over wss,
// and one parley-cli user chat privately and in a group; an error shows its code and name; a
// screenshot of the first browser goes to docs/images/browser-chat.png.
//
//   node browser-chat.mjs                      starts its own parleyd ($PARLEY_BUILD_DIR) with a
//                                              tcp, a ws and a wss listener serving web/
//   node browser-chat.mjs --ws URL --tcp H:P [--wss URL]
//                                              uses a running node: the page is fetched from the
//                                              ws listener (http://host:port/), parley-cli
//                                              connects to H:P
//   options: --chromium PATH (/usr/bin/chromium), --screenshot PATH, --no-screenshot, --headful
//   parleyd and parley-cli come from $PARLEY_BUILD_DIR, by default the tree's build/.
//
// Exits 0 when every step passed; prints "N passed, N failed" last. Every wait is bounded.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import puppeteer from 'puppeteer-core';

import { Cli, Parleyd } from '../support/parleyd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
// parleyd and parley-cli come from $PARLEY_BUILD_DIR (ctest sets it), else the tree's build/.
process.env.PARLEY_BUILD_DIR ??= path.join(root, 'build');
const STEP_TIMEOUT_MS = 15000;

function parseArgs(argv) {
  const args = {
    chromium: '/usr/bin/chromium',
    screenshot: path.join(root, 'docs/images/browser-chat.png'),
    headless: true,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      i += 1;
      return argv[i];
    };
    switch (argv[i]) {
      case '--ws': args.ws = value(); break;
      case '--wss': args.wss = value(); break;
      case '--tcp': args.tcp = value(); break;
      case '--chromium': args.chromium = value(); break;
      case '--screenshot': args.screenshot = path.resolve(value()); break;
      case '--no-screenshot': args.screenshot = null; break;
      case '--headful': args.headless = false; break;
      default: throw new Error(`unknown option '${argv[i]}'`);
    }
  }
  if (args.ws && !args.tcp) throw new Error('--ws needs --tcp HOST:PORT for parley-cli');
  return args;
}

/** The page's address on a ws(s) listener that serves web/: http(s)://host:port/. */
function pageUrl(wsUrl) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/';
  return url.toString();
}

/** A self-signed certificate for 127.0.0.1 and localhost, for the wss listener. */
function makeCertificate(dir) {
  const key = path.join(dir, 'server.key');
  const certificate = path.join(dir, 'server.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { key, certificate };
}

/** A node with tcp, ws and wss listeners on loopback, the ws ones serving web/. */
async function startNode() {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-browser-certs-'));
  const { key, certificate } = makeCertificate(certDir);
  const web = JSON.stringify(path.join(root, 'web'));
  const node = await Parleyd.start({
    listen: [
      '"127.0.0.1:0"',
      `{address: "127.0.0.1:0", protocol: ws, websocket: {static_files: ${web}}}`,
      `{address: "127.0.0.1:0", protocol: wss, tls: {certificate: ${JSON.stringify(certificate)}, ` +
        `key: ${JSON.stringify(key)}}, websocket: {static_files: ${web}}}`,
    ],
  });
  const [tcp, ws, wss] = node.endpoints;
  return {
    node, certDir, tcp, ws: `ws://${ws}/parley`, wss: `wss://${wss}/parley`,
  };
}

// ---- steps ----

const results = [];

async function step(title, fn) {
  const started = Date.now();
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
    results.push({ title, ok: true });
    console.log(`ok - ${title} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ title, ok: false, err });
    console.log(`not ok - ${title}\n  ${String(err.stack ?? err).replace(/\n/g, '\n  ')}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** One browser user: a page, logged in through the form. */
class BrowserUser {
  constructor(page, userId, label) {
    this.page = page;
    this.userId = userId;
    this.label = label;
  }

  async login(url, serverUrl) {
    await this.page.goto(url, { waitUntil: 'load' });
    if (serverUrl) {
      await this.page.$eval('#server-url', (el, v) => { el.value = v; }, serverUrl);
    }
    await this.page.$eval('#user-id', (el, v) => { el.value = v; }, String(this.userId));
    await this.page.click('#login-button');
    await this.page.waitForSelector('#status[data-state="connected"]', { timeout: STEP_TIMEOUT_MS });
  }

  async waitOnline(userId) {
    await this.page.waitForSelector(`#online-list li[data-user="${userId}"]`, { timeout: STEP_TIMEOUT_MS });
  }

  async openPrivate(userId) {
    await this.page.type('#open-user', String(userId));
    await this.page.click('#open-form button');
    await this.page.waitForFunction(
      (u) => document.getElementById('conversation-title').textContent === `Chat with user ${u}`,
      { timeout: STEP_TIMEOUT_MS }, userId);
  }

  async openGroup(group) {
    await this.page.click(`#group-list li[data-group="${group}"]`);
    await this.page.waitForFunction(
      (g) => document.getElementById('conversation-title').textContent === `Group #${g}`,
      { timeout: STEP_TIMEOUT_MS }, group);
  }

  async join(group) {
    await this.page.type('#join-group', String(group));
    await this.page.click('#join-form button');
    await this.page.waitForSelector(`#group-list li[data-group="${group}"]`, { timeout: STEP_TIMEOUT_MS });
  }

  async leave(group) {
    await this.page.click(`#group-list li[data-group="${group}"] button`);
    await this.page.waitForFunction(
      (g) => !document.querySelector(`#group-list li[data-group="${g}"]`), { timeout: STEP_TIMEOUT_MS }, group);
  }

  async send(text) {
    await this.page.type('#message-text', text);
    await this.page.click('#send-button');
  }

  /** Waits until the open conversation shows `text` (from `from`, when given). */
  async sees(text, from) {
    await this.page.waitForFunction((t, f) => [...document.querySelectorAll('#messages li')].some(
      (li) => li.querySelector('.bubble')?.textContent === t && (f === null || li.dataset.from === String(f)),
    ), { timeout: STEP_TIMEOUT_MS }, text, from ?? null);
  }

  /** Waits until the page shows `text` anywhere (events, errors). */
  async shows(text) {
    await this.page.waitForFunction((t) => document.body.innerText.includes(t), { timeout: STEP_TIMEOUT_MS }, text);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let own = null;
  let browser = null;
  let cli = null;
  try {
    let endpoints;
    if (args.ws) {
      endpoints = { tcp: args.tcp, ws: args.ws, wss: args.wss ?? null };
    } else {
      await step('parleyd starts with a tcp, a ws and a wss listener serving web/', async () => {
        own = await startNode();
      });
      endpoints = own;
    }
    console.log(`# ws ${endpoints.ws}${endpoints.wss ? `, wss ${endpoints.wss}` : ''}, tcp ${endpoints.tcp}`);

    await step('chromium starts headless', async () => {
      browser = await puppeteer.launch({
        executablePath: args.chromium,
        headless: args.headless,
        acceptInsecureCerts: true, // the wss listener's certificate is self-signed
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--ignore-certificate-errors'],
        defaultViewport: { width: 1180, height: 820 },
      });
    });
    // Separate contexts: each user has their own storage, as two people's browsers would.
    const alice = new BrowserUser(await (await browser.createBrowserContext()).newPage(), 1, 'ws');
    const bob = new BrowserUser(await (await browser.createBrowserContext()).newPage(), 2,
      endpoints.wss ? 'wss' : 'ws');
    for (const user of [alice, bob]) {
      user.page.on('pageerror', (err) => console.log(`# page error (${user.label}): ${err.message}`));
    }

    await step('user 1 logs in over ws with the page the ws listener serves', async () => {
      await alice.login(pageUrl(endpoints.ws));
    });
    await step(`user 2 logs in over ${bob.label}`, async () => {
      const wsUrl = endpoints.wss ?? endpoints.ws;
      await bob.login(pageUrl(wsUrl));
      const server = await bob.page.$eval('#server-url', (el) => el.value);
      if (server !== wsUrl) throw new Error(`the page's default server is ${server}, not ${wsUrl}`);
    });
    await step('parley-cli logs in as user 3 over tcp', async () => {
      cli = new Cli(endpoints.tcp, 3);
      await cli.waitFor('connected ', STEP_TIMEOUT_MS);
    });
    await step('each browser sees the others online', async () => {
      await alice.waitOnline(2);
      await alice.waitOnline(3);
      await bob.waitOnline(1);
      await bob.waitOnline(3);
    });
    await step('browser to browser, privately, both ways', async () => {
      await alice.openPrivate(2);
      await alice.send('Hi Bob, this is Alice in a browser');
      await bob.page.waitForSelector('#chat-list li[data-user="1"] .badge', { timeout: STEP_TIMEOUT_MS });
      await bob.page.click('#chat-list li[data-user="1"]');
      await bob.sees('Hi Bob, this is Alice in a browser', 1);
      await bob.send('Hello Alice! Over wss here.');
      await alice.sees('Hello Alice! Over wss here.', 2);
    });
    await step('browser and parley-cli, privately, both ways', async () => {
      await alice.openPrivate(3);
      await alice.send('Hello terminal');
      const line = await cli.waitFor('msg from=1 ', STEP_TIMEOUT_MS);
      if (!line.endsWith('text=Hello terminal')) throw new Error(`parley-cli printed: ${line}`);
      cli.send('/msg 1 Hello browser, from parley-cli');
      await cli.waitFor('ack id=1 ', STEP_TIMEOUT_MS);
      await alice.sees('Hello browser, from parley-cli', 3);
    });
    await step('a group of all three', async () => {
      await alice.join(5);
      await bob.join(5);
      cli.send('/join 5');
      await cli.waitFor('ack id=2 ', STEP_TIMEOUT_MS);
      cli.send('/group 5 The terminal says hi to the group');
      await cli.waitFor('ack id=3 ', STEP_TIMEOUT_MS);
      await alice.sees('The terminal says hi to the group', 3);
      await bob.openGroup(5);
      await bob.sees('The terminal says hi to the group', 3);
      await bob.send('Bob to the group');
      await alice.sees('Bob to the group', 2);
      const line = await cli.waitFor('group from=2 ', STEP_TIMEOUT_MS);
      if (!line.endsWith('text=Bob to the group')) throw new Error(`parley-cli printed: ${line}`);
      await alice.send('Alice to the group: Grüße!');
      await bob.sees('Alice to the group: Grüße!', 1);
      await cli.waitFor('group from=1 ', STEP_TIMEOUT_MS);
    });
    if (args.screenshot) {
      await step(`screenshot to ${path.relative(root, args.screenshot)}`, async () => {
        fs.mkdirSync(path.dirname(args.screenshot), { recursive: true });
        await alice.page.evaluate(() => document.activeElement?.blur());
        await alice.page.screenshot({ path: args.screenshot, fullPage: true });
      });
    }
    await step('an error shows its code and name: 1001 PERMISSION_DENIED after leaving the group', async () => {
      await bob.leave(5);
      await bob.send('nobody should get this');
      await bob.shows('1001 PERMISSION_DENIED');
    });
  } catch {
    // reported by step(); fall through to the summary
  } finally {
    await browser?.close().catch(() => {});
    await cli?.quit();
    if (own) {
      await own.node.dispose(results.some((r) => !r.ok));
      fs.rmSync(own.certDir, { recursive: true, force: true });
    }
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
}

await main();
