// What the browser tests share: Debian's chromium driven by playwright-core against the running demo system,
// through nginx over TLS as officials reach it (./saima test starts it and passes its address, CA and the demo's
// accounts in the environment), and the watch on tokens: every access token the gateway hands a page is recorded,
// and none may ever be found in localStorage, sessionStorage, the address or the page.
//   SAIMA_GATEWAY_HTTP, SAIMA_ACCOUNTS, SAIMA_ARTIFACTS (screenshots), CHROMIUM
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const base = process.env.SAIMA_GATEWAY_HTTP;
export const artifacts = process.env.SAIMA_ARTIFACTS || 'test-artifacts';
mkdirSync(`${artifacts}/screenshots`, { recursive: true });

// user → { role, unit, name, password } (.saima/accounts.tsv, 0600).
export const accounts = Object.fromEntries(readFileSync(process.env.SAIMA_ACCOUNTS, 'utf8').trim().split('\n').map((line) => {
  const [user, role, unit, name, password] = line.split('\t');
  return [user, { role, unit, name, password }];
}));

export async function launch() {
  assert.ok(base, 'SAIMA_GATEWAY_HTTP must name the running gateway');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A browser context (one person's browser: its cookies and tabs) that records the tokens handed to it, every
// request that leaves the origin, and page errors.
export async function person(browser, options = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 900 }, locale: 'zh-CN', ...options });
  context.setDefaultTimeout(15000);
  context.tokens = new Set();
  context.refreshTokens = new Set();
  context.foreign = [];
  context.errors = [];
  context.on('response', async (res) => {
    if (!/\/v1\/auth\/(sign-in|refresh)$/.test(new URL(res.url()).pathname) || res.status() !== 200) return;
    const body = await res.json().catch(() => null);
    if (body?.tokens?.accessToken) context.tokens.add(body.tokens.accessToken);
    if (body?.tokens?.refreshToken) context.refreshTokens.add(body.tokens.refreshToken);
  });
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== new URL(base).origin) context.foreign.push(req.url());
  });
  context.on('page', (page) => page.on('pageerror', (e) => context.errors.push(e.message)));
  return context;
}

// No token in storage, the address or the page; no request outside the origin; no script error.
export async function assertClean(context) {
  assert.deepEqual([...context.refreshTokens], [], 'the refresh token never reaches a page (it is an HttpOnly cookie)');
  for (const page of context.pages()) {
    const seen = await page.evaluate(() => JSON.stringify([location.href, { ...localStorage }, { ...sessionStorage },
      document.documentElement.outerHTML]));
    for (const token of context.tokens) {
      assert.ok(!seen.includes(token), `an access token is in storage, the address or the page of ${page.url()}`);
      assert.ok(!seen.includes(token.split('.')[2]), 'a token\'s signature is exposed');
    }
  }
  const cookies = await context.cookies();
  for (const c of cookies.filter((c) => c.name === 'saima_refresh')) {
    assert.ok(c.httpOnly && c.secure && c.sameSite === 'Strict', `the refresh cookie is HttpOnly, Secure, SameSite=Strict: ${JSON.stringify(c)}`);
  }
  assert.deepEqual(context.foreign, [], 'nothing is fetched from outside the system (no CDN)');
  assert.deepEqual(context.errors, [], 'no script error');
}

// Signs `user` in through the sign-in page; returns the time from the click to the start page drawn (`ready`, a
// selector of it).
export async function signIn(page, user, ready) {
  await page.goto(`${base}/#/login`);
  await page.fill('#user', user);
  await page.fill('#password', accounts[user].password);
  const start = Date.now();
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector(`${ready}, #signin-error`, { timeout: 30000 });
  const refused = await page.$('#signin-error');
  assert.equal(refused && await refused.textContent(), null, `${user} signs in`);
  return Date.now() - start;
}

let shot = 0;
export async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: `${artifacts}/screenshots/${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
}

// Polls `fn` in the page until it returns something truthy (page.waitForFunction evaluates strings in the page,
// which the Content-Security-Policy forbids, as it should).
export async function until(page, fn, arg, timeoutMs = 30000) {
  const start = Date.now();
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The API as a client program (for setting up and checking what the pages did), with the token ./saima demo
// signed in for the account (so that the tests' own sign-ins stay few), else signed in with the password.
const DEMO_TOKENS = { 'fgj-admin': 'SAIMA_ADMIN_TOKEN', 'longyuan-staff': 'SAIMA_UNIT_TOKEN', 'city-leader': 'SAIMA_LEADER_TOKEN',
  'tjj-officer': 'SAIMA_STATS_TOKEN', 'data-loader': 'SAIMA_LOADER_TOKEN' };
export async function apiAs(user) {
  let tokens = { accessToken: process.env[DEMO_TOKENS[user]] };
  if (!tokens.accessToken) {
    const res = await fetch(`${base}/v1/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: user, password: accounts[user].password }) });
    assert.equal(res.status, 200, `${user} signs in`);
    ({ tokens } = await res.json());
  }
  const call = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${tokens.accessToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  return { get: (path) => call('GET', path), post: (path, body = {}) => call('POST', path, body), put: (path, body) => call('PUT', path, body) };
}
