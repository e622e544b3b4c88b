// The Parley chat page: log in over a WebSocket, see who is online, chat privately and in
// groups. Everything it does goes through parley-client.js.

import {
  ConversationKind, ParleyClient, State, WebSocketTransport, errorName,
} from './parley-client.js';

const PRESENCE_POLL_MS = 5000;
const PRESENCE_MAX_PAGES = 10;
const MESSAGES_KEPT = 500;
const EVENTS_KEPT = 200;

const $ = (id) => document.getElementById(id);

const view = {
  status: $('status'), statusText: $('status-text'), whoami: $('whoami'), whoamiText: $('whoami-text'),
  login: $('login-view'), chat: $('chat-view'), loginForm: $('login-form'), loginError: $('login-error'),
  serverUrl: $('server-url'), userId: $('user-id'), token: $('token'), loginButton: $('login-button'),
  onlineList: $('online-list'), onlineCount: $('online-count'), groupList: $('group-list'),
  chatList: $('chat-list'), joinForm: $('join-form'), joinGroup: $('join-group'),
  openForm: $('open-form'), openUser: $('open-user'), title: $('conversation-title'),
  messages: $('messages'), sendForm: $('send-form'), text: $('message-text'), send: $('send-button'),
  events: $('events'), logout: $('logout'),
};

let client = null;
let me = 0;
let session = null; // the last HandshakeOk info
let presenceTimer = null;
let online = [];
let groups = new Set(); // joined, as far as this page knows (the server keeps the truth)
const conversations = new Map(); // key -> {key, kind, peer, messages, unread, historyLoaded}
let active = null; // key of the open conversation

// ---- helpers ----

function defaultServerUrl() {
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/parley`;
  }
  return 'ws://127.0.0.1:7480/parley';
}

function keyOf(kind, peer) {
  return `${kind === 'group' ? 'g' : 'd'}:${peer}`;
}

function describeError(err) {
  if (err && typeof err.code === 'number') {
    return `${err.code} ${err.codeName ?? errorName(err.code)}: ${err.msg ?? err.message}`;
  }
  return String(err?.message ?? err);
}

function logEvent(text, tone = '') {
  const li = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  li.textContent = `${time}  ${text}`;
  if (tone) li.className = tone;
  view.events.prepend(li);
  while (view.events.childElementCount > EVENTS_KEPT) view.events.lastElementChild.remove();
}

function storageKey(name) {
  return `parley.${name}.${me}`;
}

function saveGroups() {
  try {
    localStorage.setItem(storageKey('groups'), JSON.stringify([...groups]));
  } catch {
    // storage may be unavailable; membership lives on the server anyway
  }
}

function loadGroups() {
  try {
    return new Set(JSON.parse(localStorage.getItem(storageKey('groups')) ?? '[]'));
  } catch {
    return new Set();
  }
}

// ---- connection state ----

function showState(state, detail = '') {
  view.status.dataset.state = state;
  const text = {
    [State.IDLE]: 'not connected',
    [State.CONNECTING]: 'connecting…',
    [State.CONNECTED]: session ? `connected to ${session.nodeId}` : 'connected',
    [State.RECONNECTING]: 'reconnecting',
    [State.STOPPED]: 'disconnected',
  }[state] ?? state;
  view.statusText.textContent = detail ? `${text} (${detail})` : text;
  const usable = state === State.CONNECTED || state === State.RECONNECTING || state === State.CONNECTING;
  view.text.disabled = !usable || active === null;
  view.send.disabled = view.text.disabled;
}

// ---- login ----

async function login(event) {
  event.preventDefault();
  view.loginError.textContent = '';
  const url = view.serverUrl.value.trim();
  const userId = Number(view.userId.value);
  const token = view.token.value;
  try {
    localStorage.setItem('parley.server', url);
    localStorage.setItem('parley.user', String(userId));
  } catch {
    // not remembered, then
  }
  me = userId;
  groups = loadGroups();
  conversations.clear();
  active = null;
  view.loginButton.disabled = true;

  client = new ParleyClient({
    userId, token, clientName: 'parley-web/0.1',
    transport: () => new WebSocketTransport(url),
  });
  client.on('state', (state) => showState(state));
  client.on('connected', onConnected);
  client.on('disconnected', onDisconnected);
  client.on('message', onMessage);
  client.on('error', (err) => logEvent(`error ${describeError(err)}`, 'error'));
  client.on('goodbye', (bye) => logEvent(`goodbye ${bye.code} ${bye.name}: ${bye.msg}`, 'error'));
  client.on('sync', onSync);

  try {
    await client.start();
  } catch (err) {
    view.loginError.textContent = describeError(err).replace(/^stopped: /, '');
    view.login.hidden = false;
    view.chat.hidden = true;
    view.whoami.hidden = true;
  } finally {
    view.loginButton.disabled = false;
  }
}

function onConnected(info) {
  session = info;
  showState(State.CONNECTED);
  view.login.hidden = true;
  view.chat.hidden = false;
  view.whoami.hidden = false;
  view.whoamiText.textContent = `user ${info.userId}`;
  logEvent(`connected to node ${info.nodeId} as user ${info.userId}` +
    (info.messageLog ? ' (messages are kept)' : ''), 'good');
  refreshPresence();
  clearInterval(presenceTimer);
  presenceTimer = setInterval(refreshPresence, PRESENCE_POLL_MS);
  renderSidebar();
  if (active) openConversation(active);
}

function onDisconnected(info) {
  clearInterval(presenceTimer);
  presenceTimer = null;
  if (info.willReconnect) {
    const seconds = (info.retryInMs / 1000).toFixed(1);
    showState(State.RECONNECTING, `in ${seconds} s`);
    logEvent(`disconnected: ${info.reason}; reconnecting in ${seconds} s`, 'error');
  } else {
    showState(State.STOPPED, info.stoppedByCaller ? '' : info.reason);
    if (!info.stoppedByCaller) logEvent(`disconnected for good: ${info.reason}`, 'error');
  }
}

function logout() {
  client?.stop();
  client = null;
  session = null;
  clearInterval(presenceTimer);
  view.chat.hidden = true;
  view.whoami.hidden = true;
  view.login.hidden = false;
  showState(State.IDLE);
}

// ---- presence ----

async function refreshPresence() {
  if (!client || client.state !== State.CONNECTED) return;
  try {
    const users = [];
    let cursor = 0n;
    for (let page = 0; page < PRESENCE_MAX_PAGES; page += 1) {
      const list = await client.listUsers({ cursor, limit: 500 });
      users.push(...list.users);
      cursor = list.nextCursor;
      if (cursor === 0n) break;
    }
    online = users;
    renderSidebar();
  } catch (err) {
    logEvent(`who is online: ${describeError(err)}`, 'error');
  }
}

// ---- conversations ----

function conversation(kind, peer) {
  const key = keyOf(kind, peer);
  let c = conversations.get(key);
  if (!c) {
    c = { key, kind, peer, messages: [], unread: 0, historyLoaded: false };
    conversations.set(key, c);
  }
  return c;
}

/** Adds or updates a message; one entry per (author, client_msg_id). */
function upsert(c, entry) {
  const id = `${entry.from}:${entry.clientMsgId}`;
  const existing = c.messages.find((m) => m.id === id);
  if (existing) {
    Object.assign(existing, entry, { id });
  } else {
    c.messages.push({ ...entry, id });
  }
  if (session?.messageLog) {
    // Stored messages are numbered: order by seq, unacknowledged ones last.
    const order = (m) => (m.seq > 0n ? m.seq : 1n << 62n);
    c.messages.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }
  if (c.messages.length > MESSAGES_KEPT) c.messages.splice(0, c.messages.length - MESSAGES_KEPT);
}

function onMessage(msg) {
  const c = conversation(msg.kind, msg.peer);
  upsert(c, {
    from: msg.from, clientMsgId: msg.clientMsgId, content: msg.content, seq: msg.seq,
    sentAtMs: msg.sentAtMs, own: false, state: 'received',
  });
  if (c.key !== active) c.unread += 1;
  renderSidebar();
  if (c.key === active) renderMessages();
}

function onSync(report) {
  const unread = report.streams.filter((s) => s.unread > 0n).length;
  const lost = report.streams.filter((s) => s.lost);
  if (unread > 0 || lost.length > 0) {
    logEvent(`caught up: ${unread} conversation(s) with new messages` +
      (lost.length ? `; ${lost.length} lost older messages to retention` : ''));
  }
}

async function openConversation(key) {
  const c = conversations.get(key);
  if (!c) return;
  active = key;
  c.unread = 0;
  view.title.textContent = c.kind === 'group' ? `Group #${c.peer}` : `Chat with user ${c.peer}`;
  showState(client?.state ?? State.IDLE);
  renderSidebar();
  renderMessages();
  view.text.focus();
  if (session?.messageLog && !c.historyLoaded && client?.state === State.CONNECTED) {
    c.historyLoaded = true;
    try {
      const kind = c.kind === 'group' ? ConversationKind.GROUP : ConversationKind.DIRECT;
      const page = await client.history(kind, c.peer, { limit: 50 });
      for (const m of page.messages) {
        upsert(c, {
          from: m.from, clientMsgId: m.clientMsgId, content: m.content, seq: m.seq,
          sentAtMs: m.sentAtMs, own: m.from === me, state: m.from === me ? 'sent' : 'received',
        });
      }
      if (active === key) renderMessages();
    } catch (err) {
      c.historyLoaded = false;
      logEvent(`history of ${view.title.textContent}: ${describeError(err)}`, 'error');
    }
  }
}

async function send(event) {
  event.preventDefault();
  const text = view.text.value;
  if (!client || !active || text.trim() === '') return;
  const c = conversations.get(active);
  view.text.value = '';
  const request = c.kind === 'group' ? client.sendGroup(c.peer, text) : client.sendPrivate(c.peer, text);
  const entry = {
    from: me, clientMsgId: request.id, content: text, seq: 0n,
    sentAtMs: BigInt(Date.now()), own: true, state: 'pending',
  };
  upsert(c, entry);
  renderMessages();
  try {
    const ack = await request;
    upsert(c, { ...entry, seq: ack.seq, state: 'sent' });
  } catch (err) {
    upsert(c, { ...entry, state: 'failed', error: describeError(err) });
    logEvent(`message to ${c.kind === 'group' ? `#${c.peer}` : `user ${c.peer}`}: ${describeError(err)}`, 'error');
  }
  if (active === c.key) renderMessages();
}

async function joinGroup(event) {
  event.preventDefault();
  const group = Number(view.joinGroup.value);
  if (!client) return;
  try {
    await client.join(group);
    groups.add(group);
    saveGroups();
    view.joinGroup.value = '';
    logEvent(`joined group #${group}`, 'good');
    conversation('group', group);
    openConversation(keyOf('group', group));
  } catch (err) {
    logEvent(`join #${group}: ${describeError(err)}`, 'error');
  }
}

async function leaveGroup(group) {
  try {
    await client.leave(group);
    logEvent(`left group #${group}`);
  } catch (err) {
    logEvent(`leave #${group}: ${describeError(err)}`, 'error');
    if (err.code !== 1001) return; // 1001: not a member anyway
  }
  groups.delete(group);
  saveGroups();
  renderSidebar();
}

function openPrivate(user) {
  if (user === me) return;
  conversation('private', user);
  openConversation(keyOf('private', user));
}

// ---- rendering ----

function item(text, { active: isActive = false, badge = 0, onClick = null, extra = null, cls = '' } = {}) {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  if (isActive) li.classList.add('active');
  const label = document.createElement('span');
  label.textContent = text;
  li.append(label);
  if (badge > 0) {
    const b = document.createElement('span');
    b.className = 'badge';
    b.textContent = String(badge);
    li.append(b);
  }
  if (extra) li.append(extra);
  if (onClick) li.addEventListener('click', onClick);
  return li;
}

function emptyItem(text) {
  const li = document.createElement('li');
  li.className = 'empty';
  li.textContent = text;
  return li;
}

function renderSidebar() {
  view.onlineCount.textContent = online.length ? `(${online.length})` : '';
  view.onlineList.replaceChildren(...online.map((user) => {
    const key = keyOf('private', user);
    const li = user === me
      ? item(`user ${user} (you)`, { cls: 'me' })
      : item(`user ${user}`, {
        active: key === active, badge: conversations.get(key)?.unread ?? 0, onClick: () => openPrivate(user),
      });
    li.dataset.user = String(user);
    return li;
  }));
  if (online.length === 0) view.onlineList.append(emptyItem('nobody yet'));

  const groupItems = [...groups].sort((a, b) => a - b).map((group) => {
    const key = keyOf('group', group);
    const leave = document.createElement('button');
    leave.type = 'button';
    leave.className = 'small';
    leave.textContent = 'Leave';
    leave.addEventListener('click', (e) => {
      e.stopPropagation();
      leaveGroup(group);
    });
    const li = item(`#${group}`, {
      active: key === active, badge: conversations.get(key)?.unread ?? 0, extra: leave,
      onClick: () => {
        conversation('group', group);
        openConversation(key);
      },
    });
    li.dataset.group = String(group);
    return li;
  });
  view.groupList.replaceChildren(...groupItems);
  if (groupItems.length === 0) view.groupList.append(emptyItem('none joined'));

  const chats = [...conversations.values()].filter((c) => c.kind === 'private');
  view.chatList.replaceChildren(...chats.map((c) => {
    const li = item(`user ${c.peer}`, {
      active: c.key === active, badge: c.unread, onClick: () => openConversation(c.key),
    });
    li.dataset.user = String(c.peer);
    return li;
  }));
  if (chats.length === 0) view.chatList.append(emptyItem('no chats yet'));
}

function renderMessages() {
  const c = active ? conversations.get(active) : null;
  if (!c) {
    view.messages.replaceChildren();
    return;
  }
  const atBottom = view.messages.scrollHeight - view.messages.scrollTop - view.messages.clientHeight < 40;
  view.messages.replaceChildren(...c.messages.map((m) => {
    const li = document.createElement('li');
    li.className = m.own ? `own ${m.state}` : 'theirs';
    li.dataset.from = String(m.from);
    if (m.seq > 0n) li.dataset.seq = String(m.seq);
    const meta = document.createElement('div');
    meta.className = 'meta';
    const when = m.sentAtMs > 0n ? new Date(Number(m.sentAtMs)).toLocaleTimeString() : '';
    const who = m.own ? 'you' : `user ${m.from}`;
    meta.textContent = `${who} · ${when}${m.state === 'pending' ? ' · sending' : ''}`;
    if (m.error) {
      const err = document.createElement('span');
      err.className = 'error-text';
      err.textContent = ` · ${m.error}`;
      meta.append(err);
    }
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.textContent = m.content;
    li.append(bubble, meta);
    return li;
  }));
  if (c.messages.length === 0) {
    const li = document.createElement('li');
    li.className = 'notice';
    li.textContent = 'No messages yet.';
    view.messages.append(li);
  }
  if (atBottom || c.messages.at(-1)?.own) view.messages.scrollTop = view.messages.scrollHeight;
}

// ---- start ----

view.serverUrl.value = localStorage.getItem('parley.server') ?? defaultServerUrl();
view.userId.value = localStorage.getItem('parley.user') ?? '';
view.loginForm.addEventListener('submit', login);
view.sendForm.addEventListener('submit', send);
view.joinForm.addEventListener('submit', joinGroup);
view.openForm.addEventListener('submit', (e) => {
  e.preventDefault();
  openPrivate(Number(view.openUser.value));
  view.openUser.value = '';
});
view.logout.addEventListener('click', logout);
showState(State.IDLE);
