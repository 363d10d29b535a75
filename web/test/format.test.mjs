// The dashboard's rounding is the services' (common/format.h): the same cases, from one file; and every chart
// value shows the digits its table shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/format.js';

const { yi, wan, pct, growth, ratio } = globalThis.SaimaFormat;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the cases the services are tested with', () => {
  const lines = readFileSync(join(root, 'common/testdata/format_cases.csv'), 'utf8').trim().split('\n').slice(1);
  assert.ok(lines.length > 20);
  for (const line of lines) {
    const [kind, numerator, denominator, expected] = line.split(',');
    const got = { yi: () => yi(numerator), wan: () => wan(numerator), percent: () => pct(numerator, denominator),
      growth: () => growth({ numerator, denominator }) }[kind]();
    assert.equal(got, expected, line);
  }
});

test('a chart label and its table cell agree, for every tenth of a point from -200% to 200%', () => {
  for (const den of [10000n, 3n, 7n, 2584n]) {
    for (let n = -2n * den; n <= 2n * den; n += 1n) {
      assert.equal(`${ratio(n, den).toFixed(1)}%`, pct(n, den), `${n}/${den}`);
    }
  }
});
