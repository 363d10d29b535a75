// The reports pages (the former dashboard, now pages of the web application) in a real browser against the running
// demo system (browser.mjs), each person signed in with a password; the tokens of the environment serve only the
// API calls that set up and check.
//   SAIMA_GATEWAY_HTTP, SAIMA_ACCOUNTS, SAIMA_LEADER_TOKEN, SAIMA_UNIT_TOKEN, SAIMA_ARTIFACTS, CHROMIUM
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { artifacts, base, launch, person, signIn } from './browser.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A page signed in as `user` with the demo account's password (the sign-in page, then the start page).
async function signedIn(user) {
  const context = await person(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, user, '#who-name');
  page.errors = errors;
  return page;
}

// Pixels of a chart's canvas that are not blank.
async function paintedPixels(page, selector) {
  return page.$eval(`${selector} canvas`, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  });
}

// Polls `fn` in the page until it returns something truthy (page.waitForFunction evaluates strings in the page,
// which the dashboard's Content-Security-Policy forbids, as it should).
async function until(page, fn, timeoutMs = 30000) {
  const start = Date.now();
  for (;;) {
    const value = await page.evaluate(fn);
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function api(token, path) {
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

test('nginx serves the web application with its security headers, compressed', async () => {
  const index = await (await fetch(`${base}/`)).text();
  const script = index.match(/src="(\/assets\/index-[^"]+\.js)"/)[1];
  const res = await fetch(`${base}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('strict-transport-security') || '', /max-age=/);
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  assert.equal(res.headers.get('server'), 'nginx', 'nginx answers, without its version');
});

test('a leader sees the speech figures on the overview, with charts, quickly', async () => {
  const page = await signedIn('city-leader');
  // First render: from navigation to the overview's figures and charts on screen, with a warm gateway.
  await page.goto(`${base}/#/overview?period=2023-05`);
  await until(page, () => window.__saimaOverviewRendered);
  await page.reload();
  const rendered = await until(page, () => window.__saimaOverviewRendered);
  console.log(`first render of the overview: ${Math.round(rendered)} ms (navigation start to figures and charts drawn)`);
  assert.equal(await page.textContent('#fai-total'), '29.87亿元');
  assert.equal(await page.textContent('#fai-growth'), '+15.6%');
  assert.equal(await page.textContent('#key-rate'), '35.2%');
  assert.equal(await page.textContent('#lights'), '较快4 正常48 预警16 滞后8');
  assert.match(await page.textContent('#asof'), /报告期 2023-05/);
  assert.ok(await paintedPixels(page, '#c-lights') > 1000, 'the lights chart is drawn');
  assert.ok(await paintedPixels(page, '#c-growth') > 1000, 'the growth chart is drawn');
  await until(page, () => document.querySelector('#fai-target').textContent !== '…');
  assert.match(await page.textContent('#fai-target'), /^15\.0%/);
  // The year-end forecast (stats, from the past years' shape): 2023 is projected near the 15% target, in doubt.
  await until(page, () => document.querySelector('#fai-forecast').textContent !== '…');
  assert.equal(await page.textContent('#fai-forecast'), '73.75亿元 存疑');
  assert.match(await page.textContent('#forecast-summary'), /^预计全年完成 73\.75 亿元，增长 \+14\.2%，区间 .*达成目标：存疑$/);
  assert.ok((await page.$$('#forecast-miss tr')).length > 1, 'units and key projects projected to miss are listed');
  await page.screenshot({ path: `${artifacts}/screenshots/overview.png`, fullPage: true });
  for (const [name, hash, selector] of [['units', '#/units?period=2023-05', '#c-units canvas'],
    ['ruku', '#/ruku?period=2023-05', 'table'], ['contest', '#/contest?period=2023-05', '#c-contest canvas'],
    ['downloads', '#/downloads?period=2023-05', 'a[data-i]']]) {
    await page.goto(`${base}/${hash}`);
    await page.waitForSelector(selector);
    await page.screenshot({ path: `${artifacts}/screenshots/${name}.png`, fullPage: true });
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a unit officer sees their own project and cannot see another unit\'s', async () => {
  const leader = process.env.SAIMA_LEADER_TOKEN;
  const unit = process.env.SAIMA_UNIT_TOKEN;
  const who = (await api(unit, '/v1/whoami')).body.caller;
  const own = (await api(leader, `/v1/projects?filter.unitId=${who.unitId}&pageSize=1`)).body.projects[0];
  const other = (await api(leader, '/v1/projects?filter.unitId=D10&pageSize=1')).body.projects[0];
  const page = await signedIn('longyuan-staff');
  await page.goto(`${base}/#/project/${own.projectId}?period=2023-05`);
  await page.waitForSelector('#project-name');
  assert.equal(await page.textContent('#project-name'), own.name);
  await page.screenshot({ path: `${artifacts}/screenshots/project.png`, fullPage: true });
  await page.goto(`${base}/#/project/${other.projectId}?period=2023-05`);
  await page.waitForSelector('#denied');
  assert.match(await page.textContent('#denied'), /无权查看/);
  assert.ok(!(await page.content()).includes(other.name), 'nothing of the other unit\'s project is shown');
  await page.screenshot({ path: `${artifacts}/screenshots/project-denied.png`, fullPage: true });
  await page.close();
});

// What officials read is Chinese: no enumeration identifier (RUKU_STATE_APPROVED …), no English error text, on
// any page of the dashboard, for a leader and for a unit's staff.
test('no page shows an identifier or English to officials', async () => {
  const leader = process.env.SAIMA_LEADER_TOKEN;
  const unit = process.env.SAIMA_UNIT_TOKEN;
  const who = (await api(unit, '/v1/whoami')).body.caller;
  const projects = (await api(leader, `/v1/projects?filter.unitId=${who.unitId}&pageSize=3`)).body.projects;
  const statuses = (await api(leader, '/v1/project-statuses?period=2023-05')).body.statuses;
  const pages = [['overview', '#/overview?period=2023-05', '#fai-total'], ['units', '#/units?period=2023-05', '#c-units canvas'],
    ['unit', `#/unit/${who.unitId}?period=2023-05`, 'table'], ['ruku', '#/ruku?period=2023-05', 'table'],
    ['contest', '#/contest?period=2023-05', '#c-contest canvas'], ['downloads', '#/downloads?period=2023-05', 'a[data-i]'],
    ['flags', '#/flags?period=2023-05', '#flags'],
    ...projects.map((p) => [`project-${p.projectId}`, `#/project/${p.projectId}?period=2023-05`, '#project-name']),
    ...statuses.slice(0, 3).map((s) => [`project-${s.projectId}`, `#/project/${s.projectId}?period=2023-05`, '#project-name'])];
  let scanned = 0;
  for (const user of ['city-leader', 'longyuan-staff']) {
    const page = await signedIn(user);
    for (const [name, hash, selector] of pages) {
      await page.goto(`${base}/${hash}`);
      await page.waitForSelector(`${selector}, .error`);
      const text = await page.evaluate(() => document.body.innerText);
      const identifiers = text.match(/\b[A-Z][A-Z_]{5,}\b/g) || [];
      assert.deepEqual(identifiers, [], `${name}: ${identifiers.join(', ')}`);
      for (const english of ['invalid request', 'may not', 'does not exist', 'is required', 'unavailable']) {
        assert.ok(!text.includes(english), `${name} shows English: ${english}`);
      }
      scanned++;
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  console.log(`pages scanned for identifiers and English: ${scanned}`);
});

// 核实性审核: the bureau sees the period's flags with the units' 说明, the dismissed one marked with its reason.
test('the statistics bureau reviews the flagged figures with their explanations', async () => {
  const page = await signedIn('tjj-officer');
  await page.goto(`${base}/#/flags?period=2023-05`);
  await page.waitForSelector('#flags');
  assert.equal(await page.textContent('#flag-count'), '2条 (待核实1条)');
  const text = await page.textContent('#flags');
  assert.match(text, /HS01 本月投资远高于历史水平/);
  assert.match(text, /5月支付主体设备采购款/);
  assert.match(text, /已排除：经核对施工合同付款条款，属实/);
  assert.ok(!/\b[A-Z][A-Z_]{5,}\b/.test(await page.evaluate(() => document.body.innerText)), 'no identifiers');
  await page.screenshot({ path: `${artifacts}/screenshots/flags.png`, fullPage: true });
  await page.goto(`${base}/#/flags?period=2023-03&rule=VERIFICATION_RULE_PERIOD_END_SPIKE`);
  await until(page, () => /1条/.test(document.querySelector('#flag-count')?.textContent || ''));
  assert.match(await page.textContent('#flags'), /季末月完成投资/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

// The API reference: the generated OpenAPI description rendered by Redoc, offline.
test('the API reference renders from /openapi.json', async () => {
  const spec = await (await fetch(`${base}/openapi.json`)).json();
  assert.equal(spec.openapi, '3.0.3');
  assert.ok(Object.keys(spec.paths).length > 60);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, ignoreHTTPSErrors: true });
  await page.goto(`${base}/docs`);
  await page.waitForSelector('text=赛马(Saima)固定资产投资项目管理系统 API', { timeout: 30000 });
  await page.waitForSelector('text=项目库 RegistryService');
  await page.screenshot({ path: `${artifacts}/screenshots/api-docs.png` });
  await page.close();
});
