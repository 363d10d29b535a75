// The workbench, role by role, end to end against the running demo system in a real browser: each person signs in
// with the password of the demo's accounts and does the month's work in the pages, as the journey says —
// a clerk creates a project, uploads its materials and applies for 入库; the 主管部门 passes it; the bureau approves;
// the clerk reports the month (one project by the form, the others by an Excel file whose one bad row is shown and
// fixed); the bureau verifies and locks the month; a judge scores two units' projects on a phone, losing the
// connection midway; the 发改局 issues an order that the unit answers; a leader reads the month on the overview.
// Screenshots of every step go to $SAIMA_ARTIFACTS/screenshots. After each person: no token in storage, the
// address or the page, no request outside the system, no script error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../src/format.js';
import { accounts, apiAs, assertClean, base, launch, person, screenshot, signIn, until } from './browser.mjs';

const { yi } = globalThis.SaimaFormat;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const run = String(Date.now()).slice(-6);
const code = `2023-331181-04-01-${run}`;
const name = `龙渊街道智能装备产业园项目(${run})`;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const pdf = (title) => Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const firstRender = {};
const nextMonth = (p) => { const [y, m] = p.split('-').map(Number); return m === 12 ? `${y + 1}-02` : `${y}-${String(m + 1).padStart(2, '0')}`; };

// An .xlsx workbook of rows, written by openpyxl (Debian's python3-openpyxl), as a clerk's Excel saves it.
function workbook(rows) {
  const file = join(mkdtempSync(join(tmpdir(), 'saima-xlsx-')), `龙渊街道月报-${run}.xlsx`);
  execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
book = openpyxl.Workbook()
for row in json.loads(sys.argv[2]): book.active.append(row)
book.save(sys.argv[1])`, file, JSON.stringify(rows)]);
  return file;
}
const HEADER = ['项目代码', '报告期', '本月完成投资(元)', '自年初累计(元)', '建筑工程(元)', '安装工程(元)', '设备工器具购置(元)', '其他费用(元)', '自开始建设累计(元)', '说明'];

test('each role does its month\'s work in the browser, end to end', async (t) => {
  const leaderApi = await apiAs('city-leader');
  const loader = await apiAs('data-loader');
  // The month being worked: the first one after the demo's locked months that is still open.
  let period = '2023-06';
  for (;;) {
    const { body } = await leaderApi.get(`/v1/indicators?period=${period}`);
    if (body.provisional) break;
    period = nextMonth(period);
  }
  console.log(`working month: ${period}; new project ${code}`);
  const clerk = await person(browser);
  const cp = await clerk.newPage();
  let projectId;

  await t.test('the clerk signs in and creates a project, the rules shown as they type', async () => {
    firstRender.clerk = await signIn(cp, 'longyuan-staff', '#my-projects');
    await cp.click('#new-project');
    await cp.fill('#f-projectCode', code);
    await cp.fill('#f-name', name);
    await cp.fill('#f-industryCode', '27');
    await cp.click('#f-name');
    // The registry's rule for the industry code, in Chinese, under the field — before anything is saved.
    const rule = await until(cp, () => [...document.querySelectorAll('.el-form-item__error')].map((e) => e.textContent).join(' | '));
    assert.match(rule, /行业/);
    await screenshot(cp, 'clerk-project-rule-as-typed');
    await cp.fill('#f-planningYear', '2023');
    await cp.fill('#f-plannedTotalInvestmentYuan', '30000000');
    await cp.fill('#f-plannedStartDate', '2023-05-01');
    await cp.fill('#f-actualStartDate', '2023-05-10');
    await cp.fill('#f-plannedCompletionDate', '2024-12-31');
    await cp.fill('#f-location', '龙渊街道剑池路');
    // A whole, valid project: the registry answers it as it would store it, the industry named (3741, as corrected).
    await cp.fill('#f-industryCode', '3741');
    await until(cp, () => document.querySelector('#industry-name')?.textContent === '飞机制造');
    await until(cp, () => ![...document.querySelectorAll('#project-create .el-form-item__error')].some((e) => e.textContent.trim()));
    await screenshot(cp, 'clerk-project-form');
    await cp.click('#project-save');
    await cp.waitForSelector('#project-name');
    assert.equal(await cp.textContent('#project-name'), name);
    projectId = new URL(cp.url()).hash.split('/').pop().split('?')[0];
    assert.match(projectId, /^\d+$/);
  });

  await t.test('the clerk applies for 入库 and uploads the materials the checklist asks for', async () => {
    await cp.click('.el-tabs__item:has-text("入库申请")');
    await cp.selectOption('#a-dept', 'D02');
    await cp.fill('#a-total', '30000000');
    await cp.fill('#a-unit', '龙渊街道办事处');
    await cp.click('#application-new');
    await until(cp, () => document.querySelector('#application-state')?.textContent === '草稿');
    const missing = await cp.$$eval('#checklist li.missing', (items) => items.map((li) => li.textContent));
    assert.deepEqual(missing.sort(), ['缺：施工合同', '缺：现场照片', '缺：项目审批核准备案文件(或附说明的施工许可证/设计文件/可研报告)'].sort());
    await screenshot(cp, 'clerk-ruku-checklist');
    await cp.click('.el-tabs__item:has-text("材料")');
    // A page renamed .png is refused by its bytes, and nothing is stored.
    await cp.setInputFiles('#u-file', { name: '现场.png', mimeType: 'image/png', buffer: Buffer.from('<html>not a picture</html>') });
    await cp.fill('#u-taken', '2023-05-12 09:30');
    await cp.fill('#u-place', '龙渊街道剑池路');
    await cp.click('#upload-submit');
    await until(cp, () => /文件内容与文件类型不符/.test(document.querySelector('#edit-error')?.textContent || ''));
    await screenshot(cp, 'clerk-upload-refused');
    const uploads = [
      ['DOCUMENT_TYPE_SITE_PHOTO', { name: '开工现场.png', mimeType: 'image/png', buffer: PNG }, { '#u-taken': '2023-05-12 09:30', '#u-place': '龙渊街道剑池路' }],
      ['DOCUMENT_TYPE_CONSTRUCTION_CONTRACT', { name: '施工合同.pdf', mimeType: 'application/pdf', buffer: pdf('contract') }, { '#u-number': `LY-SG-${run}` }],
      ['DOCUMENT_TYPE_APPROVAL', { name: '备案通知书.pdf', mimeType: 'application/pdf', buffer: pdf('approval') }, { '#u-number': `龙经信备〔2023〕${run}号`, '#u-issuer': '龙泉市经济和信息化局' }],
    ];
    for (const [i, [type, file, fields]] of uploads.entries()) {
      await cp.selectOption('#u-type', type);
      await cp.setInputFiles('#u-file', file);
      for (const [selector, value] of Object.entries(fields)) await cp.fill(selector, value);
      await cp.click('#upload-submit');
      await until(cp, (n) => document.querySelectorAll('#documents tr').length === n + 1, i + 1);
    }
    const links = await cp.$$eval('#documents a, #documents .el-link', (a) => a.map((x) => x.textContent.trim()));
    assert.deepEqual(links, ['开工现场.png', '施工合同.pdf', '备案通知书.pdf']);
    await screenshot(cp, 'clerk-materials');
    await cp.click('.el-tabs__item:has-text("入库申请")');
    await until(cp, () => /材料齐全/.test(document.querySelector('#checklist')?.textContent || ''));
    await cp.click('#application-submit');
    await until(cp, () => document.querySelector('#application-state')?.textContent === '已提交');
    await screenshot(cp, 'clerk-ruku-submitted');
  });

  const reviewer = await person(browser);
  const rp = await reviewer.newPage();
  await t.test('the 主管部门 reads the materials and passes the application', async () => {
    firstRender.reviewer = await signIn(rp, 'jxj-reviewer', '.review-item, .el-empty');
    const item = rp.locator(`.review-item[data-code="${code}"]`);
    await item.waitFor();
    assert.equal(await item.locator('.el-link').count(), 3, 'the three uploaded files can be opened');
    const [downloaded] = await Promise.all([rp.waitForEvent('download'), item.locator('.el-link', { hasText: '备案通知书.pdf' }).click()]);
    assert.equal(downloaded.suggestedFilename(), '备案通知书.pdf');
    await screenshot(rp, 'reviewer-queue');
    await item.locator('button', { hasText: '审核通过' }).click();
    await until(rp, () => /主管部门已审核/.test(document.querySelector('#review-done')?.textContent || ''));
    await assertClean(reviewer);
  });

  const bureau = await person(browser);
  const bp = await bureau.newPage();
  await t.test('the statistics bureau accepts and approves it with its 入库 date', async () => {
    firstRender.bureau = await signIn(bp, 'tjj-officer', '#lock-period');
    await bp.goto(`${base}/#/review`);
    const item = bp.locator(`.review-item[data-code="${code}"]`);
    await item.locator('button', { hasText: '统计局受理' }).click();
    await until(bp, () => /统计局审核中/.test(document.querySelector('#review-done')?.textContent || ''));
    await item.locator('.ruku-date').fill(`${period}-05`);
    await screenshot(bp, 'bureau-approve');
    await item.locator('button', { hasText: '批准入库' }).click();
    await until(bp, () => /已入库/.test(document.querySelector('#review-done')?.textContent || ''));
    const { body } = await leaderApi.get(`/v1/projects/${projectId}`);
    assert.equal(body.project.rukuState, 'RUKU_STATE_APPROVED');
    assert.equal(body.project.rukuDate, `${period}-05`);
  });

  await t.test('the clerk reports the month: one project by the form, the rest by an Excel file', async () => {
    await cp.goto(`${base}/#/my/figures?period=${period}`);
    const form = cp.locator(`.figure-form[data-code="${code}"]`);
    await form.waitFor();
    for (const [field, value] of [['monthYuan', '5000000'], ['ytdYuan', '5000000'], ['construction', '4000000'], ['installation', '500000'],
      ['equipment', '500000'], ['other', '0'], ['sinceStartYuan', '5000000'], ['explanation', '5月10日开工，本月为首次报送']]) {
      await cp.fill(`[id="${projectId}-${field}"]`, value);
    }
    // Stats learns of the approval from the registry's change feed: until then the figure is refused for a moment.
    for (let i = 0; ; i++) {
      await form.locator('button', { hasText: '报送' }).click();
      await until(cp, (id) => document.querySelector(`.figure-form[data-code="${id}"] .row-message`)?.textContent, code);
      if (/已报送/.test(await form.locator('.row-message').textContent())) break;
      assert.ok(i < 50, await form.locator('.row-message').textContent());
      await cp.waitForTimeout(200);
    }
    await screenshot(cp, 'clerk-figure-form');
    // The unit's other projects: the month added to the latest figures of the year.
    const clerkApi = await apiAs('longyuan-staff');
    const codes = await cp.$$eval('.figure-form', (forms) => forms.map((f) => f.dataset.code));
    const { body: list } = await clerkApi.get('/v1/projects?filter.unitId=331181001&filter.rukuState=RUKU_STATE_APPROVED&pageSize=1000');
    const rows = [];
    for (const p of list.projects.filter((x) => x.projectCode !== code && codes.includes(x.projectCode))) {
      const { body } = await clerkApi.get(`/v1/projects/${p.projectId}/figures`);
      const last = (body.reports || []).filter((r) => r.period < period && r.period.startsWith(period.slice(0, 4))).pop();
      if (!last) continue;
      const add = 100000n;
      const b = last.ytdBreakdown || {};
      rows.push([p.projectCode, period, String(add), String(BigInt(last.ytdYuan) + add), String(BigInt(b.constructionYuan || 0) + add),
        String(b.installationYuan || 0), String(b.equipmentYuan || 0), String(b.otherYuan || 0), String(BigInt(last.sinceStartYuan) + add),
        '本月按合同进度支付工程款']);
    }
    assert.ok(rows.length >= 2, `the unit has other reporting projects (${rows.length})`);
    const bad = rows.map((r) => [...r]);
    bad[1][4] = String(BigInt(bad[1][4]) - 1n); // the parts no longer add up to 自年初累计
    await cp.setInputFiles('#import-file', workbook([HEADER, ...bad]));
    await cp.click('#import-submit');
    await cp.waitForSelector('#import-errors');
    const refused = await cp.$$eval('#import-errors tr', (trs) => trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.deepEqual(refused.map(([line, column]) => [line, column]), [['3', '自年初累计(元)']]);
    assert.match(refused[0][2], /建筑工程/);
    assert.match(await cp.textContent('#import-summary'), new RegExp(`共 ${rows.length} 行，导入 0 行`));
    await screenshot(cp, 'clerk-import-refused-row');
    await cp.setInputFiles('#import-file', workbook([HEADER, ...rows]));
    await cp.click('#import-submit');
    await until(cp, (n) => document.querySelector('#import-summary')?.textContent === `共 ${n} 行，导入 ${n} 行`, rows.length);
    assert.equal(await cp.$('#import-errors'), null);
    await screenshot(cp, 'clerk-import-fixed');
  });

  await t.test('the bureau verifies the figure and locks the month', async () => {
    await bp.goto(`${base}/#/verify?period=${period}`);
    await bp.waitForSelector('#v-unit');
    await bp.selectOption('#v-unit', '331181001');
    await bp.click('.toolbar button:has-text("查看")');
    const row = bp.locator(`#verify-rows tr[data-code="${code}"]`);
    await row.locator('button', { hasText: '核定' }).click();
    await until(bp, (c) => document.querySelector(`#verify-rows tr[data-code="${c}"] .kind`)?.textContent === '统计局核定', code);
    await screenshot(bp, 'bureau-verified');
    await bp.click('#lock-period');
    await until(bp, () => document.querySelector('#period-state')?.textContent === '已锁定');
    const { body } = await leaderApi.get(`/v1/indicators?period=${period}`);
    assert.equal(body.provisional, false, 'the month is locked');
    await screenshot(bp, 'bureau-locked');
    await assertClean(bureau);
  });

  await t.test('the 发改局 issues an order and the unit answers it', async () => {
    const admin = await person(browser);
    const ap = await admin.newPage();
    firstRender.admin = await signIn(ap, 'fgj-admin', '#order-form');
    await ap.fill('#o-code', code);
    await ap.fill('#o-task', '6月底前完成主体厂房桩基施工，按月报送形象进度');
    await ap.fill('#o-owner', '李明');
    await ap.fill('#o-reason', `${period} 新入库项目跟进`);
    await ap.fill('#o-node', '桩基完成');
    await ap.fill('#o-node-date', new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10));
    await ap.fill('#o-roadmap', '6月完成场地平整\n7月完成桩基\n8月主体结构施工');
    await ap.click('#order-issue');
    const done = await until(ap, () => document.querySelector('#dispatch-done, #dispatch-error')?.textContent);
    assert.match(done, /^已向龙渊街道下达提示单 \d+$/);
    const orderId = done.match(/(\d+)$/)[1];
    await screenshot(ap, 'admin-order-issued');
    await cp.goto(`${base}/#/my/orders`);
    const order = cp.locator(`.order[data-order="${orderId}"]`);
    await order.locator('input').fill('桩基已进场施工，6月25日前完成');
    await order.locator('button', { hasText: '提交答复' }).click();
    await until(cp, () => /已答复/.test(document.querySelector('#orders-done')?.textContent || ''));
    await screenshot(cp, 'clerk-order-answered');
    await ap.reload();
    await until(ap, (id) => document.querySelector(`#orders tr[data-order="${id}"] .order-state`)?.textContent === '已答复', orderId);
    assert.equal(await ap.textContent(`#orders tr[data-order="${orderId}"] .order-answer`), '桩基已进场施工，6月25日前完成');
    await assertClean(admin);
    await admin.close();
  });

  await t.test('a judge scores two units on a phone, losing the connection midway', async () => {
    // The 发改局's contest of the test run: three units' projects of the demo's eligible list nominated; the judge
    // belongs to the third unit, whose project is on the route too and is not offered to that judge.
    const { body: eligible } = await loader.get('/v1/projects?filter.stage=PROJECT_STAGE_CONSTRUCTION&filter.rukuState=RUKU_STATE_APPROVED&pageSize=1000');
    const picked = [];
    for (const p of eligible.projects.filter((x) => x.actualStartDate >= '2022-06-01' && /^331181\d{3}$/.test(x.unitId))) {
      if (picked.length < 3 && !picked.some((q) => q.unitId === p.unitId)) picked.push(p);
    }
    const judgeUnit = picked[2].unitId;
    const { body: made } = await loader.post('/v1/campaigns', { year: 2023, name: `观摩评分(${run})`, figuresPeriod: '2023-05',
      eligibleSince: '2022-06-01', method: 'AGGREGATION_METHOD_TRIMMED_MEAN',
      pools: [{ poolId: 'all', name: '全部', unitIds: picked.map((p) => p.unitId) }] });
    const campaign = made.campaign;
    assert.ok(campaign?.campaignId, JSON.stringify(made));
    const c = `/v1/campaigns/${campaign.campaignId}`;
    const judgeAdded = await loader.post(`${c}/judges`, { judgeId: 'judge-zhang', name: '张评委', title: '乡镇党委书记', unitId: judgeUnit });
    assert.equal(judgeAdded.status, 200, JSON.stringify(judgeAdded.body));
    const nominated = [];
    for (const p of picked) {
      const { status, body } = await loader.post(`${c}/nominations`, { projectId: p.projectId });
      assert.equal(status, 200, JSON.stringify(body));
      const reviewed = await loader.post(`/v1/nominations/${body.nomination.nominationId}:review`, { approve: true, note: '材料齐全' });
      assert.equal(reviewed.status, 200, JSON.stringify(reviewed.body));
      nominated.push(body.nomination.nominationId);
    }
    assert.equal((await loader.post(`${c}:finalizeSelection`, { nominationIds: nominated })).status, 200);
    const criteria = (await loader.get(c)).body.campaign.criteria;

    const judge = await person(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const jp = await judge.newPage();
    firstRender.judge = await signIn(jp, 'judge-zhang', '.judge-unit, .van-empty');
    const units = await jp.$$eval(`.judge-unit[data-campaign="${campaign.campaignId}"]`, (cells) => cells.map((x) => x.dataset.unit));
    assert.deepEqual(units, picked.slice(0, 2).map((p) => p.unitId), 'the route in order, without the judge\'s own unit');
    await screenshot(jp, 'judge-route');
    const given = {};
    for (const [u, unit] of units.entries()) {
      await jp.click(`.judge-unit[data-unit="${unit}"][data-campaign="${campaign.campaignId}"]`);
      await jp.waitForSelector('.criterion');
      assert.deepEqual(await jp.evaluate(unlabeled), [], 'every score field is named');
      given[unit] = {};
      for (const [i, criterion] of criteria.entries()) {
        if (u === 0 && i === 2) {
          // The connection is cut: the scores stay on the phone and are said to be waiting.
          await judge.setOffline(true);
        }
        const value = criterion.maxScore - 1 - i - u;
        given[unit][criterion.criterionId] = value;
        const input = jp.locator(`.criterion[data-criterion="${criterion.criterionId}"] input`);
        await input.fill(String(value));
        await input.blur();
        if (u === 0 && i === 3) {
          await jp.waitForSelector('#sheet-offline');
          assert.match(await jp.textContent('#sheet-state'), /网络中断/);
          await screenshot(jp, 'judge-offline');
          await judge.setOffline(false);
        }
      }
      await until(jp, () => document.querySelector('#sheet-state')?.textContent === '已保存');
      await screenshot(jp, `judge-sheet-${u + 1}`);
      await jp.click('#sheet-submit');
      await until(jp, () => document.querySelector('#sheet-state')?.textContent === '已提交');
      await jp.click('.van-nav-bar__left');
      await jp.waitForSelector('.judge-unit');
    }
    const { body: sheets } = await loader.get(`${c}/sheets`);
    for (const unit of units) {
      const sheet = sheets.sheets.find((s) => s.judgeId === 'judge-zhang' && s.unitId === unit);
      assert.ok(sheet?.submitted, `the sheet for ${unit} is submitted`);
      assert.deepEqual(sheet.scores, given[unit], 'the scores given on the phone, the ones given offline included');
    }
    await screenshot(jp, 'judge-done');
    await assertClean(judge);
    await judge.close();
  });

  await t.test('a leader reads the month on the overview', async () => {
    const leader = await person(browser);
    const lp = await leader.newPage();
    firstRender.leader = await signIn(lp, 'city-leader', '#fai-total');
    await lp.goto(`${base}/#/overview?period=${period}`);
    await until(lp, (p) => document.querySelector('#asof')?.textContent.includes(`报告期 ${p}`), period);
    const { body } = await leaderApi.get(`/v1/indicators?period=${period}`);
    assert.equal(await lp.textContent('#fai-total'), `${yi(body.total.ytdYuan)}亿元`);
    assert.match(await lp.textContent('#asof'), /核定数/);
    await screenshot(lp, 'leader-overview');
    await assertClean(leader);
    await leader.close();
  });

  await assertClean(clerk);
  await reviewer.close();
  await bureau.close();
  await clerk.close();
  for (const [role, ms] of Object.entries(firstRender)) console.log(`first render of the ${role}'s start page: ${ms} ms (sign-in click to the page drawn)`);
});

test('a session lives across tabs, ends in every tab at sign-out, and ends at its next call when revoked', async () => {
  // An account of its own (the system administrator makes it), so that ending its sessions touches no other test.
  const root = await apiAs('data-loader');
  const user = `web-clerk-${run}`;
  const password = `pw-${run}-${Math.random().toString(36).slice(2)}`;
  const made = await root.post('/v1/users', { user: { userId: user, displayName: '龙渊街道填报员(会话测试)', role: 'unit_staff', unitId: '331181001' }, password });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  accounts[user] = { role: 'unit_staff', unit: '331181001', password };
  const clerk = await person(browser);
  const one = await clerk.newPage();
  await signIn(one, user, '#my-projects');
  // A second tab is signed in by the session's cookie; no password, no token handed over in storage.
  const two = await clerk.newPage();
  await two.goto(`${base}/#/my/orders`);
  await two.waitForSelector('.order, .el-empty');
  await assertClean(clerk);
  await two.click('#signout');
  await one.waitForSelector('#user');
  assert.match(await one.textContent('.notice'), /退出/);
  // Signed in again, then the system administrator ends every session of the clerk: the page's next call finds
  // it out and returns to the sign-in page.
  await signIn(one, user, '#my-projects');
  const { status, body } = await root.post('/v1/auth/sign-out', { userId: user });
  assert.equal(status, 200, JSON.stringify(body));
  await new Promise((r) => setTimeout(r, 1500));
  await one.click('#nav a:has-text("问题与督办")');
  await one.waitForSelector('#user');
  assert.match(await one.textContent('.notice'), /重新登录/);
  await one.bringToFront();
  await screenshot(one, 'revoked-session');
  await assertClean(clerk);
  await clerk.close();
});

// Fields a person cannot name: inputs, selects and text areas without a label (label[for], a wrapping label,
// aria-label or aria-labelledby).
function unlabeled() {
  return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.closest('label')) return false;
    return !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
  }).map((el) => el.outerHTML.slice(0, 120));
}

test('the pages work by keyboard, name every field, and read at 125% zoom', async () => {
  // 1366×900 at 125%: 1093×720 CSS pixels.
  const clerk = await person(browser, { viewport: { width: 1093, height: 720 }, deviceScaleFactor: 1.25 });
  const page = await clerk.newPage();
  await page.goto(`${base}/#/login`);
  await page.focus('#user');
  await page.keyboard.type('longyuan-staff');
  await page.keyboard.press('Tab');
  await page.keyboard.type(accounts['longyuan-staff'].password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#my-projects');
  const pages = [['#/my/projects', '#my-projects'], ['#/my/figures', '#import-file'], ['#/my/orders', '.panel'],
    ['#/overview?period=2023-05', '#fai-total'], ['#/password', '#p-current']];
  for (const [hash, ready] of pages) {
    await page.goto(`${base}/${hash}`);
    await page.waitForSelector(ready);
    if (hash === '#/my/projects') await page.click('#new-project');
    assert.deepEqual(await page.evaluate(unlabeled), [], `${hash}: every field has a label`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${hash}: no sideways scrolling at 125% (${overflow} px too wide)`);
  }
  // The project's pages and tabs by keyboard: Tab reaches the tabs, the arrow keys move between them.
  await page.goto(`${base}/#/my/projects`);
  await page.click('#my-projects a');
  await page.waitForSelector('#project-name');
  for (const tab of ['节点与责任人', '材料', '入库申请']) {
    await page.click(`.el-tabs__item:has-text("${tab}")`);
    assert.deepEqual(await page.evaluate(unlabeled), [], `${tab}: every field has a label`);
  }
  await screenshot(page, 'zoom-125-project');
  await assertClean(clerk);
  await clerk.close();
});
