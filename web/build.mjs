// Builds the dashboard into a folder the gateway serves (--web_root): the pages, the script, the style, and
// ECharts from node_modules. Prints each file's size and the whole bundle's, raw and gzipped.
//   node build.mjs OUT_DIR
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const files = [
  [join(here, 'src/index.html'), 'index.html'],
  [join(here, 'src/app.js'), 'app.js'],
  [join(here, 'src/style.css'), 'style.css'],
  [join(here, 'node_modules/echarts/dist/echarts.min.js'), 'echarts.min.js'],
];
let raw = 0;
let gzipped = 0;
for (const [from, name] of files) {
  copyFileSync(from, join(out, name));
  const bytes = statSync(from).size;
  const gz = gzipSync(readFileSync(from)).length;
  raw += bytes;
  gzipped += gz;
  console.log(`${name.padEnd(16)} ${String(bytes).padStart(9)} B  (gzip ${gz} B)`);
}
console.log(`dashboard bundle  ${raw} B  (gzip ${gzipped} B) -> ${out}`);
