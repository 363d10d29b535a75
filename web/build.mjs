// Builds the web application into the folder the gateway serves (--web_root):
//  1. checks every API call the application makes (api.GET('/v1/…'), download('/v1/…')) against the OpenAPI
//     description generated from the contracts (build/contracts/openapi.json, by saima-contracts): a path or method
//     the gateway does not serve fails the build;
//  2. generates the client's types from the same description (generated/schema.d.ts, openapi-typescript);
//  3. builds the pages with Vite (Vue single-file components, Element Plus, Vant, ECharts; the display names from
//     the contracts' names.json), and copies the API reference page (/docs, redoc's standalone bundle) and the
//     OpenAPI description;
//  4. prints each file's size and the whole bundle's, raw and gzipped.
//   node build.mjs OUT_DIR CONTRACTS_DIR
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import openapiTS, { astToString } from 'openapi-typescript';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const [outArg, contractsArg] = process.argv.slice(2);
if (!outArg || !contractsArg) {
  console.error('usage: node build.mjs OUT_DIR CONTRACTS_DIR');
  process.exit(2);
}
const out = resolve(outArg);
const contracts = resolve(contractsArg);
const spec = JSON.parse(readFileSync(join(contracts, 'openapi.json'), 'utf8'));

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'generated' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]);
}
// Every call of the application, as [method, path, file].
export function callsOf(dir) {
  const calls = [];
  for (const file of walk(dir).filter((f) => /\.(js|vue)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/api\.(GET|POST|PUT|PATCH)\(\s*'([^']+)'/g)) calls.push([m[1].toLowerCase(), m[2], file]);
    for (const m of text.matchAll(/download\(\s*'([^']+)'/g)) calls.push(['get', m[1], file]);
  }
  return calls;
}
const calls = callsOf(join(here, 'app'));
const wrong = calls.filter(([method, path]) => !spec.paths[path]?.[method]);
for (const [method, path, file] of wrong) console.error(`${relative(here, file)}: ${method.toUpperCase()} ${path} is not a route of openapi.json`);
if (wrong.length) process.exit(1);
console.log(`API calls of the application checked against openapi.json: ${calls.length} (${new Set(calls.map(([m, p]) => `${m} ${p}`)).size} routes)`);

mkdirSync(join(here, 'app/generated'), { recursive: true });
writeFileSync(join(here, 'app/generated/schema.d.ts'), `// Generated from openapi.json by build.mjs; do not edit.\n${astToString(await openapiTS(spec))}`);

process.env.SAIMA_WEB_OUT = out;
process.env.SAIMA_CONTRACTS = contracts;
await build({ configFile: join(here, 'vite.config.mjs'), logLevel: 'warn' });

mkdirSync(join(out, 'docs'), { recursive: true });
for (const [from, name] of [
  [join(contracts, 'openapi.json'), 'openapi.json'],
  [join(here, 'src/docs.html'), 'docs.html'],
  [join(here, '../docs/oc4ids.md'), 'oc4ids-publication-policy.md'],
  [join(here, 'node_modules/redoc/bundles/redoc.standalone.js'), 'docs/redoc.standalone.js'],
]) copyFileSync(from, join(out, name));

let raw = 0;
let gzipped = 0;
let appRaw = 0;
let appGzipped = 0;
for (const file of walk(out).sort()) {
  const name = relative(out, file);
  const bytes = statSync(file).size;
  const gz = gzipSync(readFileSync(file)).length;
  raw += bytes;
  gzipped += gz;
  if (!name.startsWith('docs') && !name.endsWith('.json') && !name.endsWith('.md')) {
    appRaw += bytes;
    appGzipped += gz;
  }
  console.log(`${name.padEnd(40)} ${String(bytes).padStart(9)} B  (gzip ${gz} B)`);
}
console.log(`web application (pages, scripts, styles)  ${appRaw} B  (gzip ${appGzipped} B)`);
console.log(`web bundle with the API reference         ${raw} B  (gzip ${gzipped} B) -> ${out}`);
