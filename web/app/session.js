// The signed-in session of this browser. The access token (15 minutes) lives only in this module's memory: never in
// localStorage, sessionStorage, the URL or the page. The refresh token is an HttpOnly cookie the gateway sets
// (X-Saima-Session: cookie; gateway/web_session.h), so a new tab or a reload restores the session by refreshing,
// and the script never sees it. Refreshes are serialized across tabs (Web Locks): a refresh token is spent when
// used, and one presented twice ends the session. Tabs tell each other their new access token and a sign-out
// (BroadcastChannel, in memory).
const WEB = { 'X-Saima-Session': 'cookie', 'Content-Type': 'application/json' };
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('saima-session') : null;
let access = '';
let expiresAt = 0; // ms since epoch
let timer = null;
const listeners = new Set();

export function accessToken() { return access; }

// Called with a reason when the session ends (signed out here or in another tab, revoked, expired).
export function onSignedOut(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function adopt(tokens, broadcast) {
  access = tokens.accessToken;
  expiresAt = Date.now() + Number(tokens.expiresInSeconds || 900) * 1000;
  clearTimeout(timer);
  // Refresh a minute before the token expires (at least 10 s from now).
  timer = setTimeout(() => { refresh().catch(() => {}); }, Math.max(10000, expiresAt - Date.now() - 60000));
  if (broadcast && channel) channel.postMessage({ type: 'token', tokens });
}

function drop(reason, broadcast) {
  const had = access !== '';
  access = '';
  expiresAt = 0;
  clearTimeout(timer);
  if (broadcast && channel) channel.postMessage({ type: 'signed-out', reason });
  if (had || !broadcast) for (const fn of listeners) fn(reason);
}

channel?.addEventListener('message', (e) => {
  if (e.data?.type === 'token') adopt(e.data.tokens, false);
  if (e.data?.type === 'signed-out') drop(e.data.reason || '您已在其他窗口退出登录', false);
});

// The zh-CN message the services attach to an error (google.rpc.LocalizedMessage), else a general one.
export function chineseOf(body, status) {
  const localized = (body?.details || []).find((d) => (d['@type'] || '').endsWith('google.rpc.LocalizedMessage'));
  if (localized?.message) return localized.message;
  if (status === 0) return '无法连接服务器，请检查网络';
  return `请求失败(HTTP ${status})`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(chineseOf(body, status));
    this.status = status;
    this.body = body;
    // Field violations by field name, for forms.
    this.fields = {};
    for (const d of body?.details || []) {
      for (const v of d.fieldViolations || []) this.fields[v.field] = v.localizedMessage?.message || v.description;
    }
  }
}

async function post(path, body, headers = {}) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { ...WEB, ...headers }, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export async function signIn(userId, password) {
  const { tokens, user } = await post('/v1/auth/sign-in', { userId, password });
  adopt(tokens, true);
  return user;
}

// Exchanges the cookie for a new access token; false when there is no live session. One tab at a time.
// `refused`: the token the gateway just refused (then only a different, newer token will do).
export async function refresh(refused = '') {
  const run = async () => {
    // Another tab may have refreshed while this one waited for the lock: its token arrived by the channel.
    if (access && access !== refused && expiresAt - Date.now() > 120000) return true;
    try {
      const { tokens } = await post('/v1/auth/refresh', {});
      adopt(tokens, true);
      return true;
    } catch (e) {
      if (e.status === 401 || e.status === 400) {
        drop('登录已过期或已在别处退出，请重新登录', true);
        return false;
      }
      throw e;
    }
  };
  if (navigator.locks) return navigator.locks.request('saima-refresh', run);
  return run();
}

export async function signOut() {
  if (access) {
    await post('/v1/auth/sign-out', {}, { Authorization: `Bearer ${access}` }).catch(() => {});
  }
  drop('您已退出登录', true);
}

export async function changePassword(currentPassword, newPassword) {
  await post('/v1/auth/password', { currentPassword, newPassword }, { Authorization: `Bearer ${access}` });
}
