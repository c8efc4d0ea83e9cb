// Phone page: a LINE-like chat against the emulator's control API (plain ES module).
import { renderFlexToHtml, flexCss } from '/flex-renderer/index.ts';

const $ = (id) => document.getElementById(id);
const esc = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const style = document.createElement('style');
style.textContent = flexCss;
document.head.appendChild(style);

const SHOW_LABELS = new URLSearchParams(location.search).has('labels');
const st = {
  users: [],
  channels: [],
  user: localStorage.getItem('emu.currentUser'),
  channel: localStorage.getItem('emu.channel'),
  seq: 0,
  gen: 0,
  listGen: 0,
  lastDay: '',
  menu: null,
  read: 0,
  loading: false,
  loadingTimer: 0,
};

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json?.error?.message || res.statusText);
  return json;
}

async function loadLists() {
  // A slower earlier load (the page's first, while ＋ already made a user) must not win.
  const gen = ++st.listGen;
  const users = (await api('GET', '/_emulator/users')).users;
  const channels = (await api('GET', '/_emulator/channels')).channels;
  if (gen !== st.listGen) return;
  st.users = users;
  st.channels = channels;
  if (!st.users.some((u) => u.userId === st.user)) st.user = st.users[0]?.userId ?? null;
  if (!st.channels.some((c) => c.channelId === st.channel)) st.channel = st.channels[0]?.channelId ?? null;
  $('user').innerHTML =
    st.users
      .map(
        (u) =>
          `<option value="${esc(u.userId)}"${u.userId === st.user ? ' selected' : ''}>${esc(u.displayName)}` +
          `${u.phone ? `（${esc(u.phone)}）` : ''}</option>`,
      )
      .join('') || '<option value="">（尚無使用者）</option>';
  $('channel').classList.toggle('hidden', st.channels.length < 2);
  $('channel').innerHTML = st.channels
    .map(
      (c) =>
        `<option value="${esc(c.channelId)}"${c.channelId === st.channel ? ' selected' : ''}>` +
        `${esc(c.displayName)}</option>`,
    )
    .join('');
  if (st.user) localStorage.setItem('emu.currentUser', st.user);
  if (st.channel) localStorage.setItem('emu.channel', st.channel);
}

function channelObj() {
  return st.channels.find((c) => c.channelId === st.channel);
}

function time(at) {
  const d = new Date(at);
  const h = d.getHours();
  return `${h < 12 ? '上午' : '下午'}${((h + 11) % 12) + 1}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function linkify(text) {
  return esc(text).replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}" data-uri="${u}">${u}</a>`);
}

function actionBtn(a, cls = '') {
  return `<button class="${cls}" data-action="${esc(JSON.stringify(a))}">${esc(a.label ?? '')}</button>`;
}

/** A buttons template, or one column of a carousel: image, title, text and its action buttons. */
function templateColumn(c) {
  const img = c.thumbnailImageUrl ? `<img src="${esc(c.thumbnailImageUrl)}" alt="">` : '';
  const title = c.title ? `<div class="tt">${esc(c.title)}</div>` : '';
  const acts = c.actions.map((a) => actionBtn(a)).join('');
  return `${img}${title}<div class="tx">${esc(c.text)}</div><div class="acts">${acts}</div>`;
}

function renderTemplate(t) {
  if (t.type === 'confirm')
    return (
      `<div class="tpl confirm"><div class="tx">${esc(t.text)}</div>` +
      `<div class="acts">${t.actions.map((a) => actionBtn(a)).join('')}</div></div>`
    );
  if (t.type === 'buttons') return `<div class="tpl">${templateColumn(t)}</div>`;
  if (t.type === 'carousel')
    return `<div class="hscroll">${t.columns.map((c) => `<div class="tpl">${templateColumn(c)}</div>`).join('')}</div>`;
  if (t.type === 'image_carousel') {
    const cell = (c) =>
      `<div class="tpl" data-action="${esc(JSON.stringify(c.action))}"><img src="${esc(c.imageUrl)}" alt=""></div>`;
    return `<div class="hscroll">${t.columns.map(cell).join('')}</div>`;
  }
  return '';
}

function renderMessage(m) {
  switch (m.type) {
    case 'text':
    case 'textV2':
      return { html: `<div class="bubble">${linkify(m.text)}</div>` };
    case 'sticker':
      return {
        html:
          '<div class="sticker"><img src="https://stickershop.line-scdn.net/stickershop/v1/sticker/' +
          `${esc(m.stickerId)}/android/sticker.png" alt="" onerror="this.replaceWith('🐻')"></div>`,
      };
    case 'image':
      return {
        html: m.contentProvider
          ? `<img class="photo" src="/_emulator/content/${esc(m.id)}" alt="">`
          : `<img class="photo" src="${esc(m.previewImageUrl || m.originalContentUrl)}" alt="">`,
      };
    case 'video':
      return { html: `<div class="bubble">🎬 影片</div>` };
    case 'audio':
      return { html: `<div class="bubble">🎵 語音訊息</div>` };
    case 'location':
      return {
        html:
          `<div class="loc"><div class="map">📍</div><div class="t">${esc(m.title)}</div>` +
          `<div class="a">${esc(m.address)}</div></div>`,
      };
    case 'template':
      return { html: renderTemplate(m.template), wide: true };
    case 'flex':
      return { html: renderFlexToHtml(m.contents), wide: true };
    case 'imagemap':
      return { html: `<div class="bubble">${esc(m.altText)}</div>` };
    default:
      return { html: `<div class="bubble">（不支援的訊息）</div>` };
  }
}

function appendItem(it) {
  const tl = $('timeline');
  const day = new Date(it.at).toLocaleDateString('zh-TW', { month: 'numeric', day: 'numeric', weekday: 'short' });
  if (day !== st.lastDay) {
    st.lastDay = day;
    tl.insertAdjacentHTML('beforeend', `<div class="day">${esc(day)}</div>`);
  }
  const r = renderMessage(it.message);
  const ch = channelObj();
  const el = document.createElement('div');
  el.className = `row ${it.from === 'bot' ? 'bot' : 'me'}${it.via === 'pnp' ? ' pnp' : ''}`;
  el.dataset.seq = it.seq;
  el.dataset.type = it.message.type;
  el.dataset.via = it.via;
  // A LINE notification message (sent to the phone number, friend or not) is marked as LINE marks it.
  const pnp = it.via === 'pnp' ? '<div class="pnp-label">LINE 通知訊息</div>' : '';
  el.innerHTML =
    it.from === 'bot'
      ? `<div class="av">${esc((ch?.displayName ?? '診').slice(0, 1))}</div><div class="col${r.wide ? ' wide' : ''}">` +
        `<div class="name">${esc(ch?.displayName ?? '')}</div>${pnp}` +
        `<div class="line">${r.html}<span class="time">${time(it.at)}</span></div></div>`
      : `<div class="col"><div class="line">${r.html}<span class="time"><span class="read">已讀</span>` +
        `${time(it.at)}</span></div></div>`;
  tl.appendChild(el);
  compactGate();
  if (it.from === 'bot') showQuick(it.message.quickReply);
  else showQuick(null);
}

function showQuick(q) {
  const box = $('quick');
  if (!q || !q.items?.length) {
    box.classList.add('hidden');
    box.innerHTML = '';
    return;
  }
  box.innerHTML = q.items
    .map(
      (i) =>
        `<button data-action="${esc(JSON.stringify(i.action))}">` +
        `${i.imageUrl ? `<img src="${esc(i.imageUrl)}" alt="">` : ''}${esc(i.action.label ?? '')}</button>`,
    )
    .join('');
  box.classList.remove('hidden');
}

function renderMenu(menu) {
  const box = $('richmenu');
  const key = menu ? menu.richMenuId : null;
  if (st.menu === key) return;
  st.menu = key;
  if (!menu) {
    box.classList.add('hidden');
    $('menuToggle').classList.add('hidden');
    return;
  }
  const { width, height } = menu.size;
  $('rmImage').innerHTML =
    `<img src="${esc(menu.imageUrl)}" alt="">` +
    menu.areas
      .map(
        (a) =>
          `<div class="rm-area" style="left:${(a.bounds.x / width) * 100}%;top:${(a.bounds.y / height) * 100}%;` +
          `width:${(a.bounds.width / width) * 100}%;height:${(a.bounds.height / height) * 100}%" ` +
          `data-action="${esc(JSON.stringify(a.action))}" title="${esc(a.action.label ?? '')}">` +
          `${SHOW_LABELS && a.action.label ? `<span class="rm-label">${esc(a.action.label)}</span>` : ''}</div>`,
      )
      .join('');
  $('rmBar').textContent = menu.chatBarText;
  box.classList.remove('hidden');
  box.classList.toggle('collapsed', !menu.selected);
  $('menuToggle').classList.remove('hidden');
}

function setState(state) {
  st.state = state;
  const ch = channelObj();
  $('chName').textContent = ch?.displayName ?? '官方帳號';
  $('chState').textContent = state === 'friend' ? '好友' : state === 'blocked' ? '已封鎖' : '尚未加入好友';
  $('blockBtn').textContent = state === 'friend' ? '封鎖' : '解除封鎖';
  $('blockBtn').classList.toggle('hidden', state === 'none');
  $('gateName').textContent = ch?.displayName ?? '';
  $('gateSub').textContent =
    state === 'blocked' ? '您已封鎖此帳號，解除封鎖後才能收到訊息' : '加入好友後即可收到診所通知';
  $('addFriend').textContent = state === 'blocked' ? '解除封鎖' : '加入好友';
  $('friendGate').classList.toggle('hidden', state === 'friend');
  compactGate();
  $('composer').classList.toggle('hidden', state !== 'friend');
  document.body.dataset.state = state;
}

/**
 * A chat that is not a friend's covers the timeline with the add-friend card, unless LINE
 * notification messages arrived: then, as in LINE, they show and the card shrinks to a bar.
 */
function compactGate() {
  $('friendGate').classList.toggle('compact', $('timeline').querySelector('.row') !== null);
}

/** 已讀 under the user's messages up to `upTo` (LINE shows it once the account has read them). */
function showRead(upTo) {
  st.read = upTo;
  for (const el of $('timeline').querySelectorAll('.row.me'))
    el.classList.toggle('unread', Number(el.dataset.seq) > upTo);
}

/** The three-dot loading animation the bot started, for `ms` more (or until its next message). */
function showLoading(ms) {
  clearTimeout(st.loadingTimer);
  st.loading = ms > 0;
  $('timeline').querySelector('.row.typing')?.remove();
  if (!st.loading) return;
  const ch = channelObj();
  $('timeline').insertAdjacentHTML(
    'beforeend',
    `<div class="row bot typing" aria-label="對方正在輸入"><div class="av">${esc((ch?.displayName ?? '診').slice(0, 1))}` +
      `</div><div class="col"><div class="line"><div class="bubble dots"><i></i><i></i><i></i></div></div></div></div>`,
  );
  $('timeline').scrollTop = 1e9;
  st.loadingTimer = setTimeout(() => showLoading(0), ms);
}

async function poll() {
  const gen = ++st.gen;
  st.read = 0;
  st.loading = false;
  st.seq = 0;
  st.lastDay = '';
  st.menu = undefined;
  $('timeline').innerHTML = '';
  showQuick(null);
  if (!st.user || !st.channel) {
    $('timeline').innerHTML = '<div class="empty">請按右上角「＋」建立虛擬使用者</div>';
    setState('none');
    return;
  }
  let wait = 0;
  while (gen === st.gen) {
    try {
      const r = await api(
        'GET',
        `/_emulator/users/${st.user}/chat?channelId=${st.channel}&after=${st.seq}&wait=${wait}` +
          (wait
            ? `&state=${st.state}&menu=${encodeURIComponent(st.menu ?? '')}` +
              `&read=${st.read}&loading=${st.loading ? 1 : 0}`
            : ''),
      );
      if (gen !== st.gen) return;
      setState(r.state);
      for (const it of r.items) appendItem(it);
      if (r.items.length) st.seq = r.items[r.items.length - 1].seq;
      showRead(r.readUpTo ?? 0);
      showLoading(r.loadingMs ?? 0);
      renderMenu(r.state === 'friend' ? r.richMenu : null);
      if (r.items.length)
        requestAnimationFrame(() => {
          $('timeline').scrollTop = 1e9;
        });
      wait = 20000;
    } catch {
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
}

async function sendText(text) {
  if (!text.trim()) return;
  await api('POST', `/_emulator/users/${st.user}/messages`, { channelId: st.channel, text });
}

function liffUrl(uri) {
  const m = /^https:\/\/liff\.line\.me\/([^/?#]+)(.*)$/.exec(uri);
  if (!m) return uri;
  for (const c of st.channels)
    for (const a of c.liffApps ?? []) if (a.liffId === m[1]) return a.url.replace(/\/$/, '') + (m[2] || '');
  return uri;
}

function openWebview(uri) {
  const url = liffUrl(uri);
  $('wvTitle').textContent = new URL(url, location.href).host;
  $('wvFrame').src = url;
  $('webview').classList.remove('hidden');
}

function pick(action) {
  return new Promise((resolve) => {
    const input = $('pickerInput');
    input.type = action.mode === 'date' ? 'date' : action.mode === 'time' ? 'time' : 'datetime-local';
    input.value = action.initial ?? '';
    if (action.min) input.min = action.min;
    if (action.max) input.max = action.max;
    $('pickerTitle').textContent =
      action.mode === 'time' ? '選擇時間' : action.mode === 'date' ? '選擇日期' : '選擇日期與時間';
    $('picker').classList.remove('hidden');
    const done = (v) => {
      $('picker').classList.add('hidden');
      $('pickerOk').onclick = null;
      $('pickerCancel').onclick = null;
      resolve(v);
    };
    $('pickerOk').onclick = () => done(input.value || null);
    $('pickerCancel').onclick = () => done(null);
  });
}

async function runAction(a) {
  if (!a || !st.user) return;
  switch (a.type) {
    case 'message':
      return sendText(a.text);
    case 'postback':
      return api('POST', `/_emulator/users/${st.user}/postback`, {
        channelId: st.channel,
        data: a.data,
        displayText: a.displayText ?? a.text,
      });
    case 'datetimepicker': {
      const v = await pick(a);
      if (!v) return;
      const params = a.mode === 'date' ? { date: v } : a.mode === 'time' ? { time: v } : { datetime: v.slice(0, 16) };
      return api('POST', `/_emulator/users/${st.user}/postback`, { channelId: st.channel, data: a.data, params });
    }
    case 'uri':
      if (/^https?:/.test(a.uri)) openWebview(a.uri);
      else if (/^tel:|^mailto:/.test(a.uri)) location.href = a.uri;
      return;
    case 'richmenuswitch':
      return api('POST', `/_emulator/users/${st.user}/richmenu-switch`, {
        channelId: st.channel,
        richMenuAliasId: a.richMenuAliasId,
        data: a.data,
      });
    case 'clipboard':
      return navigator.clipboard?.writeText(a.clipboardText);
    default:
      return;
  }
}

document.addEventListener('click', (e) => {
  const t = e.target.closest('[data-flex-action],[data-action],[data-uri]');
  if (!t) return;
  e.preventDefault();
  if (t.dataset.uri) return openWebview(t.dataset.uri);
  const a = JSON.parse(t.dataset.flexAction ?? t.dataset.action);
  runAction(a).catch((err) => alert(err.message));
});

$('send').onclick = () => {
  const v = $('text').value;
  $('text').value = '';
  sendText(v).catch((e) => alert(e.message));
};
$('text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.isComposing) $('send').click();
});
$('stickerBtn').onclick = () =>
  api('POST', `/_emulator/users/${st.user}/messages`, {
    channelId: st.channel,
    message: { type: 'sticker', packageId: '446', stickerId: '1988' },
  });
$('imageInput').onchange = (e) => {
  const f = e.target.files[0];
  if (!f) return;
  const r = new FileReader();
  r.onload = () =>
    api('POST', `/_emulator/users/${st.user}/messages`, {
      channelId: st.channel,
      message: { type: 'image', dataUrl: r.result },
    });
  r.readAsDataURL(f);
};
$('addFriend').onclick = () => api('POST', `/_emulator/users/${st.user}/follow`, { channelId: st.channel });
$('blockBtn').onclick = () =>
  api('POST', `/_emulator/users/${st.user}/${document.body.dataset.state === 'friend' ? 'unfollow' : 'follow'}`, {
    channelId: st.channel,
  });
$('rmBar').onclick = () => $('richmenu').classList.toggle('collapsed');
$('menuToggle').onclick = () => $('richmenu').classList.toggle('collapsed');
$('wvClose').onclick = () => {
  $('webview').classList.add('hidden');
  $('wvFrame').src = 'about:blank';
};
window.addEventListener('message', (e) => {
  if (e.data?.type === 'liff-close') $('wvClose').click();
});
$('newUser').onclick = async () => {
  const name = prompt('虛擬使用者名稱', `病人${st.users.length + 1}`);
  if (!name) return;
  // The LINE account's phone number: LINE notification messages to that number arrive here.
  const phone = prompt('手機號碼（選填；LINE 通知訊息以手機號碼送達）', '')?.trim();
  const u = await api('POST', '/_emulator/users', { displayName: name, ...(phone ? { phone } : {}) });
  st.user = u.userId;
  await loadLists();
  poll();
};
$('setPhone').onclick = async () => {
  const u = st.users.find((x) => x.userId === st.user);
  if (!u) return;
  const phone = prompt(`${u.displayName} 的手機號碼（留空表示移除）`, u.phone ?? '');
  if (phone === null) return;
  try {
    await api('PATCH', `/_emulator/users/${u.userId}`, { phone: phone.trim() || null });
  } catch (e) {
    alert(e.message);
    return;
  }
  await loadLists();
};
$('user').onchange = (e) => {
  st.user = e.target.value;
  localStorage.setItem('emu.currentUser', st.user);
  poll();
};
$('channel').onchange = (e) => {
  st.channel = e.target.value;
  localStorage.setItem('emu.channel', st.channel);
  poll();
};
for (const b of document.querySelectorAll('.tab')) {
  b.onclick = () => {
    for (const x of document.querySelectorAll('.tab')) x.classList.toggle('active', x === b);
    $('chatView').classList.toggle('hidden', b.dataset.tab !== 'chat');
    $('smsView').classList.toggle('hidden', b.dataset.tab !== 'sms');
  };
}
async function loadSms() {
  const phone = $('smsPhone').value.trim();
  localStorage.setItem('emu.smsPhone', phone);
  const r = await api('GET', `/_emulator/sms${phone ? `?to=${encodeURIComponent(phone)}` : ''}`);
  $('smsList').innerHTML =
    r.messages
      .slice()
      .reverse()
      .map(
        (m) =>
          `<div class="sms"><div class="meta"><span>${esc(m.to)} · ${m.segments} 則（${m.encoding}）</span>` +
          `<span>${m.statuscode === '4' ? '已送達' : m.statuscode === '5' ? '失敗' : '傳送中'} · ${time(m.at)}</span></div>` +
          `<div class="body">${esc(m.body)}</div></div>`,
      )
      .join('') || '<div class="empty">沒有簡訊</div>';
}
$('smsForm').onsubmit = (e) => {
  e.preventDefault();
  loadSms();
};
$('smsPhone').value = localStorage.getItem('emu.smsPhone') ?? '';
setInterval(() => {
  if (!$('smsView').classList.contains('hidden')) loadSms();
}, 2000);

await loadLists();
poll();
