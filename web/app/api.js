// The API client, generated from the gateway's OpenAPI description: openapi-fetch over the paths of
// /openapi.json (types in generated/schema.d.ts, made by build.mjs with openapi-typescript; the test
// "every call the application makes is a route of the contract" reads the calls below and in the pages and checks
// each against the description). Every call carries the session's access token; a 401 refreshes once (the
// session's cookie) and retries, and a session that cannot be refreshed ends (the app returns to the sign-in page).
import createClient from 'openapi-fetch';
import { accessToken, refresh, ApiError } from './session.js';

const client = createClient({ baseUrl: '' });
client.use({
  onRequest({ request }) {
    const token = accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

async function run(call) {
  let result;
  try {
    const used = accessToken();
    result = await call();
    if (result.response.status === 401 && (await refresh(used))) result = await call();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, null);
  }
  if (result.response.status === 204) return null;
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data;
}

// api.GET('/v1/projects/{projectId}', { params: { path: { projectId } } }) → the answer's JSON, or throws ApiError.
export const api = {
  GET: (path, init) => run(() => client.GET(path, init)),
  POST: (path, init) => run(() => client.POST(path, init)),
  PUT: (path, init) => run(() => client.PUT(path, init)),
  PATCH: (path, init) => run(() => client.PATCH(path, init)),
};

// A file from the API (an export, an uploaded material), saved under `name`.
export async function download(path, init, name) {
  const blob = await run(() => client.GET(path, { ...init, parseAs: 'blob' }));
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A File message's content (bytes as base64, as protobuf's JSON mapping has them) from a browser File.
export async function fileMessage(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name, contentType: file.type || 'application/octet-stream', content: btoa(binary) };
}

// A client-chosen id that makes a retried write count once.
export const requestId = () => `web-${crypto.randomUUID()}`;
