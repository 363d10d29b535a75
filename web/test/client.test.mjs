// A partner's client generated from the gateway's own OpenAPI description: types by openapi-typescript, checked
// by the TypeScript compiler (strict), calls by openapi-fetch, against the running demo system.
//   SAIMA_GATEWAY_HTTP, SAIMA_LEADER_TOKEN
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import createClient from 'openapi-fetch';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.SAIMA_GATEWAY_HTTP;
const token = process.env.SAIMA_LEADER_TOKEN;

test('a client generated from /openapi.json type-checks and calls three routes', async () => {
  const spec = await (await fetch(`${base}/openapi.json`)).json();
  const dir = mkdtempSync(join(tmpdir(), 'saima-client-'));
  writeFileSync(join(dir, 'schema.d.ts'), astToString(await openapiTS(spec)));
  // The calls a partner would write, checked against the generated types: a wrong path, parameter or field
  // would not compile.
  writeFileSync(join(dir, 'client.ts'), `
import createClient from '${join(here, '../node_modules/openapi-fetch/dist/index.js').replace(/\\.js$/, '')}';
import type { paths } from './schema';
const client = createClient<paths>({ baseUrl: 'http://gateway' });
export async function calls(projectId: string) {
  const who = await client.GET('/v1/whoami');
  const userId: string | undefined = who.data?.caller?.userId;
  const city = await client.GET('/v1/reports/city', { params: { query: { period: '2023-05' } } });
  const total: string | undefined = city.data?.report?.indicators?.total?.ytdYuan;
  const project = await client.GET('/v1/projects/{projectId}', { params: { path: { projectId } } });
  const name: string | undefined = project.data?.project?.name;
  return { userId, total, name };
}
`);
  execFileSync(join(here, '../node_modules/.bin/tsc'),
    ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', join(dir, 'client.ts')], { stdio: 'pipe' });

  // The same calls at run time.
  const client = createClient({ baseUrl: base, headers: { Authorization: `Bearer ${token}` } });
  const who = await client.GET('/v1/whoami');
  assert.equal(who.response.status, 200);
  assert.equal(who.data.caller.role, 'leader');
  const city = await client.GET('/v1/reports/city', { params: { query: { period: '2023-05' } } });
  assert.equal(city.response.status, 200);
  assert.match(city.data.report.indicators.total.ytdYuan, /^29\d{8}$/);  // 29.87亿元 in 元
  const list = await client.GET('/v1/projects', { params: { query: { pageSize: 1 } } });
  const projectId = list.data.projects[0].projectId;
  const project = await client.GET('/v1/projects/{projectId}', { params: { path: { projectId } } });
  assert.equal(project.response.status, 200);
  assert.equal(project.data.project.projectId, projectId);
  // An unknown route answers 404 with the JSON error; a known path with another method 405 with Allow.
  const missing = await fetch(`${base}/v1/no-such-thing`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).code, 5);
  const wrong = await fetch(`${base}/v1/reports/city?period=2023-05`, { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET');
  assert.equal((await wrong.json()).code, 3);
});
