// The report period a page shows: ?period= in the address, else the one last viewed, else the newest month with
// figures within the last four years.
import { api } from './api.js';

const KEY = 'saima.period';
export async function latestPeriod(query) {
  if (typeof query.period === 'string' && /^\d{4}-\d{2}$/.test(query.period)) {
    localStorage.setItem(KEY, query.period);
    return query.period;
  }
  const kept = localStorage.getItem(KEY);
  if (kept) return kept;
  const now = new Date();
  const candidates = [];
  for (let i = 0; i < 48; i++) {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1);
    if (d.getMonth() === 0) continue;
    candidates.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`);
  }
  const counts = await Promise.all(candidates.map((period) =>
    api.GET('/v1/indicators', { params: { query: { period } } }).then((r) => Number(r?.projectCount || 0), () => 0)));
  const found = candidates.find((_, i) => counts[i] > 0) || candidates[0];
  localStorage.setItem(KEY, found);
  return found;
}
export const asOfText = (period, extra = '') =>
  `报告期 ${period || '—'}${extra} · 数据截至 ${new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })} (来自网关实时接口)`;
