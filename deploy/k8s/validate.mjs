// Renders every overlay with `kubectl kustomize` and validates each object against the Kubernetes schemas of
// the kubernetes-models package, offline. Exits non-zero naming the object and the failed rule.
//   node deploy/k8s/validate.mjs
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
let failures = 0;
let objects = 0;
for (const overlay of readdirSync(join(here, 'overlays'))) {
  const rendered = execFileSync('kubectl', ['kustomize', join(here, 'overlays', overlay)], { encoding: 'utf8' });
  const kinds = {};
  for (const doc of yaml.loadAll(rendered)) {
    if (!doc) continue;
    objects++;
    kinds[doc.kind] = (kinds[doc.kind] || 0) + 1;
    const module = doc.apiVersion.includes('/') ? doc.apiVersion : `v1`;
    const models = await import(`kubernetes-models/${module}`);
    const Model = models[doc.kind];
    if (!Model) {
      console.error(`${overlay}: no schema for ${doc.apiVersion} ${doc.kind}`);
      failures++;
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      console.error(`${overlay}: ${doc.kind}/${doc.metadata?.name}: ${e.message}`);
      failures++;
    }
  }
  console.log(`${overlay}: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}`);
}
console.log(`${objects} objects validated, ${failures} invalid`);
process.exit(failures ? 1 : 0);
