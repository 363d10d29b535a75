// The one rounding of amounts and rates (src/format.js, shared with its tests; the services' common/format.h).
import '../src/format.js';

export const { yi, wan, pct, growth, ratio } = globalThis.SaimaFormat;
// A Rate message ({numerator, denominator}) as a percentage; '—' when absent (an unset message is not in the JSON).
export const rate = (r) => (r ? pct(r.numerator, r.denominator) : '—');

// Times for people: China Standard Time.
export const cst = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

// 元 as typed by people ("1,250.5万" is not accepted: whole 元, digits only) → the API's integer string, or null.
export function yuanOf(text) {
  const t = String(text ?? '').replace(/[,，\s]/g, '');
  return /^\d{1,15}$/.test(t) ? String(BigInt(t)) : null;
}

// The months of a year up to `period` that have figures (no January: 02 covers January and February).
export function monthsUpTo(period) {
  const [y, m] = period.split('-').map(Number);
  const out = [];
  for (let i = 2; i <= m; i++) out.push(`${y}-${String(i).padStart(2, '0')}`);
  return out;
}
export function lastDay(period) {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
export function nextPeriod(period) {
  const [y, m] = period.split('-').map(Number);
  if (m === 12) return `${y + 1}-02`;
  return `${y}-${String(m + 1).padStart(2, '0')}`;
}
