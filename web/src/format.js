// How the dashboard shows numbers: from exact integer 元 (JSON strings), rounded half away from zero only at the
// end, as the services and the reports do (common/format.h). Tables, chart labels and chart values all come from
// here, so that 12.35% is 12.4% everywhere. Loaded before app.js; the tests import it too.
(function (root) {
  'use strict';
  // BigInt num/den rounded half away from zero.
  function roundDiv(num, den) {
    const neg = (num < 0n) !== (den < 0n);
    const n = num < 0n ? -num : num;
    const d = den < 0n ? -den : den;
    const q = (2n * n + d) / (2n * d);
    return neg ? -q : q;
  }
  // BigInt scaled by 10^decimals → "12.34".
  function fixed(scaled, decimals) {
    const neg = scaled < 0n;
    const s = (neg ? -scaled : scaled).toString().padStart(decimals + 1, '0');
    const text = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
    return (neg && /[1-9]/.test(text) ? '-' : '') + text;
  }
  const big = (v) => BigInt(v || 0);
  // 元 → 亿元 with 2 decimals, 万元 with 1.
  const yi = (yuan) => fixed(roundDiv(big(yuan) * 100n, 100000000n), 2);
  const wan = (yuan) => fixed(roundDiv(big(yuan) * 10n, 10000n), 1);
  // num/den as a percentage with 1 decimal, "—" when undefined.
  function pct(num, den) {
    if (big(den) === 0n) return '—';
    return fixed(roundDiv(big(num) * 1000n, big(den)), 1) + '%';
  }
  // A growth rate with its sign.
  function growth(rate) {
    if (!rate || big(rate.denominator) === 0n) return '—';
    const text = pct(rate.numerator, rate.denominator);
    return text[0] === '-' || text === '0.0%' ? text : `+${text}`;
  }
  // The percentage a chart plots: the same rounding as pct, so that value.toFixed(1) is pct's digits.
  const ratio = (num, den) => (big(den) === 0n ? 0 : Number(roundDiv(big(num) * 1000n, big(den))) / 10);
  root.SaimaFormat = { yi, wan, pct, growth, ratio };
})(typeof window !== 'undefined' ? window : globalThis);
