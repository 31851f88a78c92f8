// sealpost web — the page. The local Java process does all crypto; this file only talks to its
// JSON API and WebSocket (docs/web.md) and draws a chat UI.

const TOKEN_KEY = 'sealpost-token';
const E164 = /^\+[1-9][0-9]{6,14}$/;
const E164_HELP = 'Use international format: a + followed by 7 to 15 digits, e.g. +15551234567.';
// Ticks only move forward; a pending or failed bubble can always be replaced by a real one.
const TICK_RANK = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };
const TICK_LABEL = { pending: 'sending', failed: 'not sent', sent: 'sent', delivered: 'delivered', read: 'read' };
const TYPING_LAPSE_MS = 6000;
const TYPING_RESEND_MS = 3000;
const TYPING_STOP_MS = 5000;
const RECONNECT_MS = 2000;
const READ_COOLDOWN_MS = 2000;

const state = {
  token: null,
  me: null,
  convs: new Map(),       // id -> Conversation
  touched: new Map(),     // id -> local time a chat was created here (sorts new, empty chats first)
  openId: null,
  messages: new Map(),    // conversation id -> Map(key -> Message); key = id, or "local:"+localId while pending
  loaded: new Set(),      // conversations whose history was fetched at least once
  bubbles: new Map(),     // key -> element, for the open conversation only
  drafts: new Map(),
  typing: new Map(),      // conversation id -> Map(sender -> lapse timer)
  ws: null,
  reconnectTimer: null,
  stopped: false,
  lastRead: 0,
  readBusy: false,
  readAgain: false,
};

const banners = { local: false, offline: false, notices: [], shown: '' };
const typingOut = { conv: null, lastSent: 0, stopTimer: null };

// ---------------------------------------------------------------- small helpers

const $ = (selector) => document.querySelector(selector);
const enc = encodeURIComponent;

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child != null && child !== false) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  clock: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M12 7v5l3 2'],
  file: ['M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z', 'M14 2v6h6'],
  alert: ['M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20z', 'M12 8v4M12 16h.01'],
};

function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

const visuallyHidden = (text) => h('span', { class: 'visually-hidden', text });

function newLocalId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const dayMonth = (d) => `${d.getDate()} ${d.toLocaleDateString([], { month: 'short' })}`;

function lastSeenText(ms) {
  const d = new Date(ms);
  return sameDay(d, new Date()) ? `last seen today at ${timeOf(ms)}` : `last seen ${dayMonth(d)} at ${timeOf(ms)}`;
}

/** List times: "14:02" today, "Tue" this week, "6 Dec" before. */
function shortWhen(ms) {
  const d = new Date(ms);
  const now = new Date();
  if (sameDay(d, now)) return timeOf(ms);
  if (now - d < 6 * 86400000 && d < now) return d.toLocaleDateString([], { weekday: 'short' });
  return dayMonth(d);
}

function dayLabel(ms) {
  const d = new Date(ms);
  const now = new Date();
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (sameDay(d, now)) return 'Today';
  if (sameDay(d, yesterday)) return 'Yesterday';
  const opts = { weekday: 'long', day: 'numeric', month: 'long' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return d.toLocaleDateString([], opts);
}

const dayKey = (ms) => { const d = new Date(ms); return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`; };

function humanSize(bytes) {
  if (!Number.isFinite(bytes)) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Numbers typed into a list: separated by commas, semicolons or whitespace. */
const parseNumbers = (text) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

// ---------------------------------------------------------------- errors, toasts, banner

/** Wraps an event handler so that no error escapes as an uncaught exception or rejection. */
function guard(fn) {
  return (...args) => {
    try {
      const result = fn(...args);
      if (result && typeof result.then === 'function') result.catch(report);
    } catch (err) {
      report(err);
    }
  };
}

function report(err) {
  if (err?.auth) return; // the "open the link" view already says it
  console.error(err);
  toast(err?.message || String(err));
}

function toast(text, kind = 'error') {
  const box = $('#toasts');
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text', text }),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  box.append(item);
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 9000 : 4000);
}

function setFormError(id, message) {
  const node = $(`#${id}`);
  node.textContent = message || '';
  node.hidden = !message;
}

/** One banner at a time: the local process, then the server, then the newest notice. */
function renderBanner() {
  let top = null;
  if (banners.local) top = { kind: 'local', text: 'Lost the local sealpost web process; reconnecting…' };
  else if (banners.offline) top = { kind: 'offline', text: 'Cannot reach the server; messages will be sent when it is back' };
  else top = banners.notices[banners.notices.length - 1] || null;
  const key = top ? `${top.kind}|${top.text}` : '';
  if (key === banners.shown) return; // re-rendering a role=alert region would announce it again
  banners.shown = key;
  const banner = $('#banner');
  if (!top) {
    banner.hidden = true;
    banner.removeAttribute('data-kind');
    banner.replaceChildren();
    return;
  }
  const parts = [icon('alert'), h('span', { class: 'banner-text', text: top.text })];
  if (top.kind === 'identity') {
    parts.push(h('button', { type: 'button', class: 'btn small', onclick: guard(() => openSafetyFor(top.number)) },
      'View safety number'));
  }
  if (top.kind === 'identity' || top.kind === 'alert') {
    parts.push(h('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss',
      onclick: () => removeNotice((n) => n === top) }, '×'));
  }
  banner.dataset.kind = top.kind;
  banner.replaceChildren(...parts);
  banner.hidden = false;
}

function addNotice(notice) {
  if (notice.kind === 'identity') banners.notices = banners.notices.filter((n) => n.number !== notice.number);
  banners.notices.push(notice);
  renderBanner();
}

function removeNotice(match) {
  banners.notices = banners.notices.filter((n) => !match(n));
  renderBanner();
}

// ---------------------------------------------------------------- token and API

function readToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  let token = null;
  if (match) {
    try { token = decodeURIComponent(match[1]); } catch { token = match[1]; }
    // Keep the token out of the address bar, history and bookmarks.
    history.replaceState(null, '', location.pathname + location.search);
  }
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else token = sessionStorage.getItem(TOKEN_KEY);
  } catch (err) {
    console.error('sessionStorage is unavailable', err);
  }
  return token;
}

function showLinkView() {
  state.stopped = true;
  clearTimeout(state.reconnectTimer);
  if (state.ws) { const ws = state.ws; state.ws = null; ws.close(); }
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored then */ }
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  $('#app').hidden = true;
  $('#no-token').hidden = false;
}

async function api(path, { method = 'GET', json, body, headers = {} } = {}) {
  const allHeaders = { Authorization: `Bearer ${state.token}`, ...headers };
  if (json !== undefined) {
    allHeaders['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: allHeaders, body });
  } catch (err) {
    throw new Error('Cannot reach the local sealpost web process');
  }
  if (response.status === 401) {
    showLinkView();
    const err = new Error('Open the link that `sealpost web` printed');
    err.auth = true;
    throw err;
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const err = new Error(data?.message || `${response.status} ${response.statusText || 'error'}`.trim());
    err.status = response.status;
    throw err;
  }
  return data;
}

const convPath = (id) => `/api/conversations/${enc(id)}`;

// ---------------------------------------------------------------- account and connection

function setMe(me) {
  if (!me) return;
  state.me = me;
  $('#me-number').textContent = me.number || '';
  setConnected(me.connected);
}

function setConnected(connected) {
  banners.offline = connected === false;
  const dot = $('#me-state');
  dot.classList.toggle('online', connected !== false);
  dot.title = connected === false ? 'Not connected to the server' : 'Connected to the server';
  renderBanner();
}

async function reloadAll() {
  setMe(await api('/api/me'));
  await loadConversations();
  if (state.openId) {
    await loadMessages(state.openId);
    maybeMarkRead();
  }
}

// ---------------------------------------------------------------- conversations

/** Returns the ids the server listed. */
async function loadConversations() {
  const list = await api('/api/conversations');
  if (!Array.isArray(list)) return new Set();
  const ids = new Set(list.map((c) => c.id));
  for (const id of [...state.convs.keys()]) if (!ids.has(id) && id !== state.openId) state.convs.delete(id);
  for (const c of list) upsertConversation(c);
  renderConversationList();
  return ids;
}

function upsertConversation(c) {
  if (!c || !c.id) return;
  const prev = state.convs.get(c.id);
  const merged = { ...prev, ...c };
  // A message event may have told us about a newer last message than this snapshot.
  if (prev?.last && c.last && prev.last.at > c.last.at) merged.last = prev.last;
  // Likewise presence: an HTTP answer made before a presence event must not undo it.
  if (prev?.presence && (!c.presence || (c.presence.at ?? 0) < (prev.presence.at ?? 0))) merged.presence = prev.presence;
  state.convs.set(c.id, merged);
  if (merged.identityChanged && !prev?.identityChanged) noticeIdentity(merged.id);
  scheduleListRender();
  if (c.id === state.openId) {
    renderHeader();
    if (merged.unread > 0 && Date.now() - state.lastRead > READ_COOLDOWN_MS) maybeMarkRead();
  }
}

const activity = (c) => Math.max(c.last?.at || 0, state.touched.get(c.id) || 0);
const sortedConversations = () => [...state.convs.values()].sort((a, b) => activity(b) - activity(a));

function previewText(c) {
  if (!c.last) return c.kind === 'group' ? `${(c.members || []).length} members` : 'No messages yet';
  const text = c.last.text || (c.last.fileName ? `File: ${c.last.fileName}` : 'Attachment');
  return c.last.outgoing ? `You: ${text}` : text;
}

function hueClass(id) {
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `hue-${hash % 8}`;
}

function initials(c) {
  if (c.kind === 'group') {
    const words = String(c.title || '#').trim().split(/\s+/);
    return words.slice(0, 2).map((w) => Array.from(w)[0] || '').join('').toUpperCase() || '#';
  }
  return String(c.title || c.id).replace(/\D/g, '').slice(-2) || '?';
}

function avatar(c, node = h('span', { 'aria-hidden': 'true' })) {
  node.className = `avatar ${hueClass(c.id)}${c.kind === 'group' ? ' group' : ''}`;
  node.replaceChildren(h('span', { class: 'avatar-text', text: initials(c) }));
  if (c.kind !== 'group' && c.presence?.online) node.append(h('span', { class: 'presence-dot' }));
  return node;
}

let listQueued = false;
function scheduleListRender() {
  if (listQueued) return;
  listQueued = true;
  queueMicrotask(() => { listQueued = false; renderConversationList(); });
}

const listItems = new Map(); // id -> li, kept so that focus survives updates

function renderConversationList() {
  const ul = $('#conversations');
  const focusedId = document.activeElement?.closest?.('#conversations li')?.dataset.conversation;
  const ordered = sortedConversations();
  for (const c of ordered) {
    if (!listItems.has(c.id)) {
      // On the li, so a click on the item itself opens it too; the button's own clicks bubble here.
      const button = h('button', { type: 'button', class: 'conv' });
      listItems.set(c.id, h('li', { dataset: { conversation: c.id }, onclick: guard(() => openConversation(c.id)) }, button));
    }
    fillListItem(listItems.get(c.id), c);
  }
  for (const [id, li] of listItems) if (!state.convs.has(id)) { li.remove(); listItems.delete(id); }
  const inOrder = ordered.length === ul.children.length && ordered.every((c, i) => ul.children[i] === listItems.get(c.id));
  if (!inOrder) {
    ul.replaceChildren(...ordered.map((c) => listItems.get(c.id)));
    // Moving a node drops its focus.
    if (focusedId) listItems.get(focusedId)?.firstElementChild.focus();
  }
  $('#conversations-empty').hidden = ordered.length > 0;
  const unread = ordered.reduce((sum, c) => sum + (c.unread || 0), 0);
  document.title = unread ? `(${unread}) Sealpost` : 'Sealpost';
}

function fillListItem(li, c) {
  const button = li.firstElementChild;
  const typing = typingText(c.id);
  const unread = c.unread || 0;
  button.setAttribute('aria-current', c.id === state.openId ? 'true' : 'false');
  const flags = [];
  if (c.identityChanged) flags.push(h('span', { class: 'flag warn', title: 'Safety number changed', text: '!' }), visuallyHidden(', safety number changed'));
  if (c.blocked) flags.push(h('span', { class: 'flag', text: 'blocked' }));
  button.replaceChildren(
    avatar(c),
    h('span', { class: 'conv-main' },
      h('span', { class: 'conv-top' },
        h('span', { class: 'title', text: c.title || c.id }),
        c.presence?.online && c.kind !== 'group' ? visuallyHidden(', online') : null,
        h('span', { class: 'time', text: c.last ? shortWhen(c.last.at) : '' })),
      h('span', { class: 'conv-bottom' },
        h('span', { class: `preview${typing ? ' typing' : ''}`, text: typing || previewText(c) }),
        flags,
        h('span', { class: 'unread', hidden: unread === 0, text: unread ? String(unread) : '' }),
        unread ? visuallyHidden(' unread') : null)));
}

// ---------------------------------------------------------------- the open chat: header and composer

function typingText(id) {
  const typers = [...(state.typing.get(id)?.keys() || [])];
  if (typers.length === 0) return '';
  if (state.convs.get(id)?.kind !== 'group') return 'typing…';
  if (typers.length === 1) return `${typers[0]} is typing…`;
  if (typers.length === 2) return `${typers[0]} and ${typers[1]} are typing…`;
  return 'several people are typing…';
}

function statusText(c) {
  const typing = typingText(c.id);
  if (typing) return typing;
  if (c.kind === 'group') return (c.members || []).join(', ');
  if (!c.presence) return '';
  if (c.presence.online) return 'online';
  return c.presence.lastSeen ? lastSeenText(c.presence.lastSeen) : '';
}

function renderHeader() {
  const c = state.convs.get(state.openId);
  if (!c) return;
  const group = c.kind === 'group';
  $('#chat').dataset.conversation = c.id;
  $('#chat-title').textContent = c.title || c.id;
  const status = $('#chat-status');
  status.textContent = statusText(c);
  status.classList.toggle('typing', Boolean(typingText(c.id)));
  status.classList.toggle('online', !group && Boolean(c.presence?.online));
  avatar(c, $('#chat-avatar'));
  $('#safety-open').hidden = group;
  $('#block-toggle').hidden = group;
  $('#group-info-open').hidden = !group;
  $('#block-toggle').textContent = c.blocked ? 'Unblock' : 'Block';
  $('#safety-open').classList.toggle('warn', Boolean(c.identityChanged));
  renderComposerState(c);
}

function renderComposerState(c) {
  const blocked = Boolean(c.blocked);
  $('#chat').classList.toggle('blocked', blocked);
  $('#message-input').disabled = blocked;
  $('#send').disabled = blocked;
  $('#attach').disabled = blocked;
  $('#attach-label').classList.toggle('disabled', blocked);
  const note = $('#composer-note');
  note.textContent = blocked ? 'You blocked this contact. Unblock to send and receive messages.' : '';
  note.hidden = !blocked;
}

async function openConversation(id) {
  if (!state.convs.has(id)) throw new Error('That conversation is not in the list any more');
  if (state.openId === id) {
    showChatPane();
    await loadMessages(id);
    maybeMarkRead();
    return;
  }
  leaveOpenConversation();
  state.openId = id;
  state.bubbles = new Map();
  $('#messages').replaceChildren();
  $('#message-input').value = state.drafts.get(id) || '';
  autosize();
  showChatPane();
  renderHeader();
  renderConversationList();
  drawAll(id);
  if (!$('#message-input').disabled) $('#message-input').focus();
  await loadMessages(id);
  maybeMarkRead();
}

function showChatPane() {
  $('#empty-state').hidden = true;
  $('#chat').hidden = false;
  document.body.classList.add('chat-open');
}

function leaveOpenConversation() {
  if (!state.openId) return;
  state.drafts.set(state.openId, $('#message-input').value);
  stopTyping(state.openId);
}

function closeConversation() {
  leaveOpenConversation();
  const id = state.openId;
  state.openId = null;
  state.bubbles = new Map();
  $('#messages').replaceChildren();
  $('#chat').hidden = true;
  $('#chat').removeAttribute('data-conversation');
  $('#empty-state').hidden = false;
  document.body.classList.remove('chat-open');
  renderConversationList();
  if (id) listItems.get(id)?.firstElementChild.focus();
}

// ---------------------------------------------------------------- messages

function messageStore(id) {
  if (!state.messages.has(id)) state.messages.set(id, new Map());
  return state.messages.get(id);
}

const rank = (tick) => TICK_RANK[tick] ?? -1;

async function loadMessages(id) {
  const list = await api(`${convPath(id)}/messages`);
  if (!Array.isArray(list)) return;
  // The first load draws everything at once; later ones (reconnects) only touch what changed.
  const batch = !state.loaded.has(id);
  for (const m of list) {
    if (m.queued) keepQueued({ ...m, conversation: m.conversation || id }, !batch);
    else upsertMessage({ ...m, conversation: m.conversation || id }, !batch);
  }
  state.loaded.add(id);
  if (batch && state.openId === id) drawAll(id);
}

/** Adds or updates a message by id, replacing the pending bubble that carried its localId. */
function upsertMessage(msg, draw = true) {
  const store = messageStore(msg.conversation);
  const prev = store.get(msg.id);
  const pendingKey = msg.localId ? `local:${msg.localId}` : null;
  const replacesPending = Boolean(pendingKey && store.has(pendingKey));
  const merged = prev ? { ...prev, ...msg } : { ...msg };
  if (prev && rank(prev.tick) > rank(msg.tick)) merged.tick = prev.tick;
  store.set(msg.id, merged);
  if (replacesPending) store.delete(pendingKey);
  noteLast(merged);
  const changed = !prev || replacesPending || prev.tick !== merged.tick;
  if (draw && changed && msg.conversation === state.openId) drawMessage(msg.id, merged, replacesPending ? pendingKey : null);
  return merged;
}

/** Keeps the list preview current even before the server's conversation event. */
function noteLast(msg) {
  const c = state.convs.get(msg.conversation);
  if (!c || (c.last && c.last.at > msg.at)) return;
  const files = (msg.attachments || []).map((a) => a.fileName).join(', ');
  c.last = { text: msg.text || (files ? `File: ${files}` : ''), at: msg.at, outgoing: Boolean(msg.outgoing) };
  scheduleListRender();
}

function sortedMessages(id) {
  const all = [...messageStore(id).values()];
  const real = all.filter((m) => !m.pending).sort((a, b) => a.at - b.at);
  return real.concat(all.filter((m) => m.pending));
}

function drawAll(id) {
  const box = $('#messages');
  state.bubbles = new Map();
  const nodes = sortedMessages(id).map((m) => {
    const node = fillBubble(h('div'), m);
    state.bubbles.set(m.pending ? `local:${m.localId}` : m.id, node);
    return node;
  });
  box.replaceChildren(...nodes);
  fixDaySeparators();
  box.scrollTop = box.scrollHeight;
}

function drawMessage(key, msg, replaceKey = null) {
  const box = $('#messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const existing = state.bubbles.get(key);
  const pending = replaceKey ? state.bubbles.get(replaceKey) : null;
  if (replaceKey) state.bubbles.delete(replaceKey);
  let node;
  if (existing) {
    node = existing;
    if (pending) pending.remove();
    if (existing.dataset.pending === 'true' || msg.pending) fillBubble(node, msg);
    else updateMeta(node, msg); // only the tick changes on a known message
  } else if (pending) {
    node = fillBubble(pending, msg);
  } else {
    node = fillBubble(h('div'), msg);
    insertBubble(node, msg);
  }
  state.bubbles.set(key, node);
  fixDaySeparators();
  if (nearBottom || (msg.outgoing && !existing)) box.scrollTop = box.scrollHeight;
}

/** In time order; pending bubbles stay last until the server answers. */
function insertBubble(node, msg) {
  const box = $('#messages');
  if (!msg.pending) {
    const bubbles = box.querySelectorAll('.msg');
    for (let i = bubbles.length - 1; i >= 0; i--) {
      const other = bubbles[i];
      if (other.dataset.pending !== 'true' && Number(other.dataset.at) <= msg.at) { other.after(node); return; }
    }
    // Older than everything drawn (or only pending bubbles drawn): goes first.
    if (bubbles.length) { bubbles[0].before(node); return; }
  }
  box.append(node);
}

/** A "Today" / "Yesterday" / date line before the first bubble of each day; adds only what is missing. */
function fixDaySeparators() {
  const box = $('#messages');
  let lastDay = null;
  let sep = null;
  for (const node of [...box.children]) {
    if (node.classList.contains('day')) {
      if (sep) sep.remove();
      sep = node;
      continue;
    }
    const day = dayKey(Number(node.dataset.at));
    if (day !== lastDay) {
      if (!sep || sep.dataset.day !== day) {
        if (sep) sep.remove();
        node.before(h('div', { class: 'day', dataset: { day }, role: 'separator' },
          h('span', { text: dayLabel(Number(node.dataset.at)) })));
      }
    } else if (sep) {
      sep.remove();
    }
    sep = null;
    lastDay = day;
  }
  if (sep) sep.remove();
}

function fillBubble(node, msg) {
  const conv = state.convs.get(msg.conversation);
  node.className = `msg ${msg.outgoing ? 'out' : 'in'}`;
  node.dataset.outgoing = String(Boolean(msg.outgoing));
  node.dataset.at = String(msg.at);
  if (msg.pending) {
    node.dataset.pending = 'true';
    node.dataset.localId = msg.localId;
    node.removeAttribute('data-message-id');
  } else {
    node.dataset.messageId = msg.id;
    node.removeAttribute('data-pending');
    node.removeAttribute('data-local-id');
  }
  if (msg.outgoing) node.dataset.tick = msg.tick || 'sent';
  else node.removeAttribute('data-tick');

  const bubble = h('div', { class: 'bubble' });
  if (!msg.outgoing && conv?.kind === 'group') bubble.append(h('div', { class: 'sender', text: msg.sender || '' }));
  if (msg.attachments?.length) {
    bubble.append(h('div', { class: 'attachments' }, msg.attachments.map((a) => attachmentChip(msg, a))));
  }
  bubble.append(h('div', { class: 'text', text: msg.text || '' }), metaFor(msg));
  if (msg.tick === 'failed') {
    bubble.append(h('div', { class: 'send-error' },
      h('span', { text: msg.error || 'Not sent' }),
      h('button', { type: 'button', class: 'retry', onclick: guard(() => retry(msg.conversation, msg.localId)) }, 'Retry'),
      h('button', { type: 'button', class: 'dismiss', onclick: guard(() => dismiss(msg.conversation, msg.localId)) },
        'Delete')));
  }
  node.replaceChildren(bubble);
  return node;
}

function updateMeta(node, msg) {
  if (msg.outgoing) node.dataset.tick = msg.tick || 'sent';
  node.querySelector('.meta')?.replaceWith(metaFor(msg));
}

function metaFor(msg) {
  const d = new Date(msg.at);
  const meta = h('div', { class: 'meta' },
    h('time', { datetime: d.toISOString(), title: d.toLocaleString(), text: timeOf(msg.at) }));
  if (msg.outgoing) meta.append(tickFor(msg.tick || 'sent'));
  return meta;
}

function tickFor(tick) {
  const glyph = tick === 'pending' ? icon('clock')
    : tick === 'failed' ? h('span', { class: 'glyph', 'aria-hidden': 'true', text: '!' })
    : h('span', { class: 'glyph', 'aria-hidden': 'true', text: tick === 'sent' ? '✓' : '✓✓' });
  return h('span', { class: `tick ${tick}`, title: TICK_LABEL[tick] }, glyph, visuallyHidden(TICK_LABEL[tick] || tick));
}

function attachmentChip(msg, a) {
  const name = a.fileName || 'file';
  const parts = [icon('file'), h('span', { class: 'file-name', text: name }), h('span', { class: 'file-size', text: humanSize(a.size) })];
  if (msg.pending) return h('span', { class: 'attachment pending' }, parts);
  const href = `${convPath(msg.conversation)}/messages/${enc(msg.id)}/attachments/${enc(a.index ?? 0)}?token=${enc(state.token)}`;
  return h('a', { class: 'attachment', href, download: name, title: `Download ${name}` }, parts);
}

// ---------------------------------------------------------------- sending

function addPending(convId, fields) {
  const msg = { ...fields, conversation: convId, outgoing: true, sender: state.me?.number || '',
    at: Date.now(), tick: 'pending', pending: true, attachments: fields.attachments || [] };
  const key = `local:${fields.localId}`;
  messageStore(convId).set(key, msg);
  if (convId === state.openId) drawMessage(key, msg);
}

/** A text the local process keeps until the server is back: a pending bubble that stays after reloads. */
function keepQueued(m, draw = true) {
  const key = `local:${m.localId}`;
  const store = messageStore(m.conversation);
  if (store.has(key)) return;
  const msg = { ...m, tick: m.error ? 'failed' : 'pending', pending: true, attachments: [] };
  store.set(key, msg);
  if (draw && m.conversation === state.openId) drawMessage(key, msg);
}

/** The local process gave up on a queued text (a changed safety number, a block): shown failed, with why. */
function onUnsent(event) {
  keepQueued({ localId: event.localId, conversation: event.conversation, text: event.text, at: event.at,
    outgoing: true, sender: state.me?.number || '', queued: true });
  setPending(event.conversation, event.localId, 'failed', event.error, { queued: true });
}

/** `extra.queued`: the local process keeps the text (and must be told when it is deleted). */
function setPending(convId, localId, tick, error = null, extra = {}) {
  const key = `local:${localId}`;
  const store = messageStore(convId);
  const msg = store.get(key);
  if (!msg) return; // the real message already replaced it
  const next = { ...msg, tick, error, ...extra };
  store.set(key, next);
  if (convId === state.openId) drawMessage(key, next);
}

/** Deletes a text that was not sent: from the local process's queue if it keeps it, then from the page. */
async function dismiss(convId, localId) {
  const msg = messageStore(convId).get(`local:${localId}`);
  if (!msg) return;
  if (msg.queued) {
    try {
      await api(`${convPath(convId)}/unsent/${enc(localId)}`, { method: 'DELETE' });
    } catch (err) {
      if (err.status !== 404) throw err; // 404: another page deleted it already
    }
  }
  dropPending(convId, localId);
}

/** A pending or failed bubble goes (deleted here or on another page). */
function dropPending(convId, localId) {
  const key = `local:${localId}`;
  messageStore(convId).delete(key);
  const node = convId === state.openId ? state.bubbles.get(key) : null;
  if (node) {
    node.remove();
    state.bubbles.delete(key);
    fixDaySeparators();
  }
}

async function sendComposer() {
  const id = state.openId;
  const input = $('#message-input');
  const text = input.value.trim();
  if (!id || !text || input.disabled) return;
  input.value = '';
  state.drafts.delete(id);
  autosize();
  stopTyping(id);
  const localId = newLocalId();
  addPending(id, { localId, text });
  await postText(id, text, localId);
}

async function postText(convId, text, localId) {
  try {
    const msg = await api(`${convPath(convId)}/messages`, { method: 'POST', json: { text, localId } });
    // Queued: the server is out of reach; the clock stays until the message event replaces it.
    if (msg.queued) setPending(convId, localId, 'pending', null, { queued: true });
    else upsertMessage({ ...msg, conversation: msg.conversation || convId, localId });
  } catch (err) {
    if (!err.auth) console.error(err);
    setPending(convId, localId, 'failed', err.message);
  }
}

async function sendFile(convId, file) {
  const localId = newLocalId();
  addPending(convId, { localId, text: '', file,
    attachments: [{ index: 0, fileName: file.name, contentType: file.type, size: file.size }] });
  await postFile(convId, file, localId);
}

async function postFile(convId, file, localId) {
  try {
    const path = `${convPath(convId)}/files?name=${enc(file.name)}&localId=${enc(localId)}`;
    const msg = await api(path, { method: 'POST', body: file,
      headers: { 'Content-Type': file.type || 'application/octet-stream' } });
    upsertMessage({ ...msg, conversation: msg.conversation || convId, localId });
  } catch (err) {
    if (!err.auth) console.error(err);
    setPending(convId, localId, 'failed', err.message);
  }
}

async function retry(convId, localId) {
  const msg = messageStore(convId).get(`local:${localId}`);
  if (!msg) return;
  setPending(convId, localId, 'pending');
  if (msg.file) await postFile(convId, msg.file, localId);
  else await postText(convId, msg.text, localId);
}

// ---------------------------------------------------------------- read receipts and typing

/** POST /read when the open, visible chat shows unread incoming messages; one request at a time. */
function maybeMarkRead(force = false) {
  const id = state.openId;
  const c = state.convs.get(id);
  if (!c || document.visibilityState !== 'visible') return;
  if (!force && !(c.unread > 0)) return;
  if (state.readBusy) { state.readAgain = true; return; }
  state.readBusy = true;
  state.lastRead = Date.now();
  api(`${convPath(id)}/read`, { method: 'POST', json: {} })
    .then(() => {
      const conv = state.convs.get(id);
      if (conv && conv.unread) { conv.unread = 0; scheduleListRender(); }
    })
    .catch(report)
    .finally(() => {
      state.readBusy = false;
      if (state.readAgain) { state.readAgain = false; maybeMarkRead(true); }
    });
}

function onComposerInput() {
  autosize();
  const id = state.openId;
  const c = state.convs.get(id);
  if (!c || c.blocked || !$('#message-input').value) return;
  const now = Date.now();
  if (typingOut.conv !== id || now - typingOut.lastSent > TYPING_RESEND_MS) {
    typingOut.conv = id;
    typingOut.lastSent = now;
    postTyping(id, true);
  }
  clearTimeout(typingOut.stopTimer);
  typingOut.stopTimer = setTimeout(() => stopTyping(id), TYPING_STOP_MS);
}

function stopTyping(id) {
  clearTimeout(typingOut.stopTimer);
  if (typingOut.conv !== id || !typingOut.lastSent) return;
  typingOut.conv = null;
  typingOut.lastSent = 0;
  postTyping(id, false);
}

// Typing is a hint that may be lost (offline, or the other side blocked this account): a failure is
// logged for whoever debugs, not shown; the message itself reports what matters.
function postTyping(id, composing) {
  api(`${convPath(id)}/typing`, { method: 'POST', json: { composing } })
    .catch((err) => { if (!err.auth) console.warn('typing not sent:', err.message); });
}

function onTyping({ conversation, sender, composing }) {
  if (!conversation || !sender || sender === state.me?.number) return;
  let typers = state.typing.get(conversation);
  if (!typers) state.typing.set(conversation, (typers = new Map()));
  clearTimeout(typers.get(sender));
  if (composing) {
    typers.set(sender, setTimeout(() => { typers.delete(sender); typingChanged(conversation); }, TYPING_LAPSE_MS));
  } else {
    typers.delete(sender);
  }
  typingChanged(conversation);
}

function clearTyping(conversation, sender) {
  const typers = state.typing.get(conversation);
  if (!typers?.has(sender)) return;
  clearTimeout(typers.get(sender));
  typers.delete(sender);
  typingChanged(conversation);
}

function typingChanged(id) {
  if (id === state.openId) renderHeader();
  scheduleListRender();
}

const supportsFieldSizing = globalThis.CSS?.supports?.('field-sizing', 'content');
function autosize() {
  if (supportsFieldSizing) return;
  const input = $('#message-input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
}

// ---------------------------------------------------------------- live events

function connect() {
  if (state.stopped) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let ws;
  try {
    ws = new WebSocket(`${scheme}//${location.host}/api/events?token=${enc(state.token)}`);
  } catch (err) {
    report(err);
    scheduleReconnect();
    return;
  }
  state.ws = ws;
  ws.addEventListener('open', () => {
    banners.local = false;
    renderBanner();
    reloadAll().catch(report); // catch up on whatever happened while we were away
  });
  ws.addEventListener('message', (event) => {
    try {
      handleEvent(JSON.parse(event.data));
    } catch (err) {
      report(err);
    }
  });
  ws.addEventListener('close', () => {
    if (state.ws !== ws || state.stopped) return;
    state.ws = null;
    banners.local = true;
    renderBanner();
    scheduleReconnect();
  });
  ws.addEventListener('error', () => { /* a close event follows */ });
}

function scheduleReconnect() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(connect, RECONNECT_MS);
}

function handleEvent(event) {
  switch (event?.type) {
    case 'hello': setMe(event.me); break;
    case 'message': onMessageEvent(event.message); break;
    case 'conversation': upsertConversation(event.conversation); break;
    case 'typing': onTyping(event); break;
    case 'presence': onPresence(event); break;
    case 'connection': setConnected(event.connected); break;
    case 'identity': onIdentity(event.number); break;
    case 'alert': addNotice({ kind: 'alert', text: String(event.text || 'Alert') }); break;
    case 'unsent': onUnsent(event); break;
    case 'dismissed': dropPending(event.conversation, event.localId); break;
    default: console.warn('unknown event', event);
  }
}

let convReloadQueued = false;
function onMessageEvent(m) {
  if (!m?.id || !m.conversation) return;
  const isNew = !messageStore(m.conversation).has(m.id);
  upsertMessage(m);
  if (!m.outgoing && m.sender) clearTyping(m.conversation, m.sender);
  if (!state.convs.has(m.conversation) && !convReloadQueued) {
    convReloadQueued = true;
    setTimeout(() => { convReloadQueued = false; loadConversations().catch(report); }, 300);
  }
  if (isNew && !m.outgoing && m.conversation === state.openId) maybeMarkRead(true);
}

function onPresence({ number, online, lastSeen, at }) {
  const c = state.convs.get(number);
  if (!c || c.kind === 'group') return;
  if ((c.presence?.at ?? 0) > (at ?? 0)) return; // an older state that overtook a newer one
  c.presence = { online: Boolean(online), lastSeen: lastSeen ?? c.presence?.lastSeen ?? null, at: at ?? 0 };
  scheduleListRender();
  if (number === state.openId) renderHeader();
}

function noticeIdentity(number) {
  addNotice({ kind: 'identity', number, text: `The safety number with ${number} changed` });
}

function onIdentity(number) {
  if (!number) return;
  const c = state.convs.get(number);
  if (c) {
    c.identityChanged = true;
    scheduleListRender();
    if (number === state.openId) renderHeader();
  }
  noticeIdentity(number);
}

// ---------------------------------------------------------------- dialogs

function openDialog(dialog) {
  for (const error of dialog.querySelectorAll('.form-error')) { error.textContent = ''; error.hidden = true; }
  if (!dialog.open) dialog.showModal();
}

function withBusy(button, work) {
  return async (...args) => {
    button.disabled = true;
    try { return await work(...args); } finally { button.disabled = false; }
  };
}

async function startChat(event) {
  event.preventDefault();
  const input = $('#new-chat-number');
  const number = input.value.replace(/[\s().-]/g, '');
  if (!E164.test(number)) {
    input.setAttribute('aria-invalid', 'true');
    setFormError('new-chat-error', `“${input.value.trim() || '(empty)'}” is not a phone number. ${E164_HELP}`);
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  setFormError('new-chat-error', null);
  try {
    const c = await api('/api/conversations', { method: 'POST', json: { number } });
    if (!state.convs.has(c.id)) state.touched.set(c.id, Date.now());
    upsertConversation(c);
    $('#new-chat-dialog').close();
    await openConversation(c.id);
  } catch (err) {
    if (!err.auth) setFormError('new-chat-error', err.message);
  }
}

async function createGroup(event) {
  event.preventDefault();
  const name = $('#group-name').value.trim();
  const members = parseNumbers($('#group-members').value);
  const invalid = members.filter((n) => !E164.test(n));
  let problem = null;
  if (!name) problem = 'Give the group a name.';
  else if (members.length === 0) problem = `Add at least one member. ${E164_HELP}`;
  else if (invalid.length) problem = `Not a phone number: ${invalid.join(', ')}. ${E164_HELP}`;
  if (problem) {
    setFormError('new-group-error', problem);
    return;
  }
  setFormError('new-group-error', null);
  try {
    const c = await api('/api/groups', { method: 'POST', json: { name, members } });
    state.touched.set(c.id, Date.now());
    upsertConversation(c);
    $('#new-group-dialog').close();
    await openConversation(c.id);
  } catch (err) {
    if (!err.auth) setFormError('new-group-error', err.message);
  }
}

/** From the identity banner: open (or start) the chat with that number, then its safety number. */
async function openSafetyFor(number) {
  let id = number;
  if (!state.convs.has(number)) {
    const c = await api('/api/conversations', { method: 'POST', json: { number } });
    upsertConversation(c);
    id = c.id;
  }
  await openConversation(id);
  await openSafety(id);
}

async function openSafety(id) {
  const dialog = $('#safety-dialog');
  const c = state.convs.get(id);
  dialog.dataset.conversation = id;
  $('#safety-heading').textContent = `Safety number with ${c?.title || id}`;
  $('#safety-digits').replaceChildren(h('p', { class: 'hint', text: 'Loading…' }));
  $('#safety-status').textContent = '';
  openDialog(dialog);
  await refreshSafety(id);
}

async function refreshSafety(id) {
  const dialog = $('#safety-dialog');
  try {
    const safety = await api(`${convPath(id)}/safety`);
    if (dialog.dataset.conversation !== id) return;
    const devices = safety?.devices || [];
    const rows = devices.map((d) => h('div', { class: `device${d.trusted ? '' : ' changed'}` },
      h('div', { class: 'device-head' },
        h('span', { text: `Device ${d.deviceId}` }),
        h('span', { class: `trust-state${d.trusted ? ' ok' : ' warn'}`, text: d.trusted ? 'Trusted' : 'Changed, not trusted yet' })),
      digitGroups(d.digits || '')));
    $('#safety-digits').replaceChildren(...(rows.length ? rows : [h('p', { class: 'hint', text: 'No devices known yet.' })]));
    const allTrusted = devices.every((d) => d.trusted);
    // #trust stays enabled: trusting when nothing changed is harmless and answers {trusted: 0}.
    $('#trust').classList.toggle('primary', !allTrusted);
    if (allTrusted && !$('#safety-status').textContent) $('#safety-status').textContent = 'All devices are trusted.';
  } catch (err) {
    if (!err.auth) setFormError('safety-error', err.message);
  }
}

/** One span per group of digits, with the spaces kept so the text reads as the server sent it. */
function digitGroups(digits) {
  const code = h('code', { class: 'digits' });
  digits.trim().split(/\s+/).forEach((group, i) => {
    if (i > 0) code.append(' ');
    code.append(h('span', { text: group }));
  });
  return code;
}

async function trust() {
  const id = $('#safety-dialog').dataset.conversation;
  if (!id) return;
  setFormError('safety-error', null);
  try {
    const result = await api(`${convPath(id)}/trust`, { method: 'POST', json: {} });
    const n = result?.trusted || 0;
    $('#safety-status').textContent = n ? `Trusted the new safety number (${n} device${n === 1 ? '' : 's'}).` : 'Nothing new to trust.';
    const c = state.convs.get(id);
    if (c) { c.identityChanged = false; scheduleListRender(); if (id === state.openId) renderHeader(); }
    removeNotice((notice) => notice.kind === 'identity' && notice.number === id);
    await refreshSafety(id);
  } catch (err) {
    if (!err.auth) setFormError('safety-error', err.message);
  }
}

async function toggleBlock() {
  const c = state.convs.get(state.openId);
  if (!c) return;
  const updated = await api(`${convPath(c.id)}/${c.blocked ? 'unblock' : 'block'}`, { method: 'POST', json: {} });
  upsertConversation(updated || { ...c, blocked: !c.blocked });
  renderHeader();
}

async function openGroupDialog() {
  const id = state.openId;
  const dialog = $('#group-dialog');
  dialog.dataset.group = id;
  $('#group-dialog-title').textContent = state.convs.get(id)?.title || 'Group';
  $('#group-member-list').replaceChildren(h('li', { class: 'hint', text: 'Loading…' }));
  $('#group-add-number').value = '';
  openDialog(dialog);
  try {
    renderGroup(await api(`/api/groups/${enc(id)}`));
  } catch (err) {
    if (!err.auth) setFormError('group-error', err.message);
  }
}

function renderGroup(group) {
  const dialog = $('#group-dialog');
  if (!group || dialog.dataset.group !== group.id) return;
  const me = state.me?.number;
  const admins = new Set(group.admins || []);
  $('#group-dialog-title').textContent = group.name || 'Group';
  $('#group-member-list').replaceChildren(...(group.members || []).map((number) => {
    const self = number === me;
    return h('li', { dataset: { member: number } },
      h('span', { class: 'member-number', text: number }),
      self ? h('span', { class: 'tag', text: 'you' }) : null,
      admins.has(number) ? h('span', { class: 'tag', text: 'admin' }) : null,
      h('button', { type: 'button', class: `btn small${self ? ' danger' : ''}`,
        'aria-label': self ? 'Leave the group' : `Remove ${number}`,
        onclick: guard(() => removeMember(group.id, number)) }, self ? 'Leave' : 'Remove'));
  }));
  const c = state.convs.get(group.id);
  if (c) {
    upsertConversation({ ...c, members: group.members || [], title: group.name || c.title });
  }
}

async function removeMember(groupId, number) {
  setFormError('group-error', null);
  if (number === state.me?.number) return leaveGroup();
  try {
    renderGroup(await api(`/api/groups/${enc(groupId)}/members/${enc(number)}`, { method: 'DELETE' }));
  } catch (err) {
    if (!err.auth) setFormError('group-error', err.message);
  }
}

async function addMembers(event) {
  event.preventDefault();
  const groupId = $('#group-dialog').dataset.group;
  const members = parseNumbers($('#group-add-number').value);
  const invalid = members.filter((n) => !E164.test(n));
  if (members.length === 0 || invalid.length) {
    setFormError('group-error', `${invalid.length ? `Not a phone number: ${invalid.join(', ')}. ` : ''}${E164_HELP}`);
    return;
  }
  setFormError('group-error', null);
  try {
    renderGroup(await api(`/api/groups/${enc(groupId)}/members`, { method: 'POST', json: { members } }));
    $('#group-add-number').value = '';
  } catch (err) {
    if (!err.auth) setFormError('group-error', err.message);
  }
}

async function leaveGroup() {
  const groupId = $('#group-dialog').dataset.group;
  setFormError('group-error', null);
  try {
    if (!state.me?.number) setMe(await api('/api/me'));
    await api(`/api/groups/${enc(groupId)}/members/${enc(state.me.number)}`, { method: 'DELETE' });
    $('#group-dialog').close();
    toast('You left the group.', 'info');
    const listed = await loadConversations();
    if (!listed.has(groupId)) {
      if (state.openId === groupId) closeConversation();
      state.convs.delete(groupId);
      renderConversationList();
    }
  } catch (err) {
    if (!err.auth) setFormError('group-error', err.message);
  }
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('#new-chat').addEventListener('click', guard(() => { $('#new-chat-form').reset(); openDialog($('#new-chat-dialog')); }));
  $('#new-group').addEventListener('click', guard(() => { $('#new-group-form').reset(); openDialog($('#new-group-dialog')); }));
  $('#new-chat-form').addEventListener('submit', guard(withBusy($('#new-chat-start'), startChat)));
  $('#new-group-form').addEventListener('submit', guard(withBusy($('#new-group-create'), createGroup)));
  $('#new-chat-number').addEventListener('input', () => $('#new-chat-number').removeAttribute('aria-invalid'));

  $('#safety-open').addEventListener('click', guard(() => openSafety(state.openId)));
  $('#trust').addEventListener('click', guard(withBusy($('#trust'), trust)));
  $('#block-toggle').addEventListener('click', guard(withBusy($('#block-toggle'), toggleBlock)));
  $('#group-info-open').addEventListener('click', guard(openGroupDialog));
  $('#group-add-form').addEventListener('submit', guard(withBusy($('#group-add'), addMembers)));
  $('#group-leave').addEventListener('click', guard(withBusy($('#group-leave'), leaveGroup)));
  $('#back').addEventListener('click', guard(closeConversation));

  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  for (const dialog of document.querySelectorAll('dialog')) {
    // A click on the backdrop lands on the dialog element itself, outside its box.
    dialog.addEventListener('click', (event) => {
      if (event.target !== dialog || event.detail === 0) return; // detail 0: keyboard "click"
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right
        && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close();
    });
  }

  const input = $('#message-input');
  $('#composer').addEventListener('submit', guard((event) => { event.preventDefault(); return sendComposer(); }));
  input.addEventListener('keydown', guard((event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('#composer').requestSubmit();
    }
  }));
  input.addEventListener('input', guard(onComposerInput));
  $('#attach').addEventListener('change', guard(async (event) => {
    const files = [...event.target.files];
    event.target.value = ''; // so the same file can be chosen again
    const c = state.convs.get(state.openId);
    if (!c) return;
    await Promise.all(files.map((file) => sendFile(c.id, file)));
  }));

  document.addEventListener('visibilitychange', guard(() => maybeMarkRead()));
  window.addEventListener('hashchange', () => { if (/token=/.test(location.hash)) location.reload(); });
  // Last resort: show what slipped through instead of failing silently.
  window.addEventListener('unhandledrejection', (event) => { event.preventDefault(); report(event.reason); });
}

function boot() {
  wire();
  state.token = readToken();
  if (!state.token) {
    showLinkView();
    return;
  }
  $('#no-token').hidden = true;
  $('#app').hidden = false;
  reloadAll().catch(report);
  connect();
}

try {
  boot();
} catch (err) {
  report(err);
}
