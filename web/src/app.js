// Saima dashboard: every figure comes from the gateway's HTTP API with the signed-in person's token, so the
// gateway's and the services' authorization applies as it does to any client. Amounts arrive as exact integers
// in 元 (JSON strings); they are rounded here only for display, half away from zero, like the reports.
'use strict';

const TOKEN_KEY = 'saima.token';
const PERIOD_KEY = 'saima.period';
const main = () => document.getElementById('main');

// ---- formatting (exact, from integer 元): format.js, the one rounding of tables, labels and charts ----
const { yi, wan, pct, growth, ratio } = window.SaimaFormat;
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// Display names of every enumeration, generated from the contracts (names.js, window.SAIMA_NAMES).
const NAMES = window.SAIMA_NAMES || {};
const nameOf = (type, value) => ((NAMES[type] || {})[value]) || '—';
const LIGHT = NAMES['saima.stats.v1.ProgressStatus'] || {};
const CATEGORY = NAMES['saima.stats.v1.Category'] || {};
const STAGE = NAMES['saima.registry.v1.ProjectStage'] || {};
const RUKU = NAMES['saima.registry.v1.RukuState'] || {};
const VERDICT = NAMES['saima.stats.v1.ForecastVerdict'] || {};
const RULE = NAMES['saima.stats.v1.VerificationRule'] || {};
// Unit names by id (loaded once after sign-in): people read names, not codes.
let UNITS = {};
const unitName = (id) => UNITS[id] || id || '—';
async function loadUnits() {
  const { units = [] } = await api('/v1/units');
  UNITS = Object.fromEntries(units.map((u) => [u.unitId, u.name]));
}
// Times for people: China Standard Time.
const cst = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');
// The error for people: the zh-CN LocalizedMessage the services attach (AIP-193).
const chineseOf = (body, status) =>
  ((body.details || []).find((d) => (d['@type'] || '').endsWith('google.rpc.LocalizedMessage')) || {}).message ||
  `请求失败(HTTP ${status})`;
const light = (name) => (name ? `<span class="light l-${esc(name)}">${esc(name)}</span>` : '—');

// ---- the API ----
class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
async function api(path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ''}` } });
  if (res.status === 204) return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401) { sessionStorage.removeItem(TOKEN_KEY); }
    throw new ApiError(res.status, chineseOf(body, res.status));
  }
  return body;
}
async function download(path, name) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` } });
  if (!res.ok) { alert(`下载失败：${chineseOf(await res.json().catch(() => ({})), res.status)}`); return; }
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.appendChild(a); a.click(); a.remove();
  URL.revokeObjectURL(url);
}

// ---- routing ----
function route() {
  const [path, query] = (location.hash.slice(1) || '/overview').split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(query || '') };
}
function chart(id, option) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return;
  echarts.init(el, null, { renderer: 'canvas' }).setOption({ animation: false, ...option });
}
function asOf(period, extra = '') {
  document.getElementById('asof').textContent =
    `报告期 ${period || '—'}${extra} · 数据截至 ${new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })} (来自网关实时接口)`;
}
async function latestPeriod(params) {
  if (params.get('period')) { localStorage.setItem(PERIOD_KEY, params.get('period')); return params.get('period'); }
  if (localStorage.getItem(PERIOD_KEY)) return localStorage.getItem(PERIOD_KEY);
  // The newest month with figures, within the last four years.
  const now = new Date();
  const candidates = [];
  for (let i = 0; i < 48; i++) {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1);
    if (d.getMonth() === 0) continue;  // no January period: 02 covers January and February
    candidates.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`);
  }
  const counts = await Promise.all(candidates.map((p) => api(`/v1/indicators?period=${p}`).then((r) => r.projectCount || 0, () => 0)));
  const found = candidates.find((_, i) => counts[i] > 0) || candidates[0];
  localStorage.setItem(PERIOD_KEY, found);
  return found;
}
function periodPicker(period, target) {
  return `<div class="toolbar">报告期 <input id="period" type="month" value="${esc(period)}">
    <button onclick="location.hash='${target}?period='+document.getElementById('period').value">查看</button></div>`;
}
function monthsUpTo(period) {
  const [y, m] = period.split('-').map(Number);
  const out = [];
  for (let i = 2; i <= m; i++) out.push(`${y}-${String(i).padStart(2, '0')}`);
  return out;
}
function lastDay(period) {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

// ---- pages ----
async function overview(params, view) {
  const period = await latestPeriod(params);
  const { report } = await api(`/v1/reports/city?period=${period}`);
  const ind = report.indicators;
  const counts = report.keyProjects.countByStatus || {};
  const keyTotal = Object.values(counts).reduce((a, b) => a + b, 0);
  const [year] = period.split('-');
  if (view.stale()) return;
  main().innerHTML = `${periodPicker(period, '#/overview')}
    <div class="cards">
      <div class="card"><div class="label">固定资产投资 (1-${Number(period.slice(5))}月)</div><div class="value" id="fai-total">${yi(ind.total.ytdYuan)}亿元</div></div>
      <div class="card"><div class="label">同比增长</div><div class="value" id="fai-growth">${growth(ind.total.yoyGrowth)}</div></div>
      <div class="card"><div class="label">增长目标</div><div class="value" id="fai-target">…</div></div>
      <div class="card"><div class="label">上年同期</div><div class="value">${yi(ind.total.ytdLastYearYuan)}亿元</div></div>
      <div class="card"><div class="label">年度计划完成率 / 时序进度</div><div class="value">${pct(ind.completionRate.numerator, ind.completionRate.denominator)} / ${pct(ind.timeProgress.numerator, ind.timeProgress.denominator)}</div></div>
      <div class="card"><div class="label">${keyTotal}个重点项目计划完成率</div><div class="value" id="key-rate">${pct(report.keyProjectsCompletionRate.numerator, report.keyProjectsCompletionRate.denominator)}</div></div>
      <div class="card"><div class="label">丽水市排名</div><div class="value">${ind.total.prefectureRank ? `${ind.total.prefectureRank}/${ind.total.prefectureSize}` : '—'}</div></div>
      <div class="card"><div class="label">上半年新开工重大项目</div><div class="value">${report.newMajorStarts || 0}个 (滞后预警${report.newMajorStartsBehind || 0})</div></div>
      <div class="card"><div class="label">全年预计 (按往年进度规律)</div><div class="value" id="fai-forecast">…</div></div>
    </div>
    <div class="panel" id="forecast-panel"><h2>全年预计</h2><p id="forecast-summary">…</p><div id="forecast-detail"></div></div>
    <div class="grid">
      <div class="panel"><h2>重点项目亮灯 <span id="lights">较快${counts.PROGRESS_STATUS_AHEAD || 0} 正常${counts.PROGRESS_STATUS_NORMAL || 0} 预警${counts.PROGRESS_STATUS_WARNING || 0} 滞后${counts.PROGRESS_STATUS_LAGGING || 0}</span></h2><div class="chart" id="c-lights"></div></div>
      <div class="panel"><h2>分类投资同比增长</h2><div class="chart" id="c-growth"></div></div>
      <div class="panel"><h2>年度计划完成率与时序进度</h2><div class="chart" id="c-curve"></div></div>
      <div class="panel"><h2>丽水市排名</h2><table><tr><th>指标</th><th class="num">本年累计(亿元)</th><th class="num">同比</th><th class="num">排名</th></tr>
        ${[ind.total, ...ind.categories].filter((c) => c.prefectureRank).map((c) => `<tr><td>${esc(CATEGORY[c.category || 'CATEGORY_UNSPECIFIED'] || '—')}</td><td class="num">${yi(c.ytdYuan)}</td><td class="num">${growth(c.yoyGrowth)}</td><td class="num">第${c.prefectureRank}/${c.prefectureSize}</td></tr>`).join('')}</table>
        <h2 style="margin-top:12px">年度计划5000万元以上、完成率最低的5个单位</h2><table><tr><th>单位</th><th class="num">完成率</th></tr>
        ${(report.lowestUnits.units || []).slice(0, 5).map((u) => `<tr><td><a href="#/unit/${esc(u.unitId)}?period=${period}">${esc(u.unitName)}</a></td><td class="num">${pct(u.completionRate.numerator, u.completionRate.denominator)}</td></tr>`).join('')}</table></div>
      <div class="panel" style="grid-column: 1 / -1"><h2>滞后与预警的重点项目</h2><table><tr><th>项目</th><th>状态</th><th class="num">完成率</th><th>原因</th></tr>
        ${(report.keyProjects.statuses || []).filter((s) => s.status === 'PROGRESS_STATUS_LAGGING' || s.status === 'PROGRESS_STATUS_WARNING')
          .sort((a, b) => (a.status < b.status ? -1 : 1)).map((s) => `<tr><td><a href="#/project/${s.projectId}?period=${period}">${esc(s.projectName)}</a></td><td>${light(LIGHT[s.status])}</td><td class="num">${pct(s.completionRate.numerator, s.completionRate.denominator)}</td><td>${esc(s.reason)}</td></tr>`).join('')}</table></div>
    </div>`;
  asOf(period, ind.provisional ? ' (初步数)' : ' (核定数)');
  chart('c-lights', {
    tooltip: {}, color: ['#1b5e20', '#43a047', '#f9a825', '#c62828'],
    series: [{ type: 'pie', radius: ['35%', '70%'], label: { formatter: '{b} {c}' },
      data: ['PROGRESS_STATUS_AHEAD', 'PROGRESS_STATUS_NORMAL', 'PROGRESS_STATUS_WARNING', 'PROGRESS_STATUS_LAGGING'].map((k) => ({ name: LIGHT[k], value: counts[k] || 0 })) }],
  });
  const cats = ind.categories.filter((c) => c.yoyGrowth && c.yoyGrowth.defined);
  chart('c-growth', {
    grid: { left: 110, right: 40 }, tooltip: {},
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: cats.map((c) => CATEGORY[c.category] || '—') },
    series: [{ type: 'bar', data: cats.map((c) => ratio(c.yoyGrowth.numerator, c.yoyGrowth.denominator)), label: { show: true, position: 'right', formatter: (p) => `${p.value.toFixed(1)}%` } }],
  });
  window.__saimaOverviewRendered = performance.now();
  // Then, without holding the first render: the monthly curve and the growth target.
  const months = monthsUpTo(period);
  const series = await Promise.all(months.map((p) => api(`/v1/indicators?period=${p}`)));
  if (view.stale()) return;
  chart('c-curve', {
    tooltip: { trigger: 'axis' }, legend: { data: ['计划完成率', '时序进度'] },
    xAxis: { type: 'category', data: months }, yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [
      { name: '计划完成率', type: 'line', data: series.map((s) => ratio(s.completionRate.numerator, s.completionRate.denominator)) },
      { name: '时序进度', type: 'line', lineStyle: { type: 'dashed' }, data: series.map((s) => ratio(s.timeProgress.numerator, s.timeProgress.denominator)) },
    ],
  });
  api(`/v1/forecasts?period=${period}`).then((f) => {
    if (view.stale()) return;
    const city = f.city;
    document.getElementById('fai-forecast').textContent = city.forecastYuan && city.forecastYuan !== '0'
      ? `${yi(city.forecastYuan)}亿元 ${VERDICT[city.verdict || 'FORECAST_VERDICT_UNSPECIFIED'] || ''}` : '—';
    document.getElementById('forecast-summary').textContent = city.summary;
    const miss = [...(f.units || []), ...(f.keyProjects || [])].filter((x) => x.verdict === 'FORECAST_VERDICT_UNLIKELY');
    document.getElementById('forecast-detail').innerHTML = `<table><tr><th>分类</th><th class="num">预计全年(亿元)</th><th class="num">预计增长</th><th>达成增长目标</th></tr>
      ${(f.categories || []).map((c) => `<tr><td>${esc(c.name)}</td><td class="num">${yi(c.forecastYuan)}</td><td class="num">${growth(c.growth)}</td><td>${esc(VERDICT[c.verdict || 'FORECAST_VERDICT_UNSPECIFIED'])}</td></tr>`).join('')}</table>
      <h2 style="margin-top:12px">预计难以完成年度计划的单位和重点项目 (${miss.length}个)</h2><table id="forecast-miss"><tr><th>单位或项目</th><th class="num">已完成(万元)</th><th class="num">预计全年(万元)</th><th class="num">年度计划(万元)</th></tr>
      ${miss.map((x) => `<tr><td>${x.scope.startsWith('project:') ? `<a href="#/project/${esc(x.scope.slice(8))}?period=${period}">${esc(x.name)}</a>` : `<a href="#/unit/${esc(x.scope.slice(5))}?period=${period}">${esc(x.name)}</a>`}</td><td class="num">${wan(x.ytdYuan)}</td><td class="num">${wan(x.forecastYuan)}</td><td class="num">${wan(x.targetYuan)}</td></tr>`).join('')}</table>`;
  }, () => { document.getElementById('fai-forecast').textContent = '—'; });
  const target = document.getElementById('fai-target');
  api(`/v1/analysis/annual?year=${year}&period=${period}`).then((s) => {
    const value = Number(s.growthTargetMilliPercent || 0) / 1000;
    target.textContent = `${value.toFixed(1)}% ${s.growthTargetMet ? '✓ 已超过' : '未达到'}`;
  }, () => { target.textContent = '—'; });
}

async function units(params, view) {
  const period = await latestPeriod(params);
  const min = params.get('min') || '0';
  const { units: ranked = [] } = await api(`/v1/unit-rankings?period=${period}&minAnnualPlanYuan=${min}`);
  if (view.stale()) return;
  main().innerHTML = `${periodPicker(period, '#/units')}
    <div class="toolbar">年度计划 <select id="min" onchange="location.hash='#/units?period=${period}&min='+this.value">
      <option value="0" ${min === '0' ? 'selected' : ''}>全部单位</option>
      <option value="50000000" ${min === '50000000' ? 'selected' : ''}>5000万元以上</option></select></div>
    <div class="panel"><h2>单位计划完成率排名 (${ranked.length}个单位)</h2><div class="chart" id="c-units" style="height:${Math.max(300, ranked.length * 22)}px"></div></div>
    <div class="panel"><table><tr><th>名次</th><th>单位</th><th class="num">年度计划(万元)</th><th class="num">本年累计(万元)</th><th class="num">完成率</th></tr>
      ${ranked.map((u) => `<tr><td>${u.rank}</td><td><a href="#/unit/${esc(u.unitId)}?period=${period}">${esc(u.unitName)}</a></td><td class="num">${wan(u.annualPlanYuan)}</td><td class="num">${wan(u.ytdYuan)}</td><td class="num">${pct(u.completionRate.numerator, u.completionRate.denominator)}</td></tr>`).join('')}</table></div>`;
  asOf(period);
  const rev = [...ranked].reverse();
  chart('c-units', {
    grid: { left: 130, right: 50 }, tooltip: {},
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rev.map((u) => u.unitName) },
    series: [{ type: 'bar', data: rev.map((u) => ratio(u.completionRate.numerator, u.completionRate.denominator)), label: { show: true, position: 'right', formatter: (p) => `${p.value.toFixed(1)}%` } }],
  });
}

async function unit(id, params, view) {
  const period = await latestPeriod(params);
  const [list, statuses] = await Promise.all([
    api(`/v1/projects?filter.unitId=${encodeURIComponent(id)}&pageSize=500`),
    api(`/v1/project-statuses?period=${period}`),
  ]);
  const byId = Object.fromEntries((statuses.statuses || []).map((s) => [s.projectId, s]));
  const projects = list.projects || [];
  const forecasts = await api(`/v1/forecasts?period=${period}`).catch(() => ({}));
  const own = (forecasts.units || []).find((u) => u.scope === `unit:${id}`);
  if (view.stale()) return;
  main().innerHTML = `${own ? `<div class="panel"><h2>全年预计</h2><p id="unit-forecast">${esc(own.summary)}</p></div>` : ''}
    <div class="panel"><h2>${esc(unitName(id))} 的项目 (${projects.length}个)</h2>
    <table><tr><th>项目</th><th>阶段</th><th>入库</th><th class="num">计划总投资(万元)</th><th>重点项目状态</th></tr>
    ${projects.map((p) => `<tr><td><a href="#/project/${p.projectId}?period=${period}">${esc(p.name)}</a></td><td>${STAGE[p.stage] || ''}</td><td>${RUKU[p.rukuState || 'RUKU_STATE_UNSPECIFIED'] || '—'}</td><td class="num">${wan(p.plannedTotalInvestmentYuan)}</td><td>${byId[p.projectId] ? light(LIGHT[byId[p.projectId].status]) : '—'}</td></tr>`).join('')}</table></div>`;
  asOf(period);
}

async function project(id, params, view) {
  const period = await latestPeriod(params);
  let data;
  try {
    data = await Promise.all([
      api(`/v1/projects/${id}`), api(`/v1/projects/${id}/milestones`), api(`/v1/projects/${id}/documents`),
      api(`/v1/projects/${id}/figures`), api(`/v1/projects/${id}/history`),
    ]);
  } catch (e) {
    if (view.stale()) return;
    if (e.status === 403) { main().innerHTML = `<p class="error" id="denied">无权查看该项目: ${esc(e.message)}</p>`; return; }
    throw e;
  }
  const [{ project: p }, { milestones = [] }, { documents = [] }, { reports = [] }, { changes = [] }] = data;
  const today = new Date().toISOString().slice(0, 10);
  if (view.stale()) return;
  main().innerHTML = `<div class="grid">
    <div class="panel"><h2 id="project-name">${esc(p.name)}</h2><table>
      <tr><th>项目代码</th><td>${esc(p.projectCode || '—')}</td></tr><tr><th>单位</th><td>${esc(unitName(p.unitId))}</td></tr>
      <tr><th>行业</th><td>${esc(p.industryCode)} ${esc(p.industryName)}</td></tr><tr><th>阶段</th><td>${STAGE[p.stage] || ''}</td></tr>
      <tr><th>计划总投资</th><td>${wan(p.plannedTotalInvestmentYuan)}万元</td></tr>
      <tr><th>计划/实际开工</th><td>${esc(p.plannedStartDate || '—')} / ${esc(p.actualStartDate || '—')}</td></tr>
      <tr><th>入库</th><td>${RUKU[p.rukuState || 'RUKU_STATE_UNSPECIFIED'] || '—'} ${esc(p.rukuDate || '')}</td></tr></table></div>
    <div class="panel"><h2>月度投资 (自开始建设累计, 万元)</h2><div class="chart" id="c-figures"></div></div>
    <div class="panel"><h2>节点与责任人</h2><table><tr><th>节点</th><th>计划</th><th>完成</th><th>责任人</th></tr>
      ${milestones.map((m) => `<tr class="${!m.metDate && m.dueDate && m.dueDate < today ? 'overdue' : ''}"><td>${esc(m.title || nameOf('saima.registry.v1.MilestoneKind', m.kind))}</td><td>${esc(m.dueDate)}</td><td>${esc(m.metDate || (m.dueDate < today ? '已逾期' : ''))}</td><td>${esc(m.ownerName)}</td></tr>`).join('') || '<tr><td colspan="4">—</td></tr>'}</table></div>
    <div class="panel"><h2>材料</h2><table><tr><th>类型</th><th>文号</th><th>日期</th></tr>
      ${documents.map((d) => `<tr><td>${esc(nameOf('saima.registry.v1.DocumentType', d.type))}</td><td>${esc(d.number)}</td><td>${esc(d.issuedDate)}</td></tr>`).join('') || '<tr><td colspan="3">—</td></tr>'}</table></div>
    <div class="panel" style="grid-column: 1 / -1"><h2>变更与入库记录</h2><table><tr><th>时间</th><th>操作人</th><th>变更</th></tr>
      ${changes.slice(-20).reverse().map((c) => `<tr><td>${esc(cst(c.changeTime))}</td><td>${esc(c.actor)}</td><td>${esc(nameOf('saima.registry.v1.ChangeKind', c.kind))}</td></tr>`).join('')}</table></div></div>`;
  asOf(period);
  chart('c-figures', {
    tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: reports.map((r) => r.period) }, yAxis: { type: 'value' },
    series: [{ type: 'line', areaStyle: {}, data: reports.map((r) => Number(wan(r.sinceStartYuan))) }],
  });
}

async function ruku(params, view) {
  const period = await latestPeriod(params);
  const me = await whoami();
  const query = me.role === 'dept_reviewer' ? `?reviewingDepartmentId=${encodeURIComponent(me.unitId)}` : '';
  const [apps, missing] = await Promise.all([
    api(`/v1/ruku/applications${query}`), api(`/v1/ruku/missing?asOfDate=${lastDay(period)}`),
  ]);
  const entries = (missing.entries || []).filter((e) => e.light === 'MISSING_RUKU_LIGHT_YELLOW' || e.light === 'MISSING_RUKU_LIGHT_RED');
  if (view.stale()) return;
  main().innerHTML = `${periodPicker(period, '#/ruku')}<div class="grid">
    <div class="panel"><h2>入库申请 (${(apps.applications || []).length})</h2><table><tr><th>申请</th><th>项目</th><th>主管部门</th><th>状态</th></tr>
      ${(apps.applications || []).map((a) => `<tr><td>${a.applicationId}</td><td><a href="#/project/${a.projectId}">${esc(a.projectId)}</a></td><td>${esc(unitName(a.reviewingDepartmentId))}</td><td>${RUKU[a.state] || '—'}</td></tr>`).join('')}</table></div>
    <div class="panel"><h2>应统尽统: 已开工未入库 (截至 ${lastDay(period)}) 黄${entries.filter((e) => e.light.endsWith('YELLOW')).length} 红${entries.filter((e) => e.light.endsWith('RED')).length}</h2>
      <table><tr><th>项目</th><th>单位</th><th>开工</th><th class="num">月数</th><th>灯</th></tr>
      ${entries.map((e) => `<tr><td>${esc(e.project.name)}</td><td>${esc(unitName(e.project.unitId))}</td><td>${esc(e.project.actualStartDate)}</td><td class="num">${e.monthsSinceStart}</td><td>${light(e.light.endsWith('RED') ? '红' : '黄')}</td></tr>`).join('')}</table></div></div>`;
  asOf(period);
}

async function contest(params, view) {
  const period = await latestPeriod(params);
  const { campaigns = [] } = await api('/v1/campaigns');
  const campaign = campaigns.find((c) => c.published);
  if (view.stale()) return;
  if (!campaign) { main().innerHTML = '<p>尚无已发布的赛马结果。</p>'; return; }
  const [results, nominations, look] = await Promise.all([
    api(`/v1/campaigns/${campaign.campaignId}/results`), api(`/v1/campaigns/${campaign.campaignId}/nominations`),
    api(`/v1/look-back?year=${campaign.year - 1}&period=${period}`).catch(() => null),
  ]);
  const rows = results.results || [];
  const criteria = campaign.criteria || [];
  const score = (milli) => (Number(milli) / 1000).toFixed(2);
  if (view.stale()) return;
  main().innerHTML = `<div class="panel"><h2>${esc(campaign.name)} (已发布)</h2><div class="chart" id="c-contest" style="height:${Math.max(300, rows.length * 20)}px"></div></div>
    <div class="panel"><table><tr><th>名次</th><th>单位</th><th class="num">得分</th>${criteria.map((c) => `<th class="num">${esc(c.name)}(${c.weight}%)</th>`).join('')}<th class="num">计划完成率</th></tr>
      ${rows.map((r) => `<tr><td>${r.rank}</td><td>${esc(r.unitName)}</td><td class="num">${score(r.scoreMilli)}</td>${criteria.map((c) => `<td class="num">${score((r.criterionMilli || {})[c.criterionId] || 0)}</td>`).join('')}<td class="num">${pct(r.completionNumerator, r.completionDenominator)}</td></tr>`).join('')}</table></div>
    <div class="grid"><div class="panel"><h2>观摩项目</h2><table><tr><th>项目</th><th>单位</th></tr>
      ${(nominations.nominations || []).filter((n) => n.state === 'NOMINATION_STATE_SELECTED').map((n) => `<tr><td><a href="#/project/${n.projectId}">${esc(n.projectName)}</a></td><td>${esc(unitName(n.unitId))}</td></tr>`).join('')}</table></div>
    <div class="panel"><h2>回头看: ${campaign.year - 1}年谋划项目</h2>${look ? `<p>共 ${look.plannedProjects} 个 (乡镇(街道) ${look.plannedByTownships}, 市直单位 ${look.plannedByDepartments}), 已开工 ${look.startedProjects} 个, 开工率 ${pct(look.startedProjects, look.plannedProjects)}</p>
      <table><tr><th>上年名次</th><th>单位</th><th class="num">谋划</th><th class="num">开工</th></tr>${(look.entries || []).slice(0, 20).map((e) => `<tr><td>${e.lastRank || '—'}</td><td>${esc(e.unitName)}</td><td class="num">${e.plannedProjects || 0}</td><td class="num">${e.startedProjects || 0}</td></tr>`).join('')}</table>` : '—'}</div></div>`;
  asOf(period, ` · 结果发布于 ${cst(results.publishTime)}`);
  const rev = [...rows].reverse();
  chart('c-contest', {
    grid: { left: 130, right: 50 }, tooltip: {}, xAxis: { type: 'value', min: 50 },
    yAxis: { type: 'category', data: rev.map((r) => r.unitName) },
    series: [{ type: 'bar', data: rev.map((r) => Number(r.scoreMilli) / 1000), label: { show: true, position: 'right', formatter: (p) => p.value.toFixed(2) } }],
  });
}

// 核实性审核: the period's flags with the reporters' 说明; the bureau dismisses with a reason (saimactl or the API).
async function flags(params, view) {
  const period = await latestPeriod(params);
  const rule = params.get('rule') || '';
  const { flags: list = [] } = await api(`/v1/verification-flags?period=${period}${rule ? `&rule=${rule}` : ''}`);
  if (view.stale()) return;
  const open = list.filter((f) => !f.dismissed).length;
  main().innerHTML = `${periodPicker(period, '#/flags')}
    <div class="toolbar"><label>审核规则 <select id="rule" onchange="location.hash='#/flags?period=${period}&rule='+this.value">
      <option value="">全部规则</option>
      ${Object.entries(RULE).filter(([k]) => k !== 'VERIFICATION_RULE_UNSPECIFIED').map(([k, v]) => `<option value="${k}" ${rule === k ? 'selected' : ''}>${esc(v)}</option>`).join('')}</select></label>
      <a href="#" id="flags-xlsx">导出 XLSX</a></div>
    <div class="panel"><h2>核实性审核疑点 <span id="flag-count">${list.length}条 (待核实${open}条)</span></h2>
    <table id="flags"><tr><th>规则</th><th>单位</th><th>项目</th><th>疑点</th><th>填报说明</th><th>状态</th></tr>
    ${list.map((f) => `<tr><td>${esc(f.ruleId)} ${esc(RULE[f.rule] || '')}</td><td>${esc(unitName(f.unitId))}</td><td>${f.projectId && f.projectId !== '0' ? `<a href="#/project/${esc(f.projectId)}?period=${period}">${esc(f.projectName)}</a>` : '—'}</td><td>${esc(f.evidence)}</td><td>${esc(f.explanation || '—')}</td><td>${f.dismissed ? `已排除：${esc(f.dismissReason)}` : '待核实'}</td></tr>`).join('')}</table></div>`;
  document.getElementById('flags-xlsx').addEventListener('click', (e) => {
    e.preventDefault();
    download(`/v1/verification-flags:export?period=${period}${rule ? `&rule=${rule}` : ''}`, `flags-${period}.xlsx`);
  });
  asOf(period);
}

async function downloads(params, view) {
  const period = await latestPeriod(params);
  const { campaigns = [] } = await api('/v1/campaigns').catch(() => ({}));
  const published = campaigns.find((c) => c.published);
  const links = [
    ['省级报表包 (XLSX)', `/v1/reports/provincial?period=${period}&format=xlsx`, `provincial-${period}.xlsx`],
    ['省级报表包 (CSV, ZIP)', `/v1/reports/provincial?period=${period}&format=csv`, `provincial-${period}.zip`],
    ['城市指标 SDMX-CSV', `/sdmx/data/dataflow/SAIMA/FAI/1.0.0/*?c%5BTIME_PERIOD%5D=ge:${period.slice(0, 4)}-02+le:${period}`, `fai-${period}.csv`],
    ['月调度议程 (XLSX)', `/v1/dispatch/agenda:export?period=${period}`, `dispatch-${period}.xlsx`],
    ['核实性审核疑点 (XLSX)', `/v1/verification-flags:export?period=${period}`, `flags-${period}.xlsx`],
  ];
  if (published) {
    links.push(['赛马结果 (XLSX)', `/v1/campaigns/${published.campaignId}/results:export?format=xlsx`, `contest-${published.year}.xlsx`]);
    links.push(['赛马结果 (CSV)', `/v1/campaigns/${published.campaignId}/results:export?format=csv`, `contest-${published.year}.csv`]);
  }
  if (view.stale()) return;
  main().innerHTML = `${periodPicker(period, '#/downloads')}<div class="panel"><h2>下载</h2><ul>
    ${links.map(([label, path, name], i) => `<li><a href="#" data-i="${i}">${esc(label)}</a></li>`).join('')}</ul></div>`;
  main().querySelectorAll('a[data-i]').forEach((a) => a.addEventListener('click', (e) => {
    e.preventDefault();
    const [, path, name] = links[Number(a.dataset.i)];
    download(path, name);
  }));
  asOf(period);
}

// ---- sign-in ----
let me = null;
let generation = 0;
async function whoami() {
  if (!me) {
    me = (await api('/v1/whoami')).caller;
    await loadUnits();
  }
  return me;
}
function signIn(message) {
  document.getElementById('who').textContent = '';
  main().innerHTML = `<form class="signin" id="signin"><h2>登录</h2>
    <p>请输入您的访问令牌 (由系统管理员发放)。</p>${message ? `<p class="error">${esc(message)}</p>` : ''}
    <input id="token" type="password" autocomplete="current-password" placeholder="令牌"><button type="submit">登录</button></form>`;
  document.getElementById('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
    me = null;
    render();
  });
}
const roleName = (role) => nameOf('saima.auth.v1.Role', `ROLE_${String(role || '').toUpperCase()}`);

async function render() {
  if (!sessionStorage.getItem(TOKEN_KEY)) { signIn(); return; }
  try {
    const who = await whoami();
    document.getElementById('who').innerHTML = `${esc(who.displayName || who.userId)} · ${esc(roleName(who.role))}${who.unitId ? ` · ${esc(who.unitName || unitName(who.unitId))}` : ''} <button id="signout">退出</button>`;
    document.getElementById('signout').onclick = () => { sessionStorage.removeItem(TOKEN_KEY); me = null; render(); };
  } catch (e) {
    signIn(e.status === 401 ? '令牌无效或已过期' : e.message);
    return;
  }
  // Pages render asynchronously: a page whose data arrives after the reader moved on draws nothing.
  const mine = ++generation;
  const view = { stale: () => mine !== generation };
  const { parts, params } = route();
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0]}`));
  main().innerHTML = '<p>加载中…</p>';
  try {
    switch (parts[0]) {
      case 'units': await units(params, view); break;
      case 'unit': await unit(parts[1], params, view); break;
      case 'project': await project(parts[1], params, view); break;
      case 'ruku': await ruku(params, view); break;
      case 'contest': await contest(params, view); break;
      case 'downloads': await downloads(params, view); break;
      case 'flags': await flags(params, view); break;
      default: await overview(params, view);
    }
  } catch (e) {
    if (e.status === 401) { signIn('令牌无效或已过期'); return; }
    main().innerHTML = `<p class="error">${e.status === 403 ? '无权查看: ' : '出错了: '}${esc(e.message)}</p>`;
  }
}

window.addEventListener('hashchange', render);
render();
