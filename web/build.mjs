// Builds the web application into a folder the gateway serves (--web_root): the pages, the script, the style,
// ECharts from node_modules, the display names and the OpenAPI description generated from the contracts
// (build/contracts, by saima-contracts), and the API reference page (/docs, redoc's standalone bundle).
// Prints each file's size and the whole bundle's, raw and gzipped.
//   node build.mjs OUT_DIR CONTRACTS_DIR
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const [out, contracts] = process.argv.slice(2);
if (!out || !contracts) {
  console.error('usage: node build.mjs OUT_DIR CONTRACTS_DIR');
  process.exit(2);
}
mkdirSync(join(out, 'docs'), { recursive: true });
// The display names of every enumeration, as the services name them (one source: the protos' options).
const names = readFileSync(join(contracts, 'names.json'), 'utf8');
writeFileSync(join(out, 'names.js'), `// Generated from the contracts (saima-contracts names); do not edit.\nwindow.SAIMA_NAMES = ${names};\n`);
const files = [
  [join(here, 'src/index.html'), 'index.html'],
  [join(here, 'src/format.js'), 'format.js'],
  [join(here, 'src/app.js'), 'app.js'],
  [join(here, 'src/style.css'), 'style.css'],
  [join(here, 'node_modules/echarts/dist/echarts.min.js'), 'echarts.min.js'],
  [join(contracts, 'openapi.json'), 'openapi.json'],
  [join(here, 'src/docs.html'), 'docs.html'],
  [join(here, '../docs/oc4ids.md'), 'oc4ids-publication-policy.md'],
  [join(here, 'node_modules/redoc/bundles/redoc.standalone.js'), 'docs/redoc.standalone.js'],
];
let raw = 0;
let gzipped = 0;
for (const [from, name] of [...files, [join(out, 'names.js'), 'names.js']]) {
  if (from !== join(out, name)) copyFileSync(from, join(out, name));
  const bytes = statSync(join(out, name)).size;
  const gz = gzipSync(readFileSync(join(out, name))).length;
  raw += bytes;
  gzipped += gz;
  console.log(`${name.padEnd(26)} ${String(bytes).padStart(9)} B  (gzip ${gz} B)`);
}
console.log(`web bundle  ${raw} B  (gzip ${gzipped} B) -> ${out}`);
